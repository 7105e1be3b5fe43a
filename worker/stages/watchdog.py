"""Gets a worker past the two ways Faust loses track of records, found by our fault tests on Apache Kafka.

1. Skipped records. Faust acknowledges some records without handing them to an agent (worker.progress, whose
   consumer keeps their offsets from being committed). A record that jumps past the next offset we expect on
   its partition, or a committed offset beyond it, means records were skipped: we seek back to them.
2. Stalled partitions. Faust drops records it fetched when flow is suspended mid-batch and relies on a
   later seek to committed offsets; when none comes, a partition keeps lag while the worker idles. Lag
   that neither moves nor has an event in flight for two checks triggers that seek.

Both recoveries redeliver records (at-least-once), which the idempotent tally absorbs.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from worker.app import app, settings
from worker.logs import log
from worker.progress import SOURCE_TOPICS, progress
from worker.tally_topic import committed_offsets

STALL_CHECK_SECONDS = settings.progress_check_interval
BROKER_DOWN_LOG_SECONDS = 30.0
#: A seek whose record has not come back after this long is made again.
RESEEK_AGAIN_SECONDS = 2 * STALL_CHECK_SECONDS


async def process_each(stream, handle: Callable[[Any], Awaitable[None]]) -> None:
    """Run `handle` on each record of an agent's stream, acknowledging it only once `handle` returned.

    Manual acks: Faust acks an event whose processing was cancelled (at shutdown or rebalance), which commits
    past an unfinished record (faust-streaming #606)."""
    manual = stream.noack()
    async for event in manual.events():
        with progress.handling(event.message):
            await handle(event.message)
            await manual.ack(event)


def _assigned_sources() -> list[TopicPartition]:
    return [TopicPartition(tp.topic, tp.partition) for tp in app.consumer.assignment() if tp.topic in SOURCE_TOPICS]


@app.on_partitions_assigned.connect
async def _track_assignment(app_, assigned, **kwargs) -> None:
    sources = [TopicPartition(tp.topic, tp.partition) for tp in assigned if tp.topic in SOURCE_TOPICS]
    try:
        committed = await committed_offsets(settings.kafka, settings.app_id, sources)
    except KafkaError as error:
        log.warning("assignment_offsets_unknown", error=str(error))
        committed = {}
    # Every worker commits only what it handled (worker.progress), so the committed offset is where we start.
    progress.next_offset = committed
    progress.gaps.clear()
    progress.reseeking.clear()
    log.info("partitions_assigned", partitions=sorted(f"{tp.topic}[{tp.partition}]" for tp in sources))


@app.timer(interval=STALL_CHECK_SECONDS)
async def check_progress() -> None:
    if app.rebalancing:
        return
    assigned = _assigned_sources()
    try:
        committed = await committed_offsets(settings.kafka, settings.app_id, assigned)
    except KafkaError as error:
        _broker_unreachable(error)
        return
    if progress.broker_down_since is not None:
        log.info("broker_reachable", down_seconds=round(time.monotonic() - progress.broker_down_since, 1))
        progress.broker_down_since = None
    for tp in assigned:
        # The assignment's offsets could not be read when it came: nothing of this partition was committed since
        # (worker.progress), so its committed offset is still where it starts.
        progress.next_offset.setdefault(tp, committed[tp])
    if committed != progress.committed:
        progress.committed, progress.committed_moved_at = committed, time.monotonic()
    progress.lag = {tp: max(0, (app.consumer.highwater(tp) or 0) - committed[tp]) for tp in assigned}
    # Gaps are re-read even while events are in flight: under steady load something always is, and a gap holds its
    # partition's commits back (worker.progress) until it is re-read.
    for tp in assigned:
        expected = progress.next_offset.get(tp)
        if expected is None:
            continue
        sought_at = progress.reseeking.get(tp)
        if sought_at is not None:
            # Sought back already: wait for the record, and seek again if it does not come (Faust can skip it again).
            skipped = time.monotonic() - sought_at >= RESEEK_AGAIN_SECONDS
        else:
            skipped = tp in progress.gaps or committed[tp] > expected
        if skipped:
            log.warning("skipped_records_reseek", partition=f"{tp.topic}[{tp.partition}]", expected=expected,
                        committed=committed[tp])
            progress.gaps.discard(tp)
            progress.reseeking[tp] = time.monotonic()
            await app.consumer.seek(tp, expected)
    if progress.in_flight:
        return  # a long event is being handled: nothing is stalled
    lagging = any(progress.lag.values())
    if lagging and progress.lag_unchanged_since == (progress.acked, True):
        log.warning("stalled_partitions_reseek")
        await app.consumer.perform_seek()
    progress.lag_unchanged_since = (progress.acked, lagging)


def _broker_unreachable(error: KafkaError) -> None:
    """Logged when the broker stops answering, then every BROKER_DOWN_LOG_SECONDS while it stays away; Faust's
    and aiokafka's clients keep retrying on their own, and the worker carries on once it is back."""
    now = time.monotonic()
    if progress.broker_down_since is None:
        progress.broker_down_since = now
    elif now - progress.broker_down_logged_at < BROKER_DOWN_LOG_SECONDS:
        return
    progress.broker_down_logged_at = now
    log.warning("broker_unreachable", error=str(error), down_seconds=round(now - progress.broker_down_since, 1),
                bootstrap_servers=settings.kafka.bootstrap_servers, action="waiting for it to come back")


def health() -> tuple[bool, dict]:
    """Unhealthy when there is lag but the committed offsets have not moved for `health_stall_seconds`, or when
    the broker has been unreachable that long."""
    now = time.monotonic()
    lag = sum(progress.lag.values())
    stalled_for = now - progress.committed_moved_at
    unreachable_for = 0.0 if progress.broker_down_since is None else now - progress.broker_down_since
    healthy = (lag == 0 or stalled_for < settings.health_stall_seconds) and unreachable_for < settings.health_stall_seconds
    return healthy, {
        "healthy": healthy,
        "broker_unreachable_seconds": round(unreachable_for, 1),
        "lag": lag,
        "partitions": {f"{tp.topic}[{tp.partition}]": n for tp, n in sorted(progress.lag.items())},
        "committed_unchanged_seconds": round(stalled_for, 1),
        "last_handled_seconds_ago": None if progress.last_handled_at is None else round(now - progress.last_handled_at, 1),
        "in_flight": progress.in_flight,
    }


@app.page("/health")
async def health_page(web, request):
    healthy, body = health()
    return web.json(body, status=200 if healthy else 503)
