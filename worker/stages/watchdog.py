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

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from worker.app import app, settings
from worker.logs import log

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
    assigned = [tp for tp in app.consumer.assignment() if tp.topic in sources]
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(settings.app_id)
    finally:
        await admin.close()
    lag = {}
    for tp in assigned:
        highwater = app.consumer.highwater(tp)
        offset = committed[tp].offset if tp in committed and committed[tp].offset >= 0 else 0
        if highwater is not None and highwater > offset:
            lag[f"{tp.topic}[{tp.partition}]"] = highwater - offset
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
