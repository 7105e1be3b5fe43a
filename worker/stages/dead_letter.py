"""Send what a stage could not process to `feed.dead-letter`, with the reason and the original bytes."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

from schemas import DeadLetter
from worker.app import send, settings
from worker.logs import log
from worker.metrics import metrics
from worker.readers import ReadFailed, describe
from worker.records import MAX_FEED_RECORD_BYTES


async def dead_letter(message, error: BaseException, doc_id: str | None = None) -> None:
    value = message.value or b""
    record = DeadLetter(
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        key_b64=base64.b64encode(message.key).decode() if message.key is not None else None,
        value_b64=base64.b64encode(value[:MAX_FEED_RECORD_BYTES]).decode(),
        value_truncated=len(value) > MAX_FEED_RECORD_BYTES,
        error_class=error.error_class if isinstance(error, ReadFailed) else type(error).__name__,
        error_message=describe(error)[:2000],
        doc_id=doc_id,
        failed_at=datetime.now(timezone.utc),
    )
    log.warning("dead_lettered", topic=message.topic, partition=message.partition, offset=message.offset,
                doc_id=doc_id, error_class=record.error_class, error=record.error_message[:300])
    delivery = await send(settings.topics.dead_letter, message.key, record.model_dump_json().encode())
    await delivery
    metrics.dead_letters.labels(record.error_class).inc()
