"""Stage 2, protest.place-evidence -> protest.tally: fold the evidence (routed by worker.stages.ingest, many pieces
to a record under load) into the tally (worker.tally) and publish the changed rows and claims."""

from __future__ import annotations

from schemas import EvidenceBatch
from schemas.tally import applied_at
from worker.app import app, evidence_topic, send, settings, worker_tally
from worker.logs import log
from worker.stages.dead_letter import dead_letter
from worker.stages.watchdog import process_each
from worker.tally import Publication


def read_evidence(message) -> EvidenceBatch | Exception:
    """The record's evidence, or why it is none (dead-lettered in turn by `tally_message`)."""
    try:
        return EvidenceBatch.model_validate_json(message.value)
    except Exception as error:  # noqa: BLE001 - no record stops the agent
        return error


async def tally_message(message, batch: EvidenceBatch | Exception) -> list:
    """Fold a record's evidence into the tally, piece by piece; publish each row and claim it changed, once."""
    if isinstance(batch, Exception):
        await dead_letter(message, batch)
        return []
    changes = []
    for index, evidence in enumerate(batch.pieces):
        try:
            change = worker_tally.apply(evidence, applied_at(message.offset, index))
        except Exception as error:  # noqa: BLE001 - no record stops the agent
            await dead_letter(message, error, doc_id=evidence.doc_id)
            continue
        log.debug(f"tally_{change.outcome.value}", doc_id=evidence.doc_id, key=evidence.key)
        changes.append(change)
    try:
        publication = worker_tally.publication(changes)
    except Exception as error:  # noqa: BLE001 - no record stops the agent
        await dead_letter(message, error)
        return []
    return await publish(publication)


async def publish(publication: Publication) -> list:
    # Downstream consumers read the rows on protest.tally and the distinct claims on protest.tally-claims
    # (compacted: the latest record per key is current; None is a tombstone).
    records = publication.records(settings.topics.tally_claims, settings.topics.tally)
    return [await send(topic, key, value) for topic, key, value in records]


# Each event is acknowledged only once its sends are delivered (worker.stages.watchdog.process_each); the
# tables' changelog writes are flushed by Faust before every offset commit.
@app.agent(evidence_topic, concurrency=1)
async def tally(stream):
    await process_each(stream, read_evidence, tally_message, stage="tally")
