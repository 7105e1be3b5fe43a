"""The tally rules (pure): how one version of a document changes the rows of the (wave, place)s it speaks of.

Claims are not summed: news reports restate the same running figures, so a row's headline is its largest
distinct claim. The only stored state is what each document contributed to each row (a Contribution, kept as a
worker.stored.StoredContribution; one record per change, so a crash never leaves half a change); rows and their
claims are derived from the contributions in memory (`Tally.rebuild` after a recovery), with the work of one change
independent of the documents a row has:
- a contribution records its feed position and text digest: a redelivery or the same text again changes nothing,
  and a later version with another text (a correction) retracts the earlier one first;
- each claim keeps its carrying documents in the order they were applied, so its first carrier (whose quote it
  shows) is known at once after a retraction;
- each row keeps its claims sorted by rank, so its TOP_CLAIMS largest are at hand.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime

from schemas import NATIONWIDE, DetentionClaim, PlaceEvidence, Report, tally_key
from schemas.tally import DIGEST_CHARS, TOP_CLAIMS, ClaimTally, TallyRow
from worker.stored import StoredClaim, StoredContribution, StoredVersion


def claim_key(row_key: str, claim: StoredClaim) -> str:
    """The claim's identity within its row; also its key on protest.tally-claims."""
    return f"{row_key}|{claim.count}|{claim.upper or ''}|{claim.qualifier}|{claim.scope}|{claim.source or ''}"


def contribution_key(row_key: str, doc_id: str) -> str:
    return f"{row_key}\x00{doc_id}"


def route_report(versions: MutableMapping[str, StoredVersion], report: Report, position: int,
                 published_at: datetime) -> list[PlaceEvidence]:
    """The evidence to send for this version of a report, recording it as the document's current version.

    An older version (a redelivery from before a correction) sends nothing; the current one again (a redelivery)
    sends the same evidence again, which the tally absorbs; another text at a later position is a correction:
    its evidence, and a withdrawal from the rows the document no longer speaks of."""
    digest = report.text_digest[:DIGEST_CHARS]
    current = versions.get(report.doc_id)
    if current is not None and (position < current.position or (position > current.position and digest == current.text_digest)):
        return []
    evidence = evidence_of(report, published_at, position, digest)
    rows = [piece.key for piece in evidence]
    if current is not None and position == current.position:
        withdrawn_from = current.withdrawn_from
    elif current is not None:
        withdrawn_from = sorted(set(current.rows + current.withdrawn_from) - set(rows))
    else:
        withdrawn_from = []
    versions[report.doc_id] = StoredVersion.interned(position, digest, rows, withdrawn_from)
    return evidence + [withdrawal(key, report.doc_id, published_at, position, digest) for key in withdrawn_from]


def evidence_of(report: Report, published_at: datetime, position: int, digest: str) -> list[PlaceEvidence]:
    """Split a report into what it says about each (wave, place): cities where it reports protests, and
    'nationwide' when it gives a nationwide figure. A city figure stays in its city's row and a
    nationwide figure in the nationwide row."""
    places: dict[str, str | None] = {city.name: city.country for city in report.cities}
    for claim in report.detentions:
        places.setdefault(claim.place, claim.country)
    return [
        PlaceEvidence(
            doc_id=report.doc_id, wave=report.wave, place=place, country=None if place == NATIONWIDE else country,
            claims=[c for c in report.detentions if c.place == place], published_at=published_at,
            position=position, text_digest=digest,
        )
        for place, country in places.items()
    ]


def withdrawal(row_key: str, doc_id: str, published_at: datetime, position: int, digest: str) -> PlaceEvidence:
    wave, place = row_key.split("/", 1)
    return PlaceEvidence(doc_id=doc_id, wave=wave, place=place, published_at=published_at, position=position,
                         text_digest=digest, withdrawn=True)


def supersedes(evidence: PlaceEvidence, contribution: StoredContribution | None) -> bool:
    """A first version, or a later position with another text; a redelivery, an older version or the same text
    again changes nothing."""
    if contribution is None:
        return not evidence.withdrawn
    return evidence.position > contribution.position and evidence.text_digest != contribution.text_digest


def carried(claims: list[DetentionClaim]) -> tuple[StoredClaim, ...]:
    """The distinct claims of a document for one row (a document that states one claim twice carries it once)."""
    distinct: dict[tuple, StoredClaim] = {}
    for claim in claims:
        kept = StoredClaim(claim.count, claim.upper, claim.qualifier, claim.scope, claim.source, claim.text, claim.quote)
        distinct.setdefault(kept.rank, kept)
    return tuple(distinct.values())


