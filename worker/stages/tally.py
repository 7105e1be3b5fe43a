"""Stage 2, protest.reports -> protest.tally: re-key each report by (wave, place), then fold into the tally table."""

from __future__ import annotations

from datetime import datetime, timezone

from schemas import PlaceEvidence, Report, TallyRow
from worker.app import app, evidence_topic, reports_topic, tally_table
from worker.logs import log
from worker.stages.dead_letter import dead_letter, read_or_dead_letter
from worker.stages.watchdog import process_each
from worker.tally import apply_evidence, evidence_of


async def route_message(message) -> None:
    """A keyed send per (wave, place): every piece of evidence for one row lands on one partition."""
    report = await read_or_dead_letter(Report, message)
    if report is None:
        return
    try:
        evidence = evidence_of(report, datetime.fromtimestamp(message.timestamp, timezone.utc))
    except Exception as error:  # noqa: BLE001 - no record stops the agent
        await dead_letter(message, error, doc_id=report.doc_id)
        return
    deliveries = [
        await evidence_topic.send(key=piece.key.encode(), value=piece.model_dump_json().encode()) for piece in evidence
    ]
    for delivery in deliveries:
        await delivery


async def tally_message(message) -> None:
    """Fold one piece of evidence into its row; the table publishes a changed row to protest.tally."""
    evidence = await read_or_dead_letter(PlaceEvidence, message)
    if evidence is None:
        return
    current = tally_table.get(evidence.key.encode())
    try:
        updated = apply_evidence(TallyRow.model_validate(current) if current else None, evidence)
    except Exception as error:  # noqa: BLE001 - no record stops the agent
        await dead_letter(message, error, doc_id=evidence.doc_id)
        return
    if updated is None:
        log.info("tally_unchanged", doc_id=evidence.doc_id, key=evidence.key)
        return
    tally_table[evidence.key.encode()] = updated.model_dump(mode="json")
    log.info("tally_updated", doc_id=evidence.doc_id, key=evidence.key, version=updated.version,
             reports=updated.reports, detained_low=updated.detained_low)


# Each event is acknowledged only once its effect is written (worker.stages.watchdog.process_each); the
# table's changelog write is flushed by Faust before every offset commit.
@app.agent(reports_topic)
async def route(stream):
    await process_each(stream, route_message)


@app.agent(evidence_topic, concurrency=1)
async def tally(stream):
    await process_each(stream, tally_message)
