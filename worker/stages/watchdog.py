"""Re-read partitions that Faust stopped delivering.

Faust drops records it has fetched when flow control is suspended mid-batch (around recovery and
rebalances) and relies on a later seek to committed offsets to fetch them again; when no such seek
comes, a partition keeps lag forever while the worker idles (seen in our restart test). The watchdog
notices lag that neither moves nor has an event in flight and seeks back to the committed offsets:
at-least-once redelivery, which the idempotent tally absorbs.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from worker.app import app, settings
from worker.logs import log
from worker.tally_topic import committed_offsets

STALL_CHECK_SECONDS = 5.0


@dataclass
class Progress:
    """Events acknowledged by the agents, and how many are being handled right now."""

    acked: int = 0
    in_flight: int = 0

    @contextlib.contextmanager
    def handling(self):
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1
            self.acked += 1


progress = Progress()
_last_seen: dict[str, int] = {}


async def source_lag() -> dict[str, int]:
    """Uncommitted records per assigned source partition, from the broker's committed offsets."""
    sources = {settings.topics.raw, settings.topics.reports, settings.topics.evidence}
    assigned = [TopicPartition(tp.topic, tp.partition) for tp in app.consumer.assignment() if tp.topic in sources]
    committed = await committed_offsets(settings.bootstrap_servers, settings.app_id, assigned)
    lag = {}
    for tp in assigned:
        highwater = app.consumer.highwater(tp)
        if highwater is not None and highwater > committed[tp]:
            lag[f"{tp.topic}[{tp.partition}]"] = highwater - committed[tp]
    return lag


@app.timer(interval=STALL_CHECK_SECONDS)
async def reseek_stalled_partitions() -> None:
    if not app.rebalancing and progress.in_flight == 0:
        try:
            lag = await source_lag()
        except KafkaError as error:
            log.warning("stall_check_failed", error=str(error))
            return
        stalled = lag and _last_seen.get("acked") == progress.acked and _last_seen.get("lagging")
        if stalled:
            log.warning("stalled_partitions_reseek", lag=lag)
            await app.consumer.perform_seek()
        _last_seen.update(acked=progress.acked, lagging=bool(lag))
