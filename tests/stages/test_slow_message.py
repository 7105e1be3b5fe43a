"""A slow item while later items keep coming: no offset is committed past it, and a SIGKILL in the middle of
it loses nothing (faust-streaming #606 is about commits past an in-flight message)."""

from __future__ import annotations

import asyncio
import signal
import threading
import time

from aiokafka import AIOKafkaConsumer, TopicPartition

from worker.bench.oracle import assert_one_outcome_per_item, differences, oracle, tally_of
from tests.stages.test_health import status
from worker.feed import ArchivedDocument
from worker.settings import KafkaConnection
from worker.synth import synth_archive
from worker.tally_topic import committed_offsets

# 12 MB of numbers: a few seconds of reading, and ten more in the slow-reading worker.
SLOW = ArchivedDocument("slow-item", "1, " * (12_000_000 // 3))


async def find_record(kafka: KafkaConnection, topic: str, key: bytes) -> tuple[TopicPartition, int]:
    consumer = AIOKafkaConsumer(topic, **kafka.client_options(), auto_offset_reset="earliest", group_id=None,
                                fetch_max_bytes=32 * 1024 * 1024, max_partition_fetch_bytes=32 * 1024 * 1024)
    await consumer.start()
    try:
        while True:
            for tp, records in (await consumer.getmany(timeout_ms=1000)).items():
                for record in records:
                    if record.key == key:
                        return tp, record.offset
    finally:
        await consumer.stop()


def test_sigkill_during_a_slow_item_loses_nothing(pipeline):
    fast = [ArchivedDocument(i["doc_id"], i["text"]) for i in synth_archive(400, seed=41)]
    documents = fast[:100] + [SLOW] + fast[100:]
    topics = pipeline.settings.topics
    worker = pipeline.start_worker(module="tests.stages.slow_reading_worker")
    replay = threading.Thread(target=pipeline.replay, args=(documents,), kwargs={"rate": 40})
    replay.start()
    slow_tp, slow_offset = asyncio.run(find_record(pipeline.kafka, topics.raw, SLOW.doc_id.encode()))
    port = worker.env["PROTEST_TALLY_WEB_PORT"]
    deadline = time.monotonic() + 120
    while True:  # until the worker has been inside one item for 3 s while more keep arriving
        code, body = status(port)
        if body.get("in_flight") and (body.get("last_handled_seconds_ago") or 0) >= 3:
            break
        assert time.monotonic() < deadline, f"the worker never got stuck in the slow item: {body}"
        time.sleep(0.2)
    committed = asyncio.run(committed_offsets(pipeline.kafka, pipeline.settings.app_id, [slow_tp]))[slow_tp]
    assert committed <= slow_offset, f"offset {committed} committed past the unfinished item at {slow_offset}"
    worker.stop(signal.SIGKILL)
    pipeline.start_worker()
    replay.join()
    pipeline.wait(len(documents), timeout=240)
    assert_one_outcome_per_item(pipeline, repeats_allowed=True)
    rows, expected = tally_of(pipeline), oracle(documents)
    assert rows == expected, differences(rows, expected)
