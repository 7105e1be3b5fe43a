"""Benchmarks and scores that print their figures (not timed tests).

    python -m worker.bench analyze [--repeat 200] [--runs 5]   # median ms per article over the archive repeated
    python -m worker.bench adversarial [--size 1000000]         # seconds per MB of adversarial text
    python -m worker.bench restart [--kills 3]                  # seconds until a SIGKILLed worker's successor reports
    python -m worker.bench devset [tests/text/devset]          # wave accuracy, detention recall/precision, city F1
    python -m worker.bench corpus ../shared/devcorpus           # the corpus scorer's figures for analyze on its articles
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from worker.feed import read_archive
from worker.text.analyze import analyze

ROOT = Path(__file__).resolve().parent.parent


def bench_analyze(archive: Path, repeat: int, runs: int) -> None:
    documents = read_archive(archive)
    analyze(documents[0].text, documents[0].doc_id)  # load the gazetteer and compile patterns once
    per_article = []
    for _ in range(runs):
        started = time.perf_counter()
        for _ in range(repeat):
            for document in documents:
                analyze(document.text, document.doc_id)
        per_article.append((time.perf_counter() - started) * 1000 / (repeat * len(documents)))
    print(f"analyze: {len(documents)} articles x {repeat}, {runs} runs: median {statistics.median(per_article):.3f} ms/article "
          f"(runs: {', '.join(f'{v:.3f}' for v in per_article)})")


#: Inputs that would expose catastrophic backtracking or quadratic work, repeated to any size.
ADVERSARIAL_INPUTS = {
    "archive": "\n".join(p.read_text() for p in sorted((ROOT / "seeds").glob("*.txt"))),
    "figures": "1, ",
    "qualifiers": "more than at least ",
    "detentions": "Police detained 1,474 people in Moscow and 300 in St Petersburg, OVD-Info said. ",
    "digits": "9",
    "no spaces": "a",
    "dots": ". ",
    "cities": "Moscow St Petersburg ",
    "thousands": "100 000 ",
}


def bench_adversarial(size: int, runs: int) -> None:
    for name, unit in ADVERSARIAL_INPUTS.items():
        text = (unit * (size // len(unit) + 1))[:size]
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            analyze(text, name)
            seconds.append(time.perf_counter() - started)
        print(f"{name:>12}: {size / 1e6:.1f} MB in median {statistics.median(seconds):.3f} s ({runs} runs)")


def bench_restart(kills: int, kind: str) -> None:
    """Seconds from starting a worker after a SIGKILL until it reports again, on an embedded broker."""
    import asyncio
    import dataclasses
    import signal
    import tempfile

    from worker.broker import start_embedded_broker
    from worker.feed import ArchivedDocument, replay
    from worker.settings import Settings
    from worker.tally_topic import count_records, wait_until_processed
    from worker.topics import ensure_topics
    from worker.worker_process import WorkerProcess

    documents = read_archive(ROOT / "seeds")
    with start_embedded_broker(kind) as broker, tempfile.TemporaryDirectory() as workdir:
        settings = dataclasses.replace(Settings.from_env(), kafka=broker.connection, app_id="bench-restart")
        asyncio.run(ensure_topics(settings))
        env = {"PROTEST_TALLY_APP_ID": settings.app_id}
        worker = WorkerProcess(broker.connection, Path(workdir) / "w", Path(workdir) / "w.log", env)
        worker.start()
        asyncio.run(replay(broker.connection, settings.topics.raw, documents))
        asyncio.run(wait_until_processed(broker.connection, settings.topics, settings.app_id, len(documents)))
        seconds = []
        for kill in range(kills):
            worker.stop(signal.SIGKILL)
            fresh = [ArchivedDocument(f"{d.doc_id}-r{kill}", d.text) for d in documents]
            before = asyncio.run(count_records(broker.connection, settings.topics.reports))
            asyncio.run(replay(broker.connection, settings.topics.raw, fresh))
            started = time.monotonic()
            worker = WorkerProcess(broker.connection, Path(workdir) / "w", Path(workdir) / "w.log", env)
            worker.start()
            while asyncio.run(count_records(broker.connection, settings.topics.reports)) == before:
                time.sleep(0.1)
            seconds.append(time.monotonic() - started)
            asyncio.run(wait_until_processed(broker.connection, settings.topics, settings.app_id,
                                             before + len(fresh)))
        worker.stop()
    print(f"restart after SIGKILL: median {statistics.median(seconds):.1f} s from start to the first report "
          f"({', '.join(f'{s:.1f}' for s in seconds)}; {kills} kills, {broker.kind})")


#: Where the development corpus sits beside a checkout (CI always has it; a user's clone may not).
DEVCORPUS = ROOT.parent / "shared" / "devcorpus"


def score_corpus(folder: Path, scorer: Path | None = None) -> str:
    """Run analyze over FOLDER/articles, score it with the corpus's own score.py against FOLDER/gold.jsonl and
    return the scorer's output (its last line is the summary)."""
    import subprocess
    import sys
    import tempfile

    scorer = scorer or (folder / "score.py")
    with tempfile.TemporaryDirectory() as workdir:
        reports = Path(workdir) / "reports.jsonl"
        with reports.open("w", encoding="utf-8") as out:
            for document in read_archive(folder / "articles"):
                out.write(analyze(document.text, document.doc_id).model_dump_json() + "\n")
        result = subprocess.run([sys.executable, str(scorer), str(folder / "gold.jsonl"), str(folder / "articles"),
                                 str(reports), "--verbose"], capture_output=True, text=True, check=True)
    return result.stdout


