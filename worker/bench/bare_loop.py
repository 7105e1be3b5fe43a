"""The same work as the worker in one plain asyncio loop on aiokafka, without Faust: the yardstick of the pipeline
benchmark (worker.bench.pipeline). It reads feed.raw and the reports with one consumer, analyses each item and
sends its Report, folds each report into the tally (the pure rules, a dict for its contributions) and sends each
row and claim a batch changed to the compacted tally topics; it commits a batch once its sends are delivered.

    python -m worker.bench.bare_loop PREFIX GROUP
"""

from __future__ import annotations

import asyncio
import itertools
import sys
from collections.abc import Iterator
from datetime import datetime, timezone

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from schemas import Report
from worker.records import read_article, read_feed_item
from worker.settings import MAX_MESSAGE_BYTES, KafkaConnection, Settings, TopicNames
from worker.tally import Change, Publication, Tally, route_report


async def run(kafka: KafkaConnection, topics: TopicNames, group: str, linger_seconds: float) -> None:
    consumer = AIOKafkaConsumer(topics.raw, topics.reports, **kafka.client_options(), group_id=group,
                                enable_auto_commit=False, auto_offset_reset="earliest", max_partition_fetch_bytes=MAX_MESSAGE_BYTES)
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all", linger_ms=round(linger_seconds * 1000),
                                max_request_size=MAX_MESSAGE_BYTES)
    tally, versions, applied = Tally({}), {}, itertools.count()
    await consumer.start()
    await producer.start()
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=200, max_records=1000)
            deliveries, changes = [], []
            for tp, records in batches.items():
                for record in records:
                    if tp.topic == topics.raw:
                        deliveries.append(await report(producer, topics, record))
                    else:
                        changes += fold(tally, versions, applied, record)
            # As the worker's tally stage does with the pieces of one record: each changed row and claim once.
            deliveries += await publish(producer, topics, tally.publication(changes))
            if batches:
                await asyncio.gather(*deliveries)
                await consumer.commit()
    finally:
        await producer.stop()
        await consumer.stop()


async def report(producer: AIOKafkaProducer, topics: TopicNames, record):
    item = read_feed_item(record.key, record.value)
    value = read_article(item).model_dump_json().encode()
    return await producer.send(topics.reports, key=record.key, value=value, timestamp_ms=record.timestamp,
                               headers=[("source-offset", str(record.offset).encode())])


def fold(tally: Tally, versions: dict, applied: Iterator[int], record) -> list[Change]:
    position = int(dict(record.headers)["source-offset"])
    published_at = datetime.fromtimestamp(record.timestamp / 1000, timezone.utc)
    return [tally.apply(piece, next(applied))
            for piece in route_report(versions, Report.model_validate_json(record.value), position, published_at)]


async def publish(producer: AIOKafkaProducer, topics: TopicNames, publication: Publication) -> list:
    records = publication.records(topics.tally_claims, topics.tally)
    return [await producer.send(topic, key=key, value=value) for topic, key, value in records]


if __name__ == "__main__":
    settings = Settings.from_env()
    # The worker's linger (the same setting), for the same work.
    asyncio.run(run(settings.kafka, TopicNames.with_prefix(sys.argv[1]), sys.argv[2], settings.producer_linger_seconds))
