"""Messages on `feed.dead-letter`: what could not be processed, with the reason and the original bytes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class DeadLetter(BaseModel):
    """An input record the worker could not turn into a Report (key: the original key)."""

    topic: str
    partition: int = Field(ge=0)
    offset: int = Field(ge=0)
    key_b64: str | None = Field(default=None, description="The original key, base64.")
    value_b64: str = Field(description="The original value bytes, base64 (their first 12.5 MB when value_truncated).")
    value_truncated: bool = Field(default=False, description="The value was too large to keep whole (RecordTooLarge).")
    error_class: str = Field(description="Why it failed, e.g. 'UnicodeDecodeError' or 'ValidationError'.")
    error_message: str
    doc_id: str | None = Field(default=None, description="The document id, when it could be read.")
    failed_at: datetime
