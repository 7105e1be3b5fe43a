"""The command line: Faust's own CLI, except `analyze`, which is routed before Faust is imported (fast start), and
`--version`, which names this project (Faust's would name only Faust)."""

import sys
from importlib.metadata import PackageNotFoundError, version


def main() -> None:
    # `analyze --help` is Faust's, like every other command's help (with its example).
    if sys.argv[1:2] == ["analyze"] and "--help" not in sys.argv[2:]:
        from worker.analyze_command import main as analyze_main

        analyze_main(sys.argv[2:])
    elif "--version" in sys.argv[1:]:
        print(f"protest-tally {installed('protest-tally')} ({runtime_versions()}, Python {sys.version.split()[0]})")
    else:
        from worker.app import main as faust_main

        faust_main()


def installed(package: str) -> str:
    """A package's installed version ('not installed' from a checkout that was never installed)."""
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def runtime_versions() -> str:
    """The stream libraries the worker runs on, as `--version` and the benchmarks' conditions name them."""
    return f"faust-streaming {installed('faust-streaming')}, aiokafka {installed('aiokafka')}"
