"""The soak: a long synthetic archive replayed at a steady rate while the worker is SIGKILLed again and again and
the broker is restarted once. At the end the tally must equal the oracle and every feed.raw position must have an
outcome (a report or a dead letter, never both); the worker's RSS is printed over time, through the drain too.
It plays the supervisor: a worker that exits on its own is counted and started again. Exit status 1 when the
tally differs from the oracle or an item has no outcome.

    python -m worker.bench soak [--items 100000] [--rate 400] [--kills 10] [--seed 5]
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import re
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from worker.bench.oracle import differences, oracle, outcomes, tally_of
from worker.bench.pipeline import print_conditions, rss_mb, run_settings, synth_documents
from worker.broker import EmbeddedKafka
from worker.feed import ArchivedDocument, replay
from worker.settings import KafkaConnection, Settings
from worker.tally_topic import read_tally, wait_until_processed
from worker.topics import ensure_topics
from worker.worker_process import WorkerProcess

#: Seconds the broker stays down in its restart, between RSS lines, and between checks of the plan.
BROKER_DOWN_SECONDS = 5
RSS_EVERY_SECONDS = 15
TICK_SECONDS = 0.5
#: Kills fall in this share of the replay; the rest, and the drain, show one worker's memory over a longer time.
KILL_WINDOW = (0.05, 0.75)


@dataclasses.dataclass
class SoakPipeline:
    """What the oracle's checks read: the connection, the topics and the tally."""

    kafka: KafkaConnection
    settings: Settings

    def tally(self):
        return asyncio.run(read_tally(self.kafka, self.settings.topics))


@dataclasses.dataclass
class Plan:
    """When things happen, in seconds from the start of the replay: drawn from the seed, printed, replayable."""

    kills: list[float]
    broker_restart: float

    @classmethod
    def draw(cls, seed: int, kills: int, seconds: float) -> Plan:
        rng = random.Random(seed)
        return cls(sorted(round(rng.uniform(*KILL_WINDOW) * seconds, 1) for _ in range(kills)),
                   round(rng.uniform(0.3, 0.6) * seconds, 1))


class Soak:
    """One soak run: the worker (restarted after each kill or exit), the broker (restarted once), the replayer."""

    def __init__(self, pipeline: SoakPipeline, broker: EmbeddedKafka, workdir: Path) -> None:
        self.pipeline, self.broker, self.workdir = pipeline, broker, workdir
        self.started = time.monotonic()
        self.generation = 0
        self.kills: list[float] = []
        self.exits: list[tuple[float, int]] = []
        self.broker_restarts: list[float] = []
        self.rss_lines: list[tuple[int, int, int]] = []
        self.peak_rss = 0.0
        self.worker = self.start_worker()

    def now(self) -> float:
        return round(time.monotonic() - self.started, 1)

    def start_worker(self) -> WorkerProcess:
        settings = self.pipeline.settings
        env = {"PROTEST_TALLY_TOPIC_PREFIX": settings.topics.raw[: -len("feed.raw")], "PROTEST_TALLY_APP_ID": settings.app_id}
        worker = WorkerProcess(self.pipeline.kafka, self.workdir / "worker", self.workdir / f"worker-{self.generation}.log",
                               env, loglevel="warn")
        worker.start()
        return worker

    def replace_worker(self, event: str) -> None:
        self.generation += 1
        self.worker = self.start_worker()
        print(f"{self.now():6.0f} s  {event}, worker {self.generation} started", flush=True)

    def kill_worker(self) -> None:
        self.worker.stop(signal.SIGKILL)
        self.kills.append(self.now())
        self.replace_worker("SIGKILL")

    def supervise(self) -> None:
        """A worker that ended by itself (exit 70 after a crashed agent) is started again, as a supervisor would."""
        status = self.worker.process.poll()
        if status is not None:
            self.exits.append((self.now(), status))
            last_lines = self.worker.log_path.read_text(errors="replace").strip().splitlines()[-3:]
            print("\n".join(f"        | {line[:300]}" for line in last_lines))
            self.replace_worker(f"worker exited with status {status}")

    def restart_broker(self) -> None:
        self.broker.stop(signal.SIGTERM)
        time.sleep(BROKER_DOWN_SECONDS)
        self.broker.start()
        self.broker_restarts.append(self.now())
        print(f"{self.now():6.0f} s  broker restarted", flush=True)

    def sample_rss(self) -> None:
        rss = rss_mb(self.worker.process.pid)
        if rss != rss:  # NaN: the process is gone; supervise() sees to it
            return
        self.peak_rss = max(self.peak_rss, rss)
        if not self.rss_lines or self.now() - self.rss_lines[-1][0] >= RSS_EVERY_SECONDS:
            self.rss_lines.append((round(self.now()), self.generation, round(rss)))
            print(f"{self.now():6.0f} s  worker {self.generation} RSS {rss:.0f} MB", flush=True)

    def stop(self) -> None:
        self.worker.stop(signal.SIGKILL)


def publish_in_two_parts(pipeline: SoakPipeline, documents: list[ArchivedDocument], rate: float, split: int,
                         broker_may_stop: threading.Event, broker_back: threading.Event, failure: list) -> None:
    """The replayer pauses while the broker restarts: it is a client like any other, the worker is what is tested."""
    topic = pipeline.settings.topics.raw
    try:
        asyncio.run(replay(pipeline.kafka, topic, documents[:split], rate=rate))
        broker_may_stop.set()
        broker_back.wait()
        asyncio.run(replay(pipeline.kafka, topic, documents[split:], rate=rate))
    except BaseException as error:  # noqa: BLE001 - handed to the main thread, which reports it
        failure.append(error)
        broker_may_stop.set()


