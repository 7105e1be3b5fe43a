"""Benchmarks and scores that print their figures and their conditions (not timed tests).

    python -m worker.bench analyze [--repeat 200] [--runs 5]       # ms per article: in a loop, and whole processes
    python -m worker.bench adversarial [--size 1000000]             # seconds per MB of adversarial text
    python -m worker.bench corpus ../shared/devcorpus               # the corpus scorer's figures for analyze
    python -m worker.bench devset [tests/text/devset]              # wave accuracy, detention recall/precision, city F1
    python -m worker.bench pipeline --items 20000 [--runs 3]        # end to end, one worker, and the bare loop
    python -m worker.bench pipeline --items 20000 --workers 2       # two worker processes against one
    python -m worker.bench latency [--rate 100 --seconds 60]        # publish -> row readable, p50/p99/max
    python -m worker.bench memory --items 100000                    # the worker's RSS over time and its peak
    python -m worker.bench broker --items 20000                     # raw aiokafka produce and consume: the ceiling
    python -m worker.bench restart [--kills 3]                      # seconds until a SIGKILLed worker's successor reports
    python -m worker.bench soak [--items 100000 --rate 400 --kills 10]  # SIGKILLs and a broker restart; tally = oracle
"""

from __future__ import annotations

import argparse
from pathlib import Path

from worker.bench import pipeline, reading, soak


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m worker.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    speed = commands.add_parser("analyze", help="median ms per article")
    speed.add_argument("archive", nargs="?", default=str(reading.ROOT / "seeds"))
    speed.add_argument("--repeat", type=int, default=200)
    speed.add_argument("--runs", type=int, default=5)
    adversarial = commands.add_parser("adversarial", help="seconds for 1 MB of adversarial text")
    adversarial.add_argument("--size", type=int, default=1_000_000)
    adversarial.add_argument("--runs", type=int, default=3)
    corpus = commands.add_parser("corpus", help="the corpus scorer's figures (e.g. ../shared/devcorpus)")
    corpus.add_argument("folder", nargs="?", default=str(reading.DEVCORPUS))
    corpus.add_argument("--scorer", help="score.py to use (default: FOLDER/score.py)")
    corpus.add_argument("--verbose", action="store_true", help="also print every miss and extra")
    devset = commands.add_parser("devset", help="scores on the development set")
    devset.add_argument("folder", nargs="?", default=str(reading.ROOT / "tests" / "text" / "devset"))
    throughput = commands.add_parser("pipeline", help="items/s end to end (and the bare loop, in the same run)")
    throughput.add_argument("--items", type=int, default=20_000)
    throughput.add_argument("--workers", type=int, default=1)
    throughput.add_argument("--runs", type=int, default=3)
    throughput.add_argument("--no-bare", action="store_true", help="skip the bare aiokafka loop")
    bare = commands.add_parser("bare", help="items/s of the bare aiokafka loop alone")
    bare.add_argument("--items", type=int, default=20_000)
    bare.add_argument("--runs", type=int, default=3)
    latency = commands.add_parser("latency", help="publish -> row readable on protest.tally at a steady rate")
    latency.add_argument("--rate", type=float, default=100.0)
    latency.add_argument("--seconds", type=float, default=60.0)
    memory = commands.add_parser("memory", help="the worker's RSS while it handles N items")
    memory.add_argument("--items", type=int, default=100_000)
    broker = commands.add_parser("broker", help="raw aiokafka produce and consume of the same payloads")
    broker.add_argument("--items", type=int, default=20_000)
    broker.add_argument("--runs", type=int, default=3)
    restart = commands.add_parser("restart", help="seconds until a restarted worker reports again")
    restart.add_argument("--kills", type=int, default=3)
    restart.add_argument("--broker", choices=("kafka", "tansu"), default="kafka")
    soak_run = commands.add_parser("soak", help="a long replay under SIGKILLs and a broker restart; tally vs the oracle")
    soak_run.add_argument("--items", type=int, default=100_000)
    soak_run.add_argument("--rate", type=float, default=400.0, help="items per second")
    soak_run.add_argument("--kills", type=int, default=10)
    soak_run.add_argument("--seed", type=int, default=5, help="draws the archive and the moments of kills and restart")
    args = parser.parse_args()
    if args.command == "analyze":
        reading.bench_analyze(Path(args.archive), args.repeat, args.runs)
        reading.bench_analyze_process(Path(args.archive), args.runs)
    elif args.command == "adversarial":
        reading.bench_adversarial(args.size, args.runs)
    elif args.command == "corpus":
        output = reading.score_corpus(Path(args.folder), Path(args.scorer) if args.scorer else None)
        lines = output.splitlines()
        print("\n".join(lines if args.verbose else [line for line in lines if not line.startswith(("MISS", "EXTRA", "WAVE", "CITY"))]))
    elif args.command == "devset":
        reading.score_devset(Path(args.folder))
    elif args.command == "pipeline":
        pipeline.bench_pipeline(args.items, args.workers, args.runs, bare=not args.no_bare, compare_one=args.workers != 1)
    elif args.command == "bare":
        pipeline.bench_bare(args.items, args.runs)
    elif args.command == "latency":
        pipeline.bench_latency(args.rate, args.seconds)
    elif args.command == "memory":
        pipeline.bench_memory(args.items)
    elif args.command == "broker":
        pipeline.bench_broker(args.items, args.runs)
    elif args.command == "soak":
        soak.bench_soak(args.items, args.rate, args.kills, args.seed)
    else:
        pipeline.bench_restart(args.kills, args.broker)


if __name__ == "__main__":
    main()