@dataclass
class RowState:
    """A row derived from its current contributions."""

    wave: str
    place: str
    country: str | None
    documents: dict[str, StoredContribution] = field(default_factory=dict)
    #: claim key -> the documents carrying it, in the order they were applied.
    carriers: dict[str, dict[str, StoredClaim]] = field(default_factory=dict)
    #: The key of every claim, ascending by (rank, key) (`_order`): the order is computed while a claim is placed,
    #: not kept with every claim (a rank tuple and a pair were 125 bytes a document).
    ranked: list[str] = field(default_factory=list)
    #: The published form of the claims in the row's top, kept until they change: every update publishes the row
    #: with its TOP_CLAIMS largest claims, which are seldom the ones it changed.
    shown: dict[str, ClaimTally] = field(default_factory=dict)
    first_seen: datetime | None = None
    last_updated: datetime | None = None
    version: int = 0

    @property
    def key(self) -> str:
        return tally_key(self.wave, self.place)

    def add(self, contribution: StoredContribution) -> list[str]:
        """Count the contribution in; returns the keys of the claims it changed."""
        self.documents[contribution.doc_id] = contribution
        if self.first_seen is None or contribution.published_at < self.first_seen:
            self.first_seen = contribution.published_at
        keys = []
        for claim in contribution.claims:
            key = claim_key(self.key, claim)
            carriers = self.carriers.setdefault(key, {})
            placed = bool(carriers)
            carriers[contribution.doc_id] = claim
            if not placed:
                bisect.insort(self.ranked, key, key=self._order)
            self.shown.pop(key, None)
            keys.append(key)
        return keys

    def remove(self, contribution: StoredContribution) -> list[str]:
        """Take the contribution out; returns the keys of the claims it changed."""
        del self.documents[contribution.doc_id]
        if contribution.published_at == self.first_seen:
            self.first_seen = min((c.published_at for c in self.documents.values()), default=None)
        keys = []
        for claim in contribution.claims:
            key = claim_key(self.key, claim)
            if len(self.carriers[key]) == 1:  # placed by its order, which needs a carrier: out of `ranked` first
                del self.ranked[bisect.bisect_left(self.ranked, (claim.rank, key), key=self._order)]
                del self.carriers[key]
            else:
                del self.carriers[key][contribution.doc_id]
            self.shown.pop(key, None)
            keys.append(key)
        return keys

    def _order(self, key: str) -> tuple:
        """Larger claims last (every carrier of a claim carries the same rank); the key breaks ties."""
        return next(iter(self.carriers[key].values())).rank, key

    def claim_tally(self, key: str) -> ClaimTally | None:
        """The claim as published on protest.tally-claims, None once no current document carries it."""
        carriers = self.carriers.get(key)
        if not carriers:
            return None
        first_doc_id, first = next(iter(carriers.items()))
        return ClaimTally(wave=self.wave, place=self.place, count=first.count, upper=first.upper,
                          qualifier=first.qualifier, scope=first.scope, source=first.source, text=first.text,
                          quote=first.quote, documents=len(carriers), first_doc_id=first_doc_id)

    def every_claim(self) -> list[ClaimTally]:
        """Every distinct claim, largest first (the row itself carries the TOP_CLAIMS largest)."""
        return [self.claim_tally(key) for key in reversed(self.ranked)]

    def row(self) -> TallyRow:
        self.shown = {key: self.shown.get(key) or self.claim_tally(key) for key in reversed(self.ranked[-TOP_CLAIMS:])}
        top = list(self.shown.values())
        headline = top[0] if top else None
        return TallyRow(wave=self.wave, place=self.place, country=self.country, reports=len(self.documents),
                        detained_low=headline.count if headline else None,
                        detained_high=headline.upper if headline else None,
                        detained_text=headline.text if headline else None, claims=top,
                        distinct_claims=len(self.ranked), first_seen=self.first_seen, last_updated=self.last_updated,
                        version=self.version)


class Outcome(enum.Enum):
    UNCHANGED = "unchanged"
    #: The same version again at the same position (after a crash): its row and claims are published again,
    #: in case the first publication was lost with the worker.
    REDELIVERED = "redelivered"
    UPDATED = "updated"
    #: No current document speaks of the row any more.
    REMOVED = "removed"


