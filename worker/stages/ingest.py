"""Stage 1, feed.raw -> protest.reports: decode, validate, read the text (worker.text), publish the Report."""

from __future__ import annotations

import asyncio
import json


from schemas import FeedItem, Report
from worker.app import app, raw_topic, reports_topic
from worker.logs import log
from worker.stages.dead_letter import dead_letter
from worker.stages.watchdog import process_each
from worker.text.analyze import analyze_cleaned
from worker.text.clean import clean


class KeyMismatch(ValueError):
    """The record's key is not the doc id of the item it carries."""


class NoArticleText(ValueError):
    """Nothing is left of the page once URLs, boilerplate and blank lines are gone."""


def read_article(item: FeedItem) -> Report:
    """The Report of an item, or NoArticleText for an empty or boilerplate-only page."""
    cleaned = clean(item.text)
    if not cleaned.lines:
        raise NoArticleText(f"no article text left after cleaning ({len(item.text)} characters of input)")
    return analyze_cleaned(cleaned, item.doc_id, item.text)


def read_feed_item(key: bytes | None, value: bytes) -> FeedItem:
    """Bytes from feed.raw -> FeedItem, or a clear error (UnicodeDecodeError, JSONDecodeError, ValidationError, KeyMismatch)."""
    item = FeedItem.model_validate(json.loads(value.decode("utf-8")))
    if key is not None and key.decode("utf-8", "replace") != item.doc_id:
        raise KeyMismatch(f"record key {key[:100]!r} does not match doc_id {item.doc_id!r}")
    return item


def source_headers(message) -> list[tuple[str, bytes]]:
    """Where a report came from: after a crash an item can be reported twice, and its position on feed.raw is what
    tells a repeat (same position) from a second item with the same doc id (another position)."""
    return [("source-topic", message.topic.encode()), ("source-partition", str(message.partition).encode()),
            ("source-offset", str(message.offset).encode())]


async def ingest_message(message) -> None:
    """One feed.raw record -> one Report on protest.reports, or one DeadLetter; returns once it is on the broker."""
    try:
        item = read_feed_item(message.key, message.value)
    except (ValueError, TypeError) as error:
        await dead_letter(message, error)
        return
    try:
        # In a thread: a long document must not starve heartbeats and the web server on the event loop.
        report = await asyncio.to_thread(read_article, item)
    except Exception as error:  # noqa: BLE001 - one bad document must not stop the worker
        await dead_letter(message, error, doc_id=item.doc_id)
        return
    delivery = await reports_topic.send(key=item.doc_id.encode(), value=report.model_dump_json().encode(),
                                        timestamp=item.published_at.timestamp(), headers=source_headers(message))
    await delivery
    log.info("reported", doc_id=item.doc_id, partition=message.partition, offset=message.offset, wave=report.wave, detentions=len(report.detentions), cities=len(report.cities))


@app.agent(raw_topic)
async def ingest(stream):
    await process_each(stream, ingest_message)
