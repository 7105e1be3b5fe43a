"""Messages on the tally's topics: the evidence ingest routes, the rows on `protest.tally` and the distinct
claims on `protest.tally-claims` (read by downstream consumers), and the state the worker keeps (internal topics)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from schemas.report import DetentionClaim, Qualifier, Scope, Wave

#: How many of a row's distinct claims the row itself carries (the largest); all of them are on protest.tally-claims.
TOP_CLAIMS = 10
#: How much of the text's sha256 the tally keeps to tell a correction from a repeat of one document.
DIGEST_CHARS = 16


def tally_key(wave: str, place: str) -> str:
    """The key of a tally row on `protest.tally`: `"{wave}/{place}"`."""
    return f"{wave}/{place}"


#: Most pieces of evidence one protest.place-evidence record carries.
PIECES_PER_RECORD = 1000


def applied_at(offset: int, index: int) -> int:
    """The order of a piece's change: its record's protest.place-evidence offset, then its place in the record."""
    return offset * PIECES_PER_RECORD + index


class PlaceEvidence(BaseModel):
    """What one version of a document says about one (wave, place) row."""

    model_config = ConfigDict(frozen=True)

    doc_id: str = Field(min_length=1)
    wave: Wave
    place: str = Field(min_length=1, description="Canonical city name, or 'nationwide'.")
    country: str | None = None
    claims: list[DetentionClaim] = Field(default_factory=list, description="The document's claims for this place only.")
    published_at: datetime
    position: int = Field(ge=0, description="The feed.raw offset of this version: a later version supersedes it.")
    text_digest: str = Field(description="Of this version's text: the same text again changes nothing.")
    withdrawn: bool = Field(default=False, description="A later version of the document no longer speaks of this row.")

    @property
    def key(self) -> str:
        return tally_key(self.wave, self.place)


class EvidenceBatch(BaseModel):
    """The evidence for rows of one partition, in the order ingest routed it (internal topic
    protest.place-evidence, key: the first piece's `"{wave}/{place}"`; every piece's key hashes to the record's
    partition). One record carries what ingest routed to that partition since its last send: under load, many
    items' evidence in one record, one Kafka record and one event less per item."""

    pieces: list[PlaceEvidence] = Field(min_length=1, max_length=PIECES_PER_RECORD)


class ClaimTally(BaseModel):
    """A distinct detention claim of a row, with how many current documents carry it and the first of them.
    Key on `protest.tally-claims`: `"{wave}/{place}|{count}|{upper}|{qualifier}|{scope}|{source}"`; a tombstone
    when no current document carries it any more."""

    wave: Wave
    place: str = Field(min_length=1)
    count: int = Field(ge=0)
    upper: int | None = None
    qualifier: Qualifier
    scope: Scope
    source: str | None = None
    text: str = Field(description="The figure as the first document wrote it.")
    quote: str = Field(description="The sentence of the first document that carries it.")
    documents: int = Field(ge=1)
    first_doc_id: str = Field(description="The earliest applied document that still carries it.")


class TallyRow(BaseModel):
    """The current tally of one (wave, place); the latest record per key on `protest.tally` is the current row,
    and a tombstone (null value) means no current document speaks of it any more."""

    wave: Wave
    place: str = Field(min_length=1)
    country: str | None = None
    reports: int = Field(ge=1, description="Distinct documents reporting protests or detentions here in this wave.")
    detained_low: int | None = Field(default=None, description="The largest lower bound among the distinct claims.")
    detained_high: int | None = Field(default=None, description="The upper bound of that claim, when it gives one.")
    detained_text: str | None = Field(default=None, description="The wording of that claim.")
    claims: list[ClaimTally] = Field(default_factory=list,
                                     description=f"The largest distinct claims, at most {TOP_CLAIMS}, largest first.")
    distinct_claims: int = Field(ge=0, description="All distinct claims of the row (each on protest.tally-claims).")
    first_seen: datetime = Field(description="When the earliest current document was published (replay time).")
    last_updated: datetime = Field(description="When the document of the latest change was published.")
    version: int = Field(ge=0, description="Grows with every change: of the latest, its protest.place-evidence offset times "
                         f"{PIECES_PER_RECORD:,} plus its place in that record.")

    @property
    def key(self) -> str:
        return tally_key(self.wave, self.place)


class CarriedClaim(BaseModel):
    """One claim as one document carries it."""

    count: int = Field(ge=0)
    upper: int | None = None
    qualifier: Qualifier
    scope: Scope
    source: str | None = None
    text: str
    quote: str

    @property
    def rank(self) -> tuple:
        """Larger claims first; ties broken by the rest of the identity, so every worker orders alike."""
        return (self.count, self.upper or 0, self.qualifier, self.scope, self.source or "")


class Contribution(BaseModel):
    """What one version of a document contributes to one row: the tally's only stored state (internal topic
    protest.tally-contributions, key `"{wave}/{place}\x00{doc_id}"`), one record per change, so a crash never
    leaves half a change. Rows and claims are derived from these in memory."""

    doc_id: str = Field(min_length=1)
    wave: Wave
    place: str = Field(min_length=1)
    country: str | None = None
    position: int = Field(ge=0, description="The feed.raw offset of the version.")
    text_digest: str
    withdrawn: bool = False
    applied: int = Field(ge=0, description="When it was applied, the order of changes: its protest.place-evidence "
                         f"offset times {PIECES_PER_RECORD:,} plus its place in that record.")
    published_at: datetime
    claims: list[CarriedClaim] = Field(default_factory=list)
    retracted: list[CarriedClaim] = Field(default_factory=list, description="The claims of the version it replaced, "
                                          "published again with it when it is redelivered (their tombstones may have "
                                          "been lost with a crashed worker).")


class DocumentVersion(BaseModel):
    """The version of a document ingest last routed (internal topic protest.document-versions, key doc id)."""

    position: int = Field(ge=0)
    text_digest: str
    rows: list[str] = Field(description="The rows this version speaks of.")
    withdrawn_from: list[str] = Field(default_factory=list, description="Rows of earlier versions it no longer speaks of.")
