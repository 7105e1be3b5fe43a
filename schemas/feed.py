"""Messages on `feed.raw`: one archived document, replayed as if it were live."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator


class FeedItem(BaseModel):
    """One archived news item as published by the replayer (key: `doc_id`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doc_id: str = Field(min_length=1, max_length=200, pattern=r"^[^\s/]+$", description="Stable document id (file stem or JSONL id).")
    text: str = Field(description="The scraped page as plain text, boilerplate included.")
    sequence: int = Field(ge=0, description="Position of this item in its replay run.")
    published_at: datetime = Field(description="When the replayer published the item (UTC).")

    @field_validator("doc_id", "text")
    @classmethod
    def _utf8_encodable(cls, value: str) -> str:
        # JSON's "\ud800" escape decodes to a lone surrogate, which no UTF-8 message downstream can carry.
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValueError(f"lone surrogate {value[error.start]!r} at position {error.start}: not text") from None
        return value
