"""The tally rules (pure): how one document's evidence changes the row of a (wave, place).

Claims are not summed: news reports restate the same running figures, so the row's headline is the
largest distinct claim. A document already applied changes nothing, which makes redelivery harmless.
"""

from __future__ import annotations

from datetime import datetime

from schemas import NATIONWIDE, ClaimTally, PlaceEvidence, Report, TallyRow, tally_key


def evidence_of(report: Report, published_at: datetime) -> list[PlaceEvidence]:
    """Split a report into what it says about each (wave, place): cities where it reports protests, and
    'nationwide' when it gives a nationwide figure. A city figure stays in its city's row and a
    nationwide figure in the nationwide row."""
    places: dict[str, str | None] = {city.name: city.country for city in report.cities}
    for claim in report.detentions:
        places.setdefault(claim.place, claim.country)
    return [
        PlaceEvidence(
            doc_id=report.doc_id,
            wave=report.wave,
            place=place,
            country=None if place == NATIONWIDE else country,
            claims=[c for c in report.detentions if c.place == place],
            published_at=published_at,
        )
        for place, country in places.items()
    ]


def _claim_identity(claim: ClaimTally) -> tuple:
    return (claim.count, claim.upper, claim.qualifier, claim.scope, claim.source)


def apply_evidence(row: TallyRow | None, evidence: PlaceEvidence) -> TallyRow | None:
    """The row after this evidence, or None when it changes nothing (the document was already applied).

    Times are replay times (when the document was published), so a replay gives the same rows."""
    if row is not None and evidence.doc_id in row.doc_ids:
        return None
    claims = {_claim_identity(c): c for c in (row.claims if row else [])}
    for claim in evidence.claims:
        tallied = ClaimTally(
            count=claim.count, upper=claim.upper, qualifier=claim.qualifier, scope=claim.scope,
            source=claim.source, text=claim.text, documents=1, first_doc_id=evidence.doc_id,
        )
        identity = _claim_identity(tallied)
        if identity in claims:
            claims[identity] = claims[identity].model_copy(update={"documents": claims[identity].documents + 1})
        else:
            claims[identity] = tallied
    headline = max(claims.values(), key=lambda c: (c.count, c.upper or 0), default=None)
    return TallyRow(
        wave=evidence.wave,
        place=evidence.place,
        country=evidence.country,
        reports=(row.reports if row else 0) + 1,
        detained_low=headline.count if headline else None,
        detained_high=headline.upper if headline else None,
        detained_text=headline.text if headline else None,
        claims=list(claims.values()),
        doc_ids=[*(row.doc_ids if row else []), evidence.doc_id],
        first_seen=row.first_seen if row else evidence.published_at,
        last_updated=evidence.published_at,
        version=(row.version if row else 0) + 1,
    )


def fold_tally(rows: dict[str, TallyRow], evidence: PlaceEvidence) -> dict[str, TallyRow]:
    """Apply one piece of evidence to a whole table (the oracle and tests use this; the agent keeps a Faust Table)."""
    key = tally_key(evidence.wave, evidence.place)
    updated = apply_evidence(rows.get(key), evidence)
    if updated is not None:
        rows[key] = updated
    return rows
