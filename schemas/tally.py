"""Messages on the tally's internal topic and on `protest.tally`, the topic downstream consumers read."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from schemas.report import DetentionClaim, Qualifier, Scope, Wave


def tally_key(wave: str, place: str) -> str:
    """The key of a tally row on `protest.tally`: `"{wave}/{place}"`."""
    return f"{wave}/{place}"


class PlaceEvidence(BaseModel):
    """What one document contributes to one (wave, place) row (internal topic, key `"{wave}/{place}"`)."""

    model_config = ConfigDict(frozen=True)

    doc_id: str = Field(min_length=1)
    wave: Wave
    place: str = Field(min_length=1, description="Canonical city name, or 'nationwide'.")
    country: str | None = None
    claims: list[DetentionClaim] = Field(default_factory=list, description="The document's claims for this place only.")
    published_at: datetime

    @property
    def key(self) -> str:
        return tally_key(self.wave, self.place)


class ClaimTally(BaseModel):
    """A distinct detention claim of a row, with how many documents carried it."""

    count: int = Field(ge=0)
    upper: int | None = None
    qualifier: Qualifier
    scope: Scope
    source: str | None = None
    text: str
    documents: int = Field(ge=1)
    first_doc_id: str


class TallyRow(BaseModel):
    """The current tally of one (wave, place); the latest record per key on `protest.tally` is the current row."""

    wave: Wave
    place: str = Field(min_length=1)
    country: str | None = None
    reports: int = Field(ge=0, description="Distinct documents reporting protests or detentions here in this wave.")
    detained_low: int | None = Field(default=None, description="The largest lower bound among the distinct claims.")
    detained_high: int | None = Field(default=None, description="The upper bound of that claim, when it gives one.")
    detained_text: str | None = Field(default=None, description="The wording of that claim.")
    claims: list[ClaimTally] = Field(default_factory=list)
    doc_ids: list[str] = Field(default_factory=list, description="Documents already applied: makes redelivery a no-op.")
    first_seen: datetime
    last_updated: datetime
    version: int = Field(ge=1, description="Increments on every change of the row.")

    @property
    def key(self) -> str:
        return tally_key(self.wave, self.place)
