"""Reading a hole back from the broker (worker.skipped_records): its records as Faust hands them over, and the offsets
that hold no record (deleted from the log's head, as retention does) as Absent runs."""

from __future__ import annotations

import asyncio
import uuid

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic, RecordsToDelete

from worker.skipped_records import Absent, read_range

TIMESTAMP_MS = 1_645_700_000_123


async def topic_with_records(kafka, count: int, deleted_before: int) -> TopicPartition:
    tp = TopicPartition(f"holes-{uuid.uuid4().hex[:8]}", 0)
    admin = AIOKafkaAdminClient(**kafka.client_options())
    await admin.start()
    producer = AIOKafkaProducer(**kafka.client_options())
    await producer.start()
    try:
        await admin.create_topics([NewTopic(tp.topic, 1, 1)])
        for offset in range(count):
            await producer.send_and_wait(tp.topic, key=f"k{offset}".encode(), value=f"v{offset}".encode(), partition=0,
                                         timestamp_ms=TIMESTAMP_MS, headers=[("source-offset", str(offset).encode())])
        if deleted_before:
            await admin.delete_records({tp: RecordsToDelete(before_offset=deleted_before)})
    finally:
        await producer.stop()
        await admin.close()
    return tp


def test_a_hole_is_read_back_as_faust_hands_records_over(kafka):
    tp = asyncio.run(topic_with_records(kafka, 10, deleted_before=0))
    read = asyncio.run(read_range(kafka, tp, 3, 6))
    assert [(m.offset, m.key, m.value) for m in read] == [(3, b"k3", b"v3"), (4, b"k4", b"v4"), (5, b"k5", b"v5")]
    first = read[0]
    assert (first.topic, first.partition, first.tp) == (tp.topic, 0, tp)
    assert first.timestamp == TIMESTAMP_MS / 1000, "seconds, as Faust's messages carry it"
    assert list(first.headers) == [("source-offset", b"3")]


def test_offsets_deleted_from_the_log_are_read_as_absent(kafka):
    tp = asyncio.run(topic_with_records(kafka, 10, deleted_before=4))
    read = asyncio.run(read_range(kafka, tp, 1, 7))
    assert read[0] == Absent(tp.topic, 0, 1, 4)
    assert [m.offset for m in read[1:]] == [4, 5, 6]