def run_soak(soak: Soak, documents: list[ArchivedDocument], rate: float, plan: Plan) -> dict:
    split = min(len(documents), int(plan.broker_restart * rate))
    broker_may_stop, broker_back, failure = threading.Event(), threading.Event(), []
    publisher = threading.Thread(target=publish_in_two_parts, daemon=True,
                                 args=(soak.pipeline, documents, rate, split, broker_may_stop, broker_back, failure))
    publisher.start()
    pending_kills = list(plan.kills)
    while publisher.is_alive():
        soak.supervise()
        if pending_kills and soak.now() >= pending_kills[0]:
            pending_kills.pop(0)
            soak.kill_worker()
        if broker_may_stop.is_set() and not broker_back.is_set():
            soak.restart_broker()
            broker_back.set()
        soak.sample_rss()
        time.sleep(TICK_SECONDS)
    if failure:
        raise RuntimeError("the replay failed") from failure[0]
    replayed = soak.now()
    settings = soak.pipeline.settings
    done = threading.Event()

    def drain() -> None:
        asyncio.run(wait_until_processed(soak.pipeline.kafka, settings.topics, settings.app_id, len(documents),
                                         timeout=1800))
        done.set()

    drainer = threading.Thread(target=drain, daemon=True)
    drainer.start()
    while drainer.is_alive():
        soak.supervise()
        soak.sample_rss()
        time.sleep(TICK_SECONDS)
    if not done.is_set():
        raise RuntimeError("the pipeline did not finish after the replay (see the worker logs)")
    return {"items": len(documents), "rate": rate, "kills_at_s": soak.kills, "worker_exits": soak.exits,
            "broker_restarts_at_s": soak.broker_restarts, "replay_s": replayed, "done_s": soak.now(),
            "peak_rss_mb": round(soak.peak_rss), "final_rss_mb": soak.rss_lines[-1][2] if soak.rss_lines else None,
            "rss_over_time": soak.rss_lines}


#: A log record's level: ours are JSON lines, Faust's and its clients' "[date] [pid] [LEVEL] message".
OUR_LEVEL = re.compile(r'"event": "([^"]+)", "level": "(warning|error|critical)"')
FAUST_LEVEL = re.compile(r"^\[[^]]+\] \[\d+\] \[(WARNING|ERROR|CRITICAL)\] (?:\[[^]]+\]: )?(.*)")


def log_account(logs: list[Path], commonest: int = 8) -> dict:
    """The workers' log lines at WARNING and above, per level, and the commonest of them (our event names; Faust's
    messages with their numbers as N): what an operator pages through after such a run."""
    levels: Counter[str] = Counter()
    messages: Counter[str] = Counter()
    for path in logs:
        for line in path.read_text(errors="replace").splitlines():
            ours, faust = OUR_LEVEL.search(line), FAUST_LEVEL.match(line)
            if ours:
                levels[ours[2]] += 1
                messages[f"{ours[2]} {ours[1]}"] += 1
            elif faust:
                levels[faust[1].lower()] += 1
                messages[f"{faust[1].lower()} {re.sub(r'[0-9]+', 'N', faust[2])[:90]}"] += 1
    return {"log_lines": dict(levels), "commonest_log_lines": messages.most_common(commonest)}


def check_outcomes(pipeline: SoakPipeline) -> tuple[int, int]:
    """(positions without an outcome, positions both reported and dead-lettered)."""
    reported, dead, positions = outcomes(pipeline)
    return len(positions - set(reported) - set(dead)), len(set(reported) & set(dead))


def bench_soak(items: int, rate: float, kills: int, seed: int) -> None:
    documents = synth_documents(items, seed)
    plan = Plan.draw(seed, kills, items / rate)
    with tempfile.TemporaryDirectory(prefix="protest-tally-soak-") as workdir:
        with EmbeddedKafka(Path(workdir) / "kafka") as broker:
            print_conditions(broker, documents, Settings.from_env().partitions)
            print(f"soak: {items:,} items at {rate:g}/s, SIGKILLs planned at {plan.kills} s, broker restart after "
                  f"{plan.broker_restart} s of replay (seed {seed})", flush=True)
            pipeline = SoakPipeline(broker.connection, run_settings(broker.connection, "soak"))
            asyncio.run(ensure_topics(pipeline.settings))
            soak = Soak(pipeline, broker, Path(workdir))
            try:
                summary = run_soak(soak, documents, rate, plan)
            finally:
                soak.stop()
            missing, both = check_outcomes(pipeline)
            mismatched = differences(tally_of(pipeline), oracle(documents))
            logs = log_account(sorted(Path(workdir).glob("worker-*.log")))
    print(json.dumps({**summary, "rows_differing_from_oracle": len(mismatched), "positions_without_outcome": missing,
                      "positions_with_both_outcomes": both, **logs}))
    if mismatched or missing or both:
        print("SOAK FAILED:\n" + "\n".join(mismatched[:20]))
        sys.exit(1)
    print("tally equals the oracle; every feed.raw position has an outcome (repeats after kills allowed), none both")
