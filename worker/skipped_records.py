"""Records Faust acknowledged without handing them to an agent, read back straight from the broker.

Faust drops a record that reaches a stream while flow control is suspended or that carries an older generation id
(both happen around rebalances), and drops records its consumer fetched before a seek. Seeking its consumer back to
them does not bring them back for sure: its fetch loop, in the middle of a batch fetched before the seek, marks the
partition read past them again. So the records a worker finds missing are read here, by a consumer of its own
outside the group, and handled in order before the record that revealed the hole (worker.stages.watchdog).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from faust.types.tuples import TP, ConsumerMessage

from worker.settings import KafkaConnection

#: Reading a hole gives up after this long (the broker away): the next record reveals what is left of it again.
READ_SECONDS = 10.0


@dataclass(frozen=True)
class Absent:
    """Offsets [offset, end) of a partition that hold no record: deleted by retention before the worker got there,
    or taken by a transactional producer's markers. They are passed over in order, as records needing no work."""

    topic: str
    partition: int
    offset: int
    end: int


async def read_range(kafka: KafkaConnection, tp: TopicPartition, first: int, end: int) -> list[ConsumerMessage | Absent]:
    """Offsets `first` up to `end` (excluded) of `tp` in order: each record as Faust's consumer would hand it over,
    each run of offsets without a record as an Absent. A read cut short (READ_SECONDS) ends at what it reached."""
    consumer = AIOKafkaConsumer(**kafka.client_options(), group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest")  # offsets before the log's start: read from its start
    found: list[ConsumerMessage | Absent] = []
    cursor = first
    try:
        async with asyncio.timeout(READ_SECONDS):
            await consumer.start()
            consumer.assign([tp])
            consumer.seek(tp, first)
            while cursor < end:
                batch = await consumer.getmany(tp, timeout_ms=500, max_records=end - cursor)
                for record in batch.get(tp, []):
                    if cursor <= record.offset < end:
                        found += [Absent(tp.topic, tp.partition, cursor, record.offset)] if record.offset > cursor else []
                        found.append(as_message(record))
                        cursor = record.offset + 1
                reached = min(await consumer.position(tp), end)
                if reached > cursor:  # the log has nothing there (or nothing any more)
                    found.append(Absent(tp.topic, tp.partition, cursor, reached))
                    cursor = reached
    except TimeoutError:
        pass
    finally:
        await consumer.stop()
    return found


def as_message(record) -> ConsumerMessage:
    """An aiokafka record as the message Faust's stream gives an agent (its timestamp in seconds)."""
    return ConsumerMessage(record.topic, record.partition, record.offset, record.timestamp / 1000.0,
                           record.timestamp_type, record.headers, record.key, record.value, record.checksum,
                           record.serialized_key_size, record.serialized_value_size, TP(record.topic, record.partition))
