"""Records Faust acknowledged without handing them to an agent, read back straight from the broker.

Faust drops a record that reaches a stream while flow control is suspended or that carries an older generation id
(both happen around rebalances), and drops records its consumer fetched before a seek. Seeking its consumer back to
them does not bring them back for sure: its fetch loop, in the middle of a batch fetched before the seek, marks the
partition read past them again. So the records a worker finds missing are read here, by a consumer of its own
outside the group, and handled in order before the record that revealed the hole (worker.stages.watchdog).
"""

from __future__ import annotations

import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from faust.types.tuples import TP, ConsumerMessage

from worker.settings import KafkaConnection

#: Reading a hole gives up after this long (the broker away): the next record reveals the hole again.
READ_SECONDS = 10.0


async def read_range(kafka: KafkaConnection, tp: TopicPartition, first: int, end: int) -> list[ConsumerMessage]:
    """The records of `tp` from offset `first` up to `end` (excluded), as Faust's consumer would hand them over."""
    consumer = AIOKafkaConsumer(**kafka.client_options(), group_id=None, enable_auto_commit=False)
    records = []
    try:
        await consumer.start()
        consumer.assign([tp])
        consumer.seek(tp, first)
        deadline = time.monotonic() + READ_SECONDS
        while await consumer.position(tp) < end and time.monotonic() < deadline:
            batch = await consumer.getmany(tp, timeout_ms=500, max_records=end - first)
            records += [record for record in batch.get(tp, []) if record.offset < end]
    finally:
        await consumer.stop()
    return [as_message(record) for record in records]


def as_message(record) -> ConsumerMessage:
    """An aiokafka record as the message Faust's stream gives an agent (its timestamp in seconds)."""
    return ConsumerMessage(record.topic, record.partition, record.offset, record.timestamp / 1000.0,
                           record.timestamp_type, record.headers, record.key, record.value, record.checksum,
                           record.serialized_key_size, record.serialized_value_size, TP(record.topic, record.partition))
