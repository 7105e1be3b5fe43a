"""Bytes from feed.raw -> a FeedItem -> its Report, with the expensive inputs refused before they are parsed.

Pure functions, no Kafka: the ingest stage (worker.stages.ingest) dead-letters whatever these raise.
"""

from __future__ import annotations

import json
import re
from schemas import FeedItem, Report
from worker.settings import MAX_MESSAGE_BYTES
from worker.text.analyze import analyze_cleaned
from worker.text.clean import clean

#: Largest feed.raw value read: as large as a dead letter can carry in base64 (4 bytes for 3) within the topics'
#: message limit, with room for its other fields. About 12.5 MB.
MAX_FEED_RECORD_BYTES = (MAX_MESSAGE_BYTES - 64 * 1024) * 3 // 4
#: Deepest JSON nesting read. A FeedItem is one flat object (depth 1); Python's json recurses per level and
#: raises RecursionError near 1,000.
MAX_JSON_DEPTH = 32

# Brackets and the quote that opens a string; the rest of a string, escapes included, up to its closing quote.
_STRUCTURE = re.compile(r'[\[\]{}"]')
_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


class KeyMismatch(ValueError):
    """The record's key is not the doc id of the item it carries."""


class RecordTooLarge(ValueError):
    """The value is larger than MAX_FEED_RECORD_BYTES."""


class TooDeeplyNested(ValueError):
    """The JSON nests arrays or objects deeper than MAX_JSON_DEPTH."""


class NoArticleText(ValueError):
    """Nothing is left of the page once URLs, boilerplate and blank lines are gone."""


def json_depth(text: str, stop_above: int | None = None) -> int:
    """How deep the arrays and objects of a JSON text nest, outside its strings (0 for a scalar), or the first
    depth over `stop_above`. Linear in the text whatever it holds: an unterminated string ends the scan."""
    depth = deepest = 0
    position = 0
    while match := _STRUCTURE.search(text, position):
        if match.group() == '"':
            rest = _STRING_REST.match(text, match.end())
            position = rest.end() if rest else len(text)
            continue
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
        if stop_above is not None and deepest > stop_above:
            break
        position = match.end()
    return deepest


def record_size(key: bytes | None, value: bytes | None) -> int:
    """A record's bytes as the worker's limits count them: its key and its value."""
    return len(key or b"") + len(value or b"")


def read_feed_item(key: bytes | None, value: bytes | None) -> FeedItem:
    """Bytes from feed.raw -> FeedItem, or a clear error: RecordTooLarge, UnicodeDecodeError, TooDeeplyNested,
    JSONDecodeError, ValidationError or KeyMismatch."""
    value = value or b""
    if len(value) > MAX_FEED_RECORD_BYTES:
        raise RecordTooLarge(f"value of {len(value):,} bytes is over the limit of {MAX_FEED_RECORD_BYTES:,}")
    text = value.decode("utf-8")
    if json_depth(text, stop_above=MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise TooDeeplyNested(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
    item = FeedItem.model_validate(json.loads(text))
    if key is not None and key.decode("utf-8", "replace") != item.doc_id:
        raise KeyMismatch(f"record key {key[:100]!r} does not match doc_id {item.doc_id!r}")
    return item


def read_article(item: FeedItem) -> Report:
    """The Report of an item, or NoArticleText for an empty or boilerplate-only page."""
    cleaned = clean(item.text)
    if not cleaned.lines:
        raise NoArticleText(f"no article text left after cleaning ({len(item.text)} characters of input)")
    return analyze_cleaned(cleaned, item.doc_id, item.text)