@dataclass(frozen=True)
class Change:
    outcome: Outcome
    row_key: str
    #: The keys of the claims it changed (or, redelivered, carries).
    claim_keys: tuple[str, ...] = ()


@dataclass
class Publication:
    """The rows and claims to publish, each as it stands (None: a tombstone)."""

    rows: dict[str, TallyRow | None] = field(default_factory=dict)
    claims: dict[str, ClaimTally | None] = field(default_factory=dict)

    def records(self, claims_topic: str, rows_topic: str) -> list[tuple[str, bytes, bytes | None]]:
        """What to send, as (topic, key, value): the claims, then the rows; a None value is a tombstone."""
        claims = [(claims_topic, key.encode(), claim and claim.model_dump_json().encode())
                  for key, claim in self.claims.items()]
        return claims + [(rows_topic, key.encode(), row and row.model_dump_json().encode()) for key, row in self.rows.items()]


class Tally:
    """The tally of the rows whose evidence this worker handles: contributions stored in `contributions` (a Faust
    table in the worker, a dict in tests), rows derived from them."""

    def __init__(self, contributions: MutableMapping[str, StoredContribution]) -> None:
        self.contributions = contributions
        self.rows: dict[str, RowState] = {}
        self.stale = True

    def rebuild(self) -> None:
        """Derive the rows again from the stored contributions (after a recovery: the worker's partitions changed)."""
        self.rows = {}
        for contribution in sorted(self.contributions.values(), key=lambda c: c.applied):
            row = self._row(contribution.wave, contribution.place, contribution.country)
            row.version, row.last_updated = contribution.applied, contribution.published_at
            if not contribution.withdrawn:
                row.add(contribution)
        self.rows = {key: row for key, row in self.rows.items() if row.documents}
        self.stale = False

    def current_rows(self) -> dict[str, RowState]:
        if self.stale:
            self.rebuild()
        return self.rows

    def _row(self, wave: str, place: str, country: str | None) -> RowState:
        key = tally_key(wave, place)
        if key not in self.rows:
            self.rows[key] = RowState(wave, place, None if place == NATIONWIDE else country)
        return self.rows[key]

    def apply(self, evidence: PlaceEvidence, applied: int) -> Change:
        """Apply one piece of evidence, read at offset `applied` of its partition."""
        rows = self.current_rows()
        own_key = contribution_key(evidence.key, evidence.doc_id)
        previous = self.contributions.get(own_key)
        if previous is not None and previous.position == evidence.position and previous.text_digest == evidence.text_digest:
            # The claims it retracted too: their tombstones may have been lost with the worker that applied it.
            return Change(Outcome.REDELIVERED, evidence.key,
                          tuple(claim_key(evidence.key, c) for c in (*previous.claims, *previous.retracted)))
        if not supersedes(evidence, previous):
            return Change(Outcome.UNCHANGED, evidence.key)
        row = self._row(evidence.wave, evidence.place, evidence.country)
        changed = row.remove(previous) if previous is not None and not previous.withdrawn else []
        contribution = StoredContribution(evidence.doc_id, evidence.wave, evidence.place, evidence.country, evidence.position,
                                          evidence.text_digest, evidence.withdrawn, applied, evidence.published_at,
                                          carried(evidence.claims), previous.claims if previous is not None else ())
        self.contributions[own_key] = contribution
        if not evidence.withdrawn:
            changed += row.add(contribution)
        row.version, row.last_updated = applied, evidence.published_at
        if not row.documents:
            del rows[evidence.key]
            return Change(Outcome.REMOVED, evidence.key, tuple(changed))
        return Change(Outcome.UPDATED, evidence.key, tuple(changed))

    def publication(self, changes: Iterable[Change]) -> Publication:
        """What to publish after `changes`: each row and claim they touched, once, as it stands now. A row changed
        by several pieces of one record is published once, in its latest state."""
        touched_rows: dict[str, None] = {}
        touched_claims: dict[str, str] = {}  # claim key -> its row's key
        for change in changes:
            if change.outcome is not Outcome.UNCHANGED:
                touched_rows[change.row_key] = None
                touched_claims.update(dict.fromkeys(change.claim_keys, change.row_key))
        rows = self.current_rows()
        claims = {key: rows[row_key].claim_tally(key) if row_key in rows else None
                  for key, row_key in touched_claims.items()}
        return Publication({key: rows[key].row() if key in rows else None for key in touched_rows}, claims)
