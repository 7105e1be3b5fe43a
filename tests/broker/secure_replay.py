"""The check every secured broker test makes: the seed replay through a worker, and no secret in its log."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.conftest import Pipeline
from worker.feed import ArchivedDocument
from worker.settings import KafkaConnection
from worker.tally_topic import count_records


def assert_seed_replay_works_and_logs_no_secret(kafka: KafkaConnection, documents: list[ArchivedDocument],
                                                workdir: Path, secret: str) -> None:
    pipeline = Pipeline.create(kafka, workdir)
    try:
        pipeline.start_worker()
        pipeline.replay(documents)
        pipeline.wait(len(documents))
        assert asyncio.run(count_records(kafka, pipeline.settings.topics.reports)) == len(documents)
        assert pipeline.tally()
    finally:
        pipeline.stop()
    assert all(secret not in worker.log_path.read_text() for worker in pipeline.workers)
