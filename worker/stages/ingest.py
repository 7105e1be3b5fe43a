"""Stage 1, feed.raw -> protest.reports and protest.place-evidence: decode, validate, read the text (worker.text),
publish the Report, and route its evidence by (wave, place) to the tally (worker.stages.tally).

Routing happens here, on the feed.raw partition the document's key puts it on, where its versions are stored: a
report is published for subscribers and not read back by the worker (one Kafka round trip less per item)."""

from __future__ import annotations

import asyncio

from faust.types import TP

from worker.app import app, raw_topic, send, settings, versions_table
from worker.logs import log
from worker.metrics import metrics
from worker.readers import Read, ReadFailed, reader_for
from worker.stages.dead_letter import dead_letter
from worker.stages.outbox import EvidenceOutbox
from worker.stages.watchdog import process_each
from worker.tally import route_report


def source_headers(message) -> list[tuple[str, bytes]]:
    """Where a report came from: after a crash an item can be reported twice, and its position on feed.raw is what
    tells a repeat (same position) from a second item with the same doc id (another position)."""
    return [("source-topic", message.topic.encode()), ("source-partition", str(message.partition).encode()),
            ("source-offset", str(message.offset).encode())]


outbox = EvidenceOutbox(settings.topics.evidence, settings.partitions, send)
reader = reader_for(settings.reader)


def start_reading(message) -> asyncio.Future[Read]:
    return reader.read(message.key, message.value)


def has_backlog(message) -> bool:
    """Whether feed.raw holds records after this one on its partition (as of the consumer's last fetch); False
    once the partition is not ours any more (a rebalance while the item was read), where aiokafka's highwater
    asserts: the evidence is then sent at once."""
    try:
        highwater = app.consumer.highwater(TP(message.topic, message.partition))
    except Exception:  # noqa: BLE001 - AssertionError when revoked, others mid-rebalance: only a hint is lost
        return False
    return highwater is not None and message.offset + 1 < highwater


async def ingest_message(message, reading: asyncio.Future[Read]) -> list:
    """One feed.raw record -> one Report on protest.reports and its evidence on its way to protest.place-evidence
    (worker.stages.outbox; their deliveries returned), or one DeadLetter."""
    try:
        report, value, published_at = await reading
    except ReadFailed as failure:
        return await refuse(message, failure, failure.doc_id)
    try:
        # The feed.raw offset is the document's position: a later one with another text is a correction.
        evidence = route_report(versions_table, report, message.offset, published_at)
    except Exception as error:  # noqa: BLE001 - one bad document must not stop the worker
        return await refuse(message, error, report.doc_id)
    deliveries = [await send(settings.topics.reports, report.doc_id.encode(), value, published_at.timestamp(),
                             source_headers(message))]
    backlog = has_backlog(message)
    deliveries += {outbox.add(piece, backlog): None for piece in evidence}  # each record's delivery once
    metrics.items.inc()
    metrics.reported(report)
    log.debug("reported", doc_id=report.doc_id, partition=message.partition, offset=message.offset, wave=report.wave,
              detentions=len(report.detentions), cities=len(report.cities), evidence=len(evidence))
    return deliveries


async def refuse(message, error: Exception, doc_id: str | None) -> list:
    await dead_letter(message, error, doc_id=doc_id)
    metrics.items.inc()
    return []


@app.agent(raw_topic)
async def ingest(stream):
    await process_each(stream, start_reading, ingest_message, stage="ingest")


@app.task
async def start_reader() -> None:
    await reader.start()


@app.on_before_shutdown.connect
async def close_reader(app_, **kwargs) -> None:
    await reader.close()
