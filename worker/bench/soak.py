"""The soak: a long synthetic archive replayed at a steady rate while the worker is SIGKILLed again and again and
the broker is restarted once. At the end the tally must equal the oracle and every feed.raw position must have
an outcome; the worker's RSS is printed over time.

    python -m worker.bench soak [--items 100000] [--rate 400] [--kills 10] [--seed 5]
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import signal
import tempfile
import threading
import time
from pathlib import Path

from worker.bench.oracle import assert_one_outcome_per_item, differences, oracle, tally_of
from worker.bench.pipeline import print_conditions, rss_mb, run_settings, synth_documents
from worker.broker import EmbeddedKafka
from worker.feed import replay
from worker.settings import KafkaConnection, Settings
from worker.tally_topic import read_tally, wait_until_processed
from worker.topics import ensure_topics
from worker.worker_process import WorkerProcess

#: Seconds the broker stays down in its restart, and between RSS lines.
BROKER_DOWN_SECONDS = 5
RSS_EVERY_SECONDS = 15


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
        return cls(sorted(round(rng.uniform(0.05, 0.9) * seconds, 1) for _ in range(kills)),
                   round(rng.uniform(0.3, 0.7) * seconds, 1))


def bench_soak(items: int, rate: float, kills: int, seed: int) -> None:
    documents = synth_documents(items, seed)
    plan = Plan.draw(seed, kills, items / rate)
    with tempfile.TemporaryDirectory(prefix="protest-tally-soak-") as workdir:
        workdir_path = Path(workdir)
        with EmbeddedKafka(workdir_path / "kafka") as broker:
            print_conditions(broker, documents, Settings.from_env().partitions)
            print(f"soak: {items:,} items at {rate:g}/s, SIGKILLs at {plan.kills} s, broker restart at "
                  f"{plan.broker_restart} s (seed {seed})", flush=True)
            pipeline = SoakPipeline(broker.connection, run_settings(broker.connection, "soak"))
            asyncio.run(ensure_topics(pipeline.settings))
            summary = run_soak(pipeline, broker, documents, rate, plan, workdir_path)
            expected = oracle(documents)
            rows = tally_of(pipeline)
            repeats = assert_one_outcome_per_item(pipeline, repeats_allowed=True)
    mismatched = differences(rows, expected)
    print(json.dumps({**summary, "rows": len(rows), "rows_differing_from_oracle": len(mismatched),
                      "repeated_outcomes": repeats}))
    print("tally equals the oracle; every feed.raw position has one outcome" if not mismatched
          else "TALLY DIFFERS FROM THE ORACLE:\n" + "\n".join(mismatched[:20]))


def run_soak(pipeline: SoakPipeline, broker: EmbeddedKafka, documents, rate: float, plan: Plan, workdir: Path) -> dict:
    kafka, settings = pipeline.kafka, pipeline.settings
    env = {"PROTEST_TALLY_TOPIC_PREFIX": settings.topics.raw[: -len("feed.raw")], "PROTEST_TALLY_APP_ID": settings.app_id}
    generation = 0

    def new_worker() -> WorkerProcess:
        worker = WorkerProcess(kafka, workdir / "worker", workdir / f"worker-{generation}.log", env, loglevel="warn")
        worker.start()
        return worker

    # The replayer pauses while the broker is down (it is a client like any other; the worker is what is tested).
    split = int(len(documents) * plan.broker_restart / (len(documents) / rate))
    broker_may_stop, broker_back = threading.Event(), threading.Event()

    def publish() -> None:
        asyncio.run(replay(kafka, settings.topics.raw, documents[:split], rate=rate))
        broker_may_stop.set()
        broker_back.wait()
        asyncio.run(replay(kafka, settings.topics.raw, documents[split:], rate=rate))

    worker = new_worker()
    publisher = threading.Thread(target=publish, daemon=True)
    started = time.monotonic()
    publisher.start()
    pending_kills, rss_lines, peak_rss, last_rss_line = list(plan.kills), [], 0.0, -RSS_EVERY_SECONDS
    while publisher.is_alive():
        now = time.monotonic() - started
        if pending_kills and now >= pending_kills[0]:
            pending_kills.pop(0)
            worker.stop(signal.SIGKILL)
            generation += 1
            worker = new_worker()
            print(f"{now:6.0f} s  SIGKILL, worker {generation} started", flush=True)
        if broker_may_stop.is_set() and not broker_back.is_set():
            broker.stop(signal.SIGTERM)
            time.sleep(BROKER_DOWN_SECONDS)
            broker.start()
            broker_back.set()
            print(f"{time.monotonic() - started:6.0f} s  broker restarted", flush=True)
        rss = rss_mb(worker.process.pid)
        peak_rss = max(peak_rss, rss)
        if now - last_rss_line >= RSS_EVERY_SECONDS:
            last_rss_line = now
            rss_lines.append((round(now), generation, round(rss)))
            print(f"{now:6.0f} s  worker {generation} RSS {rss:.0f} MB", flush=True)
        time.sleep(0.5)
    replayed = time.monotonic() - started
    asyncio.run(wait_until_processed(kafka, settings.topics, settings.app_id, len(documents), timeout=900,
                                     alive=lambda: worker.process.poll() is None))
    done = time.monotonic() - started
    final_rss = rss_mb(worker.process.pid)
    worker.stop()
    return {"items": len(documents), "rate": rate, "kills": len(plan.kills) - len(pending_kills), "broker_restarts": 1,
            "replay_s": round(replayed, 1), "done_s": round(done, 1), "peak_rss_mb": round(max(peak_rss, final_rss)),
            "final_rss_mb": round(final_rss), "rss_over_time": rss_lines}
