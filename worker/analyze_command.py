"""`python -m worker analyze PATH... [--pretty]`: one Report per document as a JSON line.

`worker/cli.py` routes this command here before Faust is imported, so that it starts in well under a
second (importing Faust alone takes about half a second); `python -m worker --help` still lists it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from worker.feed import read_archive
from worker.text.analyze import analyze


def print_reports(paths: list[str], pretty: bool) -> None:
    for path in paths:
        for document in read_archive(Path(path)):
            print(analyze(document.text, document.doc_id).model_dump_json(indent=2 if pretty else None))


def existing_path(text: str) -> str:
    """A path that is not there is a usage error (status 2), worded as the other commands' (click's)."""
    if not Path(text).exists():
        raise argparse.ArgumentTypeError(f"'{text}' does not exist")
    return text


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m worker analyze", description="Read files or folders of .txt and "
                                     "print one Report per document as a JSON line (doc_id = file stem).")
    parser.add_argument("paths", nargs="+", type=existing_path)
    parser.add_argument("--pretty", action="store_true", help="Indented JSON for people.")
    args = parser.parse_args(argv)
    print_reports(args.paths, args.pretty)
