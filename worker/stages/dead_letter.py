"""Send what a stage could not process to `feed.dead-letter`, with the reason and the original bytes."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from schemas import DeadLetter
from worker.app import send, settings
from worker.logs import log
from worker.metrics import metrics
from worker.records import MAX_FEED_RECORD_BYTES

ModelT = TypeVar("ModelT", bound=BaseModel)


def describe(error: BaseException) -> str:
    """The reason, without the input's text: the record keeps the original bytes, and logs must not carry documents."""
    if isinstance(error, ValidationError):
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in error.errors(include_input=False))
        return f"{error.error_count()} validation error(s) for {error.title}: {problems}"
    return str(error)


async def dead_letter(message, error: BaseException, doc_id: str | None = None) -> None:
    value = message.value or b""
    record = DeadLetter(
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        key_b64=base64.b64encode(message.key).decode() if message.key is not None else None,
        value_b64=base64.b64encode(value[:MAX_FEED_RECORD_BYTES]).decode(),
        value_truncated=len(value) > MAX_FEED_RECORD_BYTES,
        error_class=type(error).__name__,
        error_message=describe(error)[:2000],
        doc_id=doc_id,
        failed_at=datetime.now(timezone.utc),
    )
    log.warning("dead_lettered", topic=message.topic, partition=message.partition, offset=message.offset,
                doc_id=doc_id, error_class=record.error_class, error=record.error_message[:300])
    delivery = await send(settings.topics.dead_letter, message.key, record.model_dump_json().encode())
    await delivery
    metrics.dead_letters.labels(record.error_class).inc()


async def read_or_dead_letter(model: type[ModelT], message) -> ModelT | None:
    """The message's value as `model`, or None once it is dead-lettered as invalid (or unreadable in any way)."""
    try:
        return model.model_validate_json(message.value)
    except Exception as error:  # noqa: BLE001 - no record stops the agent
        await dead_letter(message, error)
        return None