def parse_summary(output: str) -> dict[str, float]:
    """'SUMMARY wave=0.92 recall=0.49 ...' -> {'wave': 0.92, 'recall': 0.49, ...}."""
    summary = next(line for line in output.splitlines() if line.startswith("SUMMARY"))
    return {key: float(value) for key, value in (item.split("=") for item in summary.split()[1:])}


def claim_key(claim: dict, strict: bool) -> tuple:
    return (claim["count"], claim["place"], claim["qualifier"]) if strict else (claim["count"], claim["place"])


@dataclass
class Score:
    true_positives: int = 0
    predicted: int = 0
    expected: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, label: str, expected: list[tuple], predicted: list[tuple]) -> None:
        remaining = list(predicted)
        for item in expected:
            if item in remaining:
                remaining.remove(item)
                self.true_positives += 1
            else:
                self.misses.append(f"{label}: missed {item}")
        self.misses.extend(f"{label}: extra {item}" for item in remaining)
        self.predicted += len(predicted)
        self.expected += len(expected)

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_devset(folder: Path) -> dict[str, float]:
    sentences = [json.loads(line) for line in (folder / "sentences.jsonl").read_text().splitlines() if line.strip()]
    articles = [json.loads(line) for line in (folder / "articles.jsonl").read_text().splitlines() if line.strip()]
    sentence_claims, sentence_strict = Score(), Score()
    for number, case in enumerate(sentences):
        report = analyze(case["text"], f"s{number}")
        got = [c.model_dump() for c in report.detentions]
        sentence_claims.add(f"s{number}", [claim_key(c, False) for c in case["claims"]], [claim_key(c, False) for c in got])
        sentence_strict.add(f"s{number}", [claim_key(c, True) for c in case["claims"]], [claim_key(c, True) for c in got])
    waves_right = 0
    article_claims, cities = Score(), Score()
    for article in articles:
        report = analyze(article["text"], article["id"])
        waves_right += report.wave == article["wave"]
        if report.wave != article["wave"]:
            cities.misses.append(f"{article['id']}: wave {report.wave} != {article['wave']}")
        got = [c.model_dump() for c in report.detentions]
        article_claims.add(article["id"], [claim_key(c, True) for c in article["claims"]], [claim_key(c, True) for c in got])
        cities.add(article["id"], sorted(article["cities"]), sorted(c.name for c in report.cities))
    figures = {
        "sentence_cases": len(sentences),
        "sentence_recall": sentence_claims.recall,
        "sentence_precision": sentence_claims.precision,
        "sentence_strict_recall": sentence_strict.recall,
        "articles": len(articles),
        "wave_accuracy": waves_right / len(articles),
        "article_detention_recall": article_claims.recall,
        "article_detention_precision": article_claims.precision,
        "city_f1": cities.f1,
    }
    for name, value in figures.items():
        print(f"{name:>28}: {value:.3f}" if isinstance(value, float) else f"{name:>28}: {value}")
    for miss in sentence_strict.misses + article_claims.misses + cities.misses:
        print(f"  {miss}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m worker.bench")
    commands = parser.add_subparsers(dest="command", required=True)
    speed = commands.add_parser("analyze", help="median ms per article")
    speed.add_argument("archive", nargs="?", default=str(ROOT / "seeds"))
    speed.add_argument("--repeat", type=int, default=200)
    speed.add_argument("--runs", type=int, default=5)
    adversarial = commands.add_parser("adversarial", help="seconds for 1 MB of adversarial text")
    adversarial.add_argument("--size", type=int, default=1_000_000)
    adversarial.add_argument("--runs", type=int, default=3)
    restart = commands.add_parser("restart", help="seconds until a restarted worker reports again")
    restart.add_argument("--kills", type=int, default=3)
    restart.add_argument("--broker", choices=("kafka", "tansu"), default="kafka")
    corpus = commands.add_parser("corpus", help="the corpus scorer's figures (e.g. ../shared/devcorpus)")
    corpus.add_argument("folder", nargs="?", default=str(DEVCORPUS))
    corpus.add_argument("--scorer", help="score.py to use (default: FOLDER/score.py)")
    corpus.add_argument("--verbose", action="store_true", help="also print every miss and extra")
    devset = commands.add_parser("devset", help="scores on the development set")
    devset.add_argument("folder", nargs="?", default=str(ROOT / "tests" / "text" / "devset"))
    args = parser.parse_args()
    if args.command == "analyze":
        bench_analyze(Path(args.archive), args.repeat, args.runs)
    elif args.command == "restart":
        bench_restart(args.kills, args.broker)
    elif args.command == "adversarial":
        bench_adversarial(args.size, args.runs)
    elif args.command == "corpus":
        output = score_corpus(Path(args.folder), Path(args.scorer) if args.scorer else None)
        lines = output.splitlines()
        print("\n".join(lines if args.verbose else [line for line in lines if not line.startswith(("MISS", "EXTRA", "WAVE", "CITY"))]))
    else:
        score_devset(Path(args.folder))


if __name__ == "__main__":
    main()
