"""Stage 2, protest.reports -> protest.tally: route each report's evidence by (wave, place), then fold it into the
tally (worker.tally) and publish the changed rows and claims."""

from __future__ import annotations

from datetime import datetime, timezone

from schemas import PlaceEvidence, Report
from worker.app import app, claims_topic, evidence_topic, reports_topic, tally_topic, versions_table, worker_tally
from worker.logs import log
from worker.stages.dead_letter import dead_letter, read_or_dead_letter
from worker.stages.watchdog import process_each
from worker.tally import Change, Outcome, route_report


class MissingSourcePosition(ValueError):
    """A report without the feed.raw offset its ingest puts in the headers (worker.stages.ingest.source_headers)."""


def source_position(message) -> int:
    headers = dict(message.headers or ())
    try:
        return int(headers["source-offset"])
    except (KeyError, ValueError) as error:
        raise MissingSourcePosition("the report has no source-offset header") from error


async def route_message(message):
    """A keyed send per (wave, place): every piece of evidence for one row lands on one partition."""
    report = await read_or_dead_letter(Report, message)
    if report is None:
        return []
    try:
        published_at = datetime.fromtimestamp(message.timestamp, timezone.utc)
        evidence = route_report(versions_table, report, source_position(message), published_at)
    except Exception as error:  # noqa: BLE001 - no record stops the agent
        await dead_letter(message, error, doc_id=report.doc_id)
        return []
    return [await evidence_topic.send(key=piece.key.encode(), value=piece.model_dump_json().encode()) for piece in evidence]


async def tally_message(message) -> list:
    """Fold one piece of evidence into the tally; publish the changed row and claims."""
    evidence = await read_or_dead_letter(PlaceEvidence, message)
    if evidence is None:
        return []
    try:
        change = worker_tally.apply(evidence, message.offset)
    except Exception as error:  # noqa: BLE001 - no record stops the agent
        await dead_letter(message, error, doc_id=evidence.doc_id)
        return []
    log.debug(f"tally_{change.outcome.value}", doc_id=evidence.doc_id, key=evidence.key,
              version=change.row and change.row.version, reports=change.row and change.row.reports,
              detained_low=change.row and change.row.detained_low)
    return await publish(change)


async def publish(change: Change) -> list:
    if change.outcome is Outcome.UNCHANGED:
        return []
    deliveries = [await claims_topic.send(key=key.encode(), value=claim and claim.model_dump_json().encode())
                  for key, claim in change.claims.items()]
    row = change.row and change.row.model_dump_json().encode()
    return [*deliveries, await tally_topic.send(key=change.row_key.encode(), value=row)]


# Each event is acknowledged only once its sends are delivered (worker.stages.watchdog.process_each); the
# tables' changelog writes are flushed by Faust before every offset commit.
@app.agent(reports_topic)
async def route(stream):
    await process_each(stream, route_message, stage="route")


@app.agent(evidence_topic, concurrency=1)
async def tally(stream):
    await process_each(stream, tally_message, stage="tally")
