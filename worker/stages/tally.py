"""Stage 2, protest.place-evidence -> protest.tally: fold each piece of evidence (routed by worker.stages.ingest)
into the tally (worker.tally) and publish the changed rows and claims."""

from __future__ import annotations

from schemas import PlaceEvidence
from worker.app import app, evidence_topic, send, settings, worker_tally
from worker.logs import log
from worker.stages.dead_letter import dead_letter, read_or_dead_letter
from worker.stages.watchdog import process_each
from worker.tally import Change, Outcome


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
    # Downstream consumers read the rows on protest.tally and the distinct claims on protest.tally-claims
    # (compacted: the latest record per key is current; None is a tombstone).
    topics = settings.topics
    deliveries = [await send(topics.tally_claims, key.encode(), claim and claim.model_dump_json().encode())
                  for key, claim in change.claims.items()]
    row = change.row and change.row.model_dump_json().encode()
    return [*deliveries, await send(topics.tally, change.row_key.encode(), row)]


# Each event is acknowledged only once its sends are delivered (worker.stages.watchdog.process_each); the
# tables' changelog writes are flushed by Faust before every offset commit.
@app.agent(evidence_topic, concurrency=1)
async def tally(stream):
    await process_each(stream, tally_message, stage="tally")
