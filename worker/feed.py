"""The archive and its replay onto `feed.raw`, as if the items were arriving live."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from aiokafka import AIOKafkaProducer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TimeRemainingColumn
from rich.text import Text

from schemas import FeedItem
from worker.settings import MAX_MESSAGE_BYTES, KafkaConnection


@dataclass(frozen=True)
class ArchivedDocument:
    doc_id: str
    text: str


def read_archive(path: Path) -> list[ArchivedDocument]:
    """A folder of .txt files (doc id = file stem), one .txt file, or a JSONL file of {"doc_id"|"id", "text"}."""
    if path.is_dir():
        return [ArchivedDocument(p.stem, p.read_text(encoding="utf-8", errors="replace")) for p in sorted(path.glob("*.txt"))]
    if path.suffix == ".jsonl":
        documents = []
        with path.open(encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                record = json.loads(line)
                doc_id = record.get("doc_id") or record.get("id")
                if not doc_id or "text" not in record:
                    raise ValueError(f"{path}:{number}: a JSONL line needs 'doc_id' (or 'id') and 'text'")
                documents.append(ArchivedDocument(doc_id, record["text"]))
        return documents
    return [ArchivedDocument(path.stem, path.read_text(encoding="utf-8", errors="replace"))]


def feed_items(documents: list[ArchivedDocument], loops: int = 1, limit: int | None = None) -> Iterator[FeedItem]:
    sequence = 0
    for _ in range(loops):
        for document in documents:
            if limit is not None and sequence >= limit:
                return
            yield FeedItem(doc_id=document.doc_id, text=document.text, sequence=sequence, published_at=datetime.now(timezone.utc))
            sequence += 1


@dataclass(frozen=True)
class ReplaySummary:
    items: int
    bytes: int
    seconds: float

    def line(self) -> str:
        rate = self.items / self.seconds if self.seconds else 0.0
        return f"replayed {self.items} items, {self.bytes} bytes in {self.seconds:.2f} s ({rate:.0f} items/s)"


async def replay(kafka: KafkaConnection, topic: str, documents: list[ArchivedDocument], *, rate: float | None = None, loops: int = 1,
                 limit: int | None = None, progress: bool = False) -> ReplaySummary:
    """Publish the archive onto the raw topic (key: doc id); `rate` items per second, else as fast as possible."""
    total = min(len(documents) * loops, limit if limit is not None else len(documents) * loops)
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all", linger_ms=5, max_request_size=MAX_MESSAGE_BYTES)
    await producer.start()
    started = time.monotonic()
    sent_bytes = count = 0
    try:
        with replay_progress(shown=progress) as bar:
            task = bar.add_task("replay", total=total)
            deliveries = []
            for item in feed_items(documents, loops, limit):
                if rate:
                    delay = started + count / rate - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                value = item.model_dump_json().encode()
                deliveries.append(await producer.send(topic, key=item.doc_id.encode(), value=value,
                                                      timestamp_ms=int(item.published_at.timestamp() * 1000)))
                sent_bytes += len(value)
                count += 1
                bar.advance(task)
            await asyncio.gather(*deliveries)
    finally:
        await producer.stop()
    return ReplaySummary(count, sent_bytes, time.monotonic() - started)


class ItemRateColumn(ProgressColumn):
    """Items per second (rich's own speed column counts bytes)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} items/s" if speed is not None else "? items/s", style="progress.data.speed")


def replay_progress(*, shown: bool) -> Progress:
    """The replay's progress bar on stderr: items sent of all, their rate and the time left; drawn only when shown
    (on a terminal: piped, stderr gets nothing)."""
    return Progress(BarColumn(), MofNCompleteColumn(), ItemRateColumn(), TimeRemainingColumn(),
                    console=Console(stderr=True), disable=not shown)
