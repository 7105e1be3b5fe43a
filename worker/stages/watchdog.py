"""Guards against two ways Faust loses track of records, found by our restart test on Apache Kafka.

1. Skipped records. A record that reaches a stream while flow control is suspended, or that carries an
   older generation id (both happen around start-up and rebalances), is acknowledged by Faust without
   being handed to the agent, and its offset can then be committed. We track, per source partition,
   the next offset our agents should see (the committed offset at assignment, then the last processed
   offset + 1): a record that jumps past it, or a committed offset beyond it, means records were skipped,
   and we seek back to them.
2. Stalled partitions. Faust drops records it fetched when flow is suspended mid-batch and relies on a
   later seek to committed offsets; when none comes, a partition keeps lag while the worker idles. Lag
   that neither moves nor has an event in flight for two checks triggers that seek.

Both recoveries redeliver records (at-least-once), which the idempotent tally absorbs.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from worker.app import app, settings
from worker.logs import log
from worker.tally_topic import committed_offsets, topic_partitions

STALL_CHECK_SECONDS = settings.progress_check_interval
BROKER_DOWN_LOG_SECONDS = 30.0
SOURCE_TOPICS = {settings.topics.raw, settings.topics.reports, settings.topics.evidence}


@dataclass
class Progress:
    """What the agents have handled: events acknowledged, events in flight, the next offset per partition."""

    acked: int = 0
    in_flight: int = 0
    next_offset: dict[TopicPartition, int] = field(default_factory=dict)
    gaps: set[TopicPartition] = field(default_factory=set)
    #: Partitions sought back, until the expected record arrives; records fetched before the seek still
    #: drain from Faust's buffers meanwhile and must not count as new gaps.
    reseeking: set[TopicPartition] = field(default_factory=set)
    lag_unchanged_since: tuple[int, bool] = (-1, False)
    #: For /health: per-partition lag, when the committed offsets last moved, when an event was last handled.
    lag: dict[TopicPartition, int] = field(default_factory=dict)
    committed: dict[TopicPartition, int] = field(default_factory=dict)
    committed_moved_at: float = field(default_factory=time.monotonic)
    last_handled_at: float | None = None
    before_assignment: dict[TopicPartition, int] = field(default_factory=dict)
    broker_down_since: float | None = None
    broker_down_logged_at: float = 0.0

    @contextlib.contextmanager
    def handling(self, message):
        tp = TopicPartition(message.topic, message.partition)
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1
            self.acked += 1
            self.last_handled_at = time.monotonic()
            expected = self.next_offset.get(tp)
            if expected is None or message.offset == expected:
                self.next_offset[tp] = message.offset + 1
                self.reseeking.discard(tp)
            elif message.offset > expected and tp not in self.reseeking:
                # Records before this one never reached us: next_offset stays, and the check seeks back to it.
                self.gaps.add(tp)


progress = Progress()


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


@app.on_partitions_revoked.connect
async def _snapshot_before_assignment(app_, revoked, **kwargs) -> None:
    """The committed offsets before this rebalance assigns anything: Faust can skip and commit records between
    the assignment and the moment the assigned signal reaches us, so the earlier figure is the safe start."""
    try:
        partitions = await topic_partitions(settings.kafka, sorted(SOURCE_TOPICS))
        progress.before_assignment = await committed_offsets(settings.kafka, settings.app_id, partitions)
    except KafkaError as error:
        log.warning("assignment_offsets_unknown", error=str(error))
        progress.before_assignment = {}


@app.on_partitions_assigned.connect
async def _track_assignment(app_, assigned, **kwargs) -> None:
    sources = [TopicPartition(tp.topic, tp.partition) for tp in assigned if tp.topic in SOURCE_TOPICS]
    try:
        committed = await committed_offsets(settings.kafka, settings.app_id, sources)
    except KafkaError as error:
        log.warning("assignment_offsets_unknown", error=str(error))
        committed = {}
    # The lower of the two: at worst some records are read twice, which the tally absorbs.
    progress.next_offset = {tp: min(offset, progress.before_assignment.get(tp, offset)) for tp, offset in committed.items()}
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
    if committed != progress.committed:
        progress.committed, progress.committed_moved_at = committed, time.monotonic()
    progress.lag = {tp: max(0, (app.consumer.highwater(tp) or 0) - committed[tp]) for tp in assigned}
    if progress.in_flight:
        return  # a long event is being handled: nothing is stalled, nothing to re-read yet
    for tp in assigned:
        expected = progress.next_offset.get(tp)
        if expected is None or tp in progress.reseeking:
            continue
        if tp in progress.gaps or committed[tp] > expected:
            log.warning("skipped_records_reseek", partition=f"{tp.topic}[{tp.partition}]", expected=expected,
                        committed=committed[tp])
            progress.gaps.discard(tp)
            progress.reseeking.add(tp)
            await app.consumer.seek(tp, expected)
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
