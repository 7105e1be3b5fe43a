"""Shared fixtures: a session broker (never skipped) and isolated pipelines on it."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from worker.bench.oracle import reports_so_far
from worker.broker import EmbeddedKafka
from worker.feed import ArchivedDocument, read_archive, replay
from worker.settings import KafkaConnection, Settings, TopicNames
from worker.tally_topic import read_tally, wait_until_processed
from worker.topics import ensure_topics
from worker.worker_process import WorkerProcess

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
#: The seeds' expected reading: the seeds are ours, so is their reading (a copy of ../shared/seeds-gold.jsonl, which
#: tests/text/test_seeds_gold.py compares it with where ../shared is beside the checkout).
GOLD = ROOT / "tests" / "seeds-gold.jsonl"
SHARED_GOLD = ROOT.parent / "shared" / "seeds-gold.jsonl"


def load_gold() -> dict[str, dict]:
    return {record["id"]: record for record in map(json.loads, GOLD.read_text().splitlines()) if record}


def _docker_answers() -> bool:
    docker = shutil.which("docker")
    if not docker:
        return False
    return subprocess.run([docker, "info"], capture_output=True, timeout=10).returncode == 0


@pytest.fixture(scope="session")
def kafka(tmp_path_factory) -> KafkaConnection:
    """KAFKA_BOOTSTRAP_SERVERS (and KAFKA_SECURITY_PROTOCOL...) if set, else testcontainers' Kafka where Docker answers,
    else the embedded Apache Kafka."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield KafkaConnection.from_env(os.environ["KAFKA_BOOTSTRAP_SERVERS"])
        return
    if _docker_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer() as container:
            yield KafkaConnection(container.get_bootstrap_server())
        return
    with EmbeddedKafka(tmp_path_factory.mktemp("kafka")) as broker:
        yield broker.connection


@dataclasses.dataclass
class Pipeline:
    """One isolated pipeline on the session broker: its own topic prefix and consumer group."""

    kafka: KafkaConnection
    workdir: Path
    settings: Settings
    workers: list[WorkerProcess] = dataclasses.field(default_factory=list)
    env_overrides: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {"PROTEST_TALLY_APP_ID": self.settings.app_id, "PROTEST_TALLY_TOPIC_PREFIX": self.settings.topics.raw[: -len("feed.raw")],
                "PROTEST_TALLY_COMMIT_INTERVAL": "0.5", **self.env_overrides}

    @classmethod
    def create(cls, kafka: KafkaConnection, workdir: Path) -> Pipeline:
        """A pipeline with a fresh topic prefix and consumer group, its topics created."""
        pipeline = cls.named(kafka, workdir)
        asyncio.run(ensure_topics(pipeline.settings))
        return pipeline

    @classmethod
    def named(cls, kafka: KafkaConnection, workdir: Path) -> Pipeline:
        """A pipeline with a fresh topic prefix and consumer group, nothing asked of the broker yet."""
        name = f"t{uuid.uuid4().hex[:8]}"
        settings = dataclasses.replace(Settings.from_env(), kafka=kafka, app_id=name, topics=TopicNames.with_prefix(f"{name}."))
        return cls(kafka, workdir, settings)

    def start_worker(self, module: str = "worker", loglevel: str = "info", options: tuple[str, ...] = ()) -> WorkerProcess:
        index = len(self.workers)
        worker = WorkerProcess(self.kafka, self.workdir / f"worker-{index}", self.workdir / f"worker-{index}.log", self.env,
                               module=module, loglevel=loglevel, options=options)
        worker.start()
        self.workers.append(worker)
        return worker

    def replay(self, documents: list[ArchivedDocument], **options) -> None:
        asyncio.run(replay(self.kafka, self.settings.topics.raw, documents, **options))

    def wait(self, expected_items: int, timeout: float = 120.0) -> None:
        running = [w.process for w in self.workers if w.process and w.process.poll() is None]
        try:
            asyncio.run(wait_until_processed(self.kafka, self.settings.topics, self.settings.app_id, expected_items, timeout,
                                             alive=lambda: any(p.poll() is None for p in running)))
        except (TimeoutError, RuntimeError) as error:
            # pytest's temporary folders, and the workers' logs in them, are gone a few runs later: a pipeline that
            # did not finish keeps what its workers said in its failure (a stall seen once in CI could not be read).
            raise type(error)(f"{error}\n--- the end of each worker's log ---\n{self.worker_log()}") from error

    def wait_for_reports(self, count: int, timeout: float = 120.0) -> None:
        """Until the worker has reported `count` items (it is then busy with the rest of a replay)."""
        deadline = time.monotonic() + timeout
        while reports_so_far(self) < count:
            assert time.monotonic() < deadline, f"fewer than {count} reports after {timeout:.0f} s"
            time.sleep(0.1)

    def tally(self):
        return asyncio.run(read_tally(self.kafka, self.settings.topics))

    def worker_log(self) -> str:
        return "\n".join(worker_log_excerpt(w.log_path.read_text(errors="replace")) for w in self.workers)

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()


def worker_log_excerpt(log_text: str, lines: int = 60, width: int = 400, last_lines: int = 15) -> str:
    """The last lines that start a log record, ours (JSON) or Faust's ("[date] ..."), each cut to `width`, then the
    log's last lines as they are (a traceback's): Faust's multi-line explanations of a slow stream, logged after
    minutes of lag, would otherwise fill the whole excerpt (a broker-restart stall in CI showed nothing else)."""
    all_lines = log_text.splitlines()
    starts = [line[:width] for line in all_lines if line.startswith(('{"', "[20"))]
    return "\n".join([*starts[-lines:], "--- the log's last lines ---", *(line[:width] for line in all_lines[-last_lines:])])


def wait_for_line(worker: WorkerProcess, event: str, timeout: float) -> None:
    """Until the worker's log has this event; the worker exiting first, or the time running out, fails the test."""
    deadline = time.monotonic() + timeout
    while f'"event": "{event}"' not in (log_text := worker.log_path.read_text(errors="replace")):
        assert worker.process.poll() is None, f"the worker exited\n{worker_log_excerpt(log_text)}"
        assert time.monotonic() < deadline, f"no {event} after {timeout:.0f} s\n{worker_log_excerpt(log_text)}"
        time.sleep(0.2)


@pytest.fixture
def pipeline(kafka, tmp_path) -> Pipeline:
    pipe = Pipeline.create(kafka, tmp_path)
    yield pipe
    pipe.stop()


@pytest.fixture(scope="session")
def seed_documents() -> list[ArchivedDocument]:
    return read_archive(SEEDS)
