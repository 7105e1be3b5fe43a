"""Chaos: a synthetic archive replayed while the worker is SIGKILLed at random moments and restarted.

The tally must equal an oracle that recomputes it from the same items with the pure functions, and every
item must end as a report or a dead letter (promise 1 and 2 of the README's reliability section)."""

from __future__ import annotations

import pytest

import asyncio
import json
import random
import signal
import threading
import time
from datetime import datetime, timezone

from aiokafka import AIOKafkaConsumer

from schemas import Report
from worker.settings import KafkaConnection
from worker.feed import ArchivedDocument
from worker.synth import synth_archive
from worker.tally import evidence_of, fold_tally
from worker.tally_topic import count_records
from worker.text.analyze import analyze

ITEMS = 2000
KILLS = 3


def oracle(documents: list[ArchivedDocument]) -> dict:
    rows: dict = {}
    when = datetime(2022, 1, 1, tzinfo=timezone.utc)
    for document in documents:
        for evidence in evidence_of(analyze(document.text, document.doc_id), when):
            fold_tally(rows, evidence)
    return {key: comparable(row) for key, row in rows.items()}


def comparable(row) -> tuple:
    """What must not depend on the order in which partitions were processed."""
    claims = sorted((c.count, c.upper or 0, c.qualifier, c.scope, c.source or "", c.documents) for c in row.claims)
    return row.reports, row.detained_low, row.detained_high, tuple(claims), tuple(sorted(row.doc_ids))


async def reported_doc_ids(kafka: KafkaConnection, topic: str) -> set[str]:
    consumer = AIOKafkaConsumer(topic, **kafka.client_options(), auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    ids: set[str] = set()
    try:
        idle = 0
        while idle < 4:
            batches = await consumer.getmany(timeout_ms=500)
            idle = 0 if batches else idle + 1
            for records in batches.values():
                ids.update(Report.model_validate_json(r.value).doc_id for r in records)
    finally:
        await consumer.stop()
    return ids


def reports_so_far(pipeline) -> int:
    return asyncio.run(count_records(pipeline.kafka, pipeline.settings.topics.reports))


@pytest.mark.chaos
def test_tally_survives_sigkills_and_equals_the_oracle(pipeline):
    documents = [ArchivedDocument(i["doc_id"], i["text"]) for i in synth_archive(ITEMS, seed=11)]
    rng = random.Random(5)
    replay = threading.Thread(target=pipeline.replay, args=(documents,), kwargs={"rate": 80})
    worker = pipeline.start_worker()
    started = time.monotonic()
    replay.start()
    kill_times, restart_seconds = [], []
    for _ in range(KILLS):
        time.sleep(rng.uniform(1.0, 4.0))  # a random moment while this worker is processing
        worker.stop(signal.SIGKILL)
        kill_times.append(round(time.monotonic() - started, 1))
        reports_before = reports_so_far(pipeline)
        restarted = time.monotonic()
        worker = pipeline.start_worker()
        while reports_so_far(pipeline) == reports_before:
            assert time.monotonic() - restarted < 60, "the restarted worker never reported"
            time.sleep(0.2)
        restart_seconds.append(round(time.monotonic() - restarted, 1))
    replay.join()
    pipeline.wait(ITEMS, timeout=300)
    rows = {key: comparable(row) for key, row in pipeline.tally().items()}
    expected = oracle(documents)
    assert set(rows) == set(expected)
    assert rows == expected
    assert asyncio.run(reported_doc_ids(pipeline.kafka, pipeline.settings.topics.reports)) == {d.doc_id for d in documents}
    print(json.dumps({"items": ITEMS, "kills_at_s": kill_times, "restart_to_first_report_s": restart_seconds,
                      "rows": len(rows), "seconds": round(time.monotonic() - started, 1)}))
