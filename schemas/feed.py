"""Messages on `feed.raw`: one archived document, replayed as if it were live."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class FeedItem(BaseModel):
    """One archived news item as published by the replayer (key: `doc_id`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doc_id: str = Field(min_length=1, max_length=200, pattern=r"^[^\s/]+$", description="Stable document id (file stem or JSONL id).")
    text: str = Field(description="The scraped page as plain text, boilerplate included.")
    sequence: int = Field(ge=0, description="Position of this item in its replay run.")
    published_at: datetime = Field(description="When the replayer published the item (UTC).")
