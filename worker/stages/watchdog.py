"""Gets a worker past the ways Faust loses track of records or stops, found by our fault tests on Apache Kafka.

1. Skipped records. Faust acknowledges some records without handing them to an agent (worker.progress, whose
   consumer keeps their offsets from being committed). A record that jumps past the next offset we expect on
   its partition means records were skipped: they are read back from the broker (worker.skipped_records) and
   handled first.
2. Stalled partitions. Faust drops records it fetched when flow is suspended mid-batch and relies on a
   later seek to committed offsets; when none comes, a partition keeps lag while the worker idles. Lag
   that neither moves nor has an event in flight for two checks triggers that seek, and resumes a partition
   Faust left paused.
3. Stalled rebalances and table recoveries, which Faust can leave unfinished for good: a new rebalance is asked
   for, or the recovery restarted.

The recoveries redeliver records (at-least-once), which the idempotent tally absorbs.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError
from faust.exceptions import ConsumerNotStarted
from faust.types import TP

from worker.app import app, settings
from worker.byte_budget import ByteBudget
from worker.logs import log
from worker.metrics import metrics
from worker.progress import SOURCE_TOPICS, progress
from worker.records import record_size
from worker.skipped_records import Absent, read_range
from worker.stages.supervision import exit_worker
from worker.tally_topic import committed_offsets

STALL_CHECK_SECONDS = settings.progress_check_interval
#: How often a condition that lasts (the broker away, events in flight and none handled) is logged again.
REPEAT_LOG_SECONDS = 30.0
REJOIN_REQUEST_SECONDS = 10.0
RECOVERY_STALL_SECONDS = 30.0


#: Events an agent may have handled whose deliveries are not all confirmed yet; beyond it, it waits for them.
MAX_UNCONFIRMED = 2000
#: Records whose preparation (`process_each`'s `prepare`) may run ahead of the record being handled, and their
#: bytes (worker.records.record_size): a revocation waits until every record taken from the stream is handled, so
#: a run of long records is prepared a few at a time (news items of a few KB are bounded by the count).
MAX_PREPARED_AHEAD = 256
MAX_PREPARED_AHEAD_BYTES = 4 * 1024 * 1024


async def process_each(stream, prepare: Callable[[Any], Any], handle: Callable[[Any, Any], Awaitable[list]],
                       stage: str) -> None:
    """Run `prepare` on each record of an agent's stream as it arrives and `handle` on it in order, with the records
    Faust skipped before it read back first. `prepare(message)` does (or starts) the part of the work that does not
    depend on the records before it: decoding it, reading its text in the reader process; up to MAX_PREPARED_AHEAD
    records, and MAX_PREPARED_AHEAD_BYTES of keys and values, are prepared ahead. `handle(message, prepared)` gets
    what it returned and returns the deliveries of what it sent. A record is acknowledged once its deliveries are
    confirmed and every earlier one is acknowledged, so the next record is handled while the broker confirms the
    last ones, and commits never pass an unconfirmed effect.

    Manual acks: Faust acks an event whose processing was cancelled (at shutdown or rebalance), which commits
    past an unfinished record (faust-streaming #606).

    `stage` names the agent in the processing-time histogram (worker.metrics)."""
    manual = stream.noack()
    processing_seconds = metrics.processing_seconds.labels(stage)
    prepared: asyncio.Queue = asyncio.Queue(maxsize=MAX_PREPARED_AHEAD)
    budget = ByteBudget(MAX_PREPARED_AHEAD_BYTES)
    handled: asyncio.Queue = asyncio.Queue(maxsize=MAX_UNCONFIRMED)
    helpers = [asyncio.ensure_future(_handle_in_order(prepared, handled, handle, processing_seconds, budget)),
               asyncio.ensure_future(_acknowledge_in_order(manual, handled))]
    ending: list[bool] = []  # set once the agent's stream ends: its helpers are then cancelled on purpose
    for helper in helpers:
        helper.add_done_callback(functools.partial(_end_worker_on_failure, stage, ending))

    async def admit(message, event) -> None:
        """In arrival order, so that `_handle_in_order` keeps it: a record to handle (preparing it at once), a record
        not to handle (acknowledged in turn: commits never pass the next offset to handle, see worker.progress),
        or offsets without a record (passed over in turn)."""
        if not progress.admit(message):
            await prepared.put((message, event, None))
        elif isinstance(message, Absent):
            await prepared.put((message, event, []))
        else:
            size = record_size(message.key, message.value)
            await budget.take(size)
            job = Job(time.perf_counter(), prepare(message), contextvars.copy_context(), size)
            await prepared.put((message, event, job))

    try:
        async for event in manual.events():
            first = progress.skipped_before(event.message)
            if first is not None:  # a hole: rare, so no coroutine per event for it
                for skipped in await read_skipped(event.message, first):
                    await admit(skipped, None)
            await admit(event.message, event)
    finally:
        ending.append(True)
        for helper in helpers:
            helper.cancel()


class Job(NamedTuple):
    """An admitted record's work: when it arrived, what `prepare` returned for it, the context it arrived in,
    where Faust's `current_event()` is this record's (its tables' writes need it), and its bytes."""

    started: float
    prepared: Any
    context: contextvars.Context
    size: int


async def _handle_in_order(prepared: asyncio.Queue, handled: asyncio.Queue, handle, processing_seconds,
                           budget: ByteBudget) -> None:
    """Each admitted record's `handle`, in order; its deliveries then go to `_acknowledge_in_order`, as do the
    records not handled (None: acknowledged in turn; []: offsets without a record)."""
    while True:
        message, event, job = await prepared.get()
        if not isinstance(job, Job):
            await handled.put((message, event, job))
            continue
        try:
            deliveries = await asyncio.create_task(handle(message, job.prepared), context=job.context)
        except BaseException:
            progress.abandoned(message)
            raise
        finally:
            budget.give_back(job.size)
        processing_seconds.observe(time.perf_counter() - job.started)
        await handled.put((message, event, deliveries))


async def read_skipped(message, first: int) -> list:
    """The records of the message's partition that Faust skipped before it, from `first` on, read from the broker
    (worker.skipped_records): none if the partition is not ours (any more): its owner reads them."""
    tp = TopicPartition(message.topic, message.partition)
    if tp not in _assigned_sources():
        return []
    try:
        skipped = await read_range(settings.kafka, tp, first, message.offset)
    except KafkaError as error:
        log.warning("skipped_records_unread", partition=f"{tp.topic}[{tp.partition}]", error=str(error))
        return []
    if tp not in progress.dispatched:
        return []  # revoked while it was read
    log.warning("skipped_records_read", partition=f"{tp.topic}[{tp.partition}]", first=first, end=message.offset,
                read=sum(1 for record in skipped if not isinstance(record, Absent)))
    return skipped


def _end_worker_on_failure(stage: str, ending: list[bool], helper: asyncio.Task) -> None:
    """A failure in handling a record, a delivery that failed past the producer's retries, or a helper cancelled
    while its agent goes on (nothing would be handled or acknowledged any more) ends the worker, as an agent crash
    does."""
    if helper.cancelled() and ending:
        return
    error = asyncio.CancelledError() if helper.cancelled() else helper.exception()
    if error is not None:
        asyncio.ensure_future(exit_worker(f"{stage}{helper.get_coro().__name__}", error))


async def _acknowledge_in_order(manual, handled: asyncio.Queue) -> None:
    while True:
        message, event, deliveries = await handled.get()
        if deliveries is not None:
            try:
                for delivery in deliveries:
                    await delivery
            except BaseException:
                progress.abandoned(message)
                raise
            progress.handled(message)
        if event is not None:  # a record read back from the broker is no event of Faust's
            await manual.ack(event)


def _sources(tps) -> list[TopicPartition]:
    """The agents' source partitions among `tps` (Faust's TPs), as aiokafka TopicPartitions."""
    return [TopicPartition(tp.topic, tp.partition) for tp in tps if tp.topic in SOURCE_TOPICS]


def _assigned_sources() -> list[TopicPartition]:
    return _sources(app.consumer.assignment())


@app.on_partitions_assigned.connect
async def _track_assignment(app_, assigned, **kwargs) -> None:
    sources = _sources(assigned)
    try:
        committed = await committed_offsets(settings.kafka, settings.app_id, sources)
    except KafkaError as error:
        log.warning("assignment_offsets_unknown", error=str(error))
        committed = {}
    # Every worker commits only what it handled (worker.progress), so the committed offset is where we start.
    progress.start(committed)
    log.info("partitions_assigned", partitions=sorted(f"{tp.topic}[{tp.partition}]" for tp in sources))
    if not progress.first_rebalance_watched:
        progress.first_rebalance_watched = True
        app.add_future(watch_the_first_rebalance())


async def watch_the_first_rebalance() -> None:
    """Faust starts its timers (and its web server) only once the first table recovery is complete, so a worker whose
    first rebalance is left unfinished would hold its partitions and idle for good, unwatched. Until then this loop
    runs the timers' two checks of rebalances and recoveries."""
    while not app.tables.recovery.completed.is_set():
        await asyncio.sleep(STALL_CHECK_SECONDS)
        restart_a_stalled_recovery()
        if app.rebalancing:
            await end_a_stalled_rebalance()


@app.timer(interval=STALL_CHECK_SECONDS)
async def check_progress() -> None:
    if app.rebalancing:
        await end_a_stalled_rebalance()
        return
    progress.rebalancing_since = None
    assigned = _assigned_sources()
    try:
        committed = await committed_offsets(settings.kafka, settings.app_id, assigned)
    except KafkaError as error:
        _broker_unreachable(error)
        return
    if progress.broker_down_since is not None:
        log.info("broker_reachable", down_seconds=round(time.monotonic() - progress.broker_down_since, 1))
        progress.broker_down_since = None
    if any(tp not in progress.next_offset for tp in assigned):
        # The assignment's offsets could not be read when it came: nothing was committed since (worker.progress),
        # so the committed offsets are still where the partitions start.
        progress.start(committed)
    if committed != progress.committed:
        progress.committed, progress.committed_moved_at = committed, time.monotonic()
    progress.lag = {tp: max(0, (app.consumer.highwater(tp) or 0) - committed[tp]) for tp in assigned}
    if progress.in_flight:
        _note_events_in_flight()  # a long event is being handled: nothing is stalled, or nothing we can seek past
        return
    lagging = any(progress.lag.values())
    if lagging and progress.lag_unchanged_since == (progress.acked, True):
        if app.rebalancing or app.in_recovery:
            return  # one began while the committed offsets were read: its pauses and seeks are Faust's
        paused = _paused(assigned)
        log.warning("stalled_partitions_reseek", commit_running=app.consumer._commit_fut is not None,
                    partitions=[_stall_state(tp, committed[tp]) for tp in assigned if progress.lag[tp]],
                    resumed=sorted(f"{tp.topic}[{tp.partition}]" for tp in paused))
        if paused:
            app.consumer.resume_partitions(paused)
        await app.consumer.perform_seek()
    progress.lag_unchanged_since = (progress.acked, lagging)


def _note_events_in_flight() -> None:
    """Logged when events have been in flight for `health_stall_seconds` without one being handled (a very long
    item, or a delivery that never settles), then every REPEAT_LOG_SECONDS while it lasts."""
    now = time.monotonic()
    quiet_for = now - (progress.last_handled_at or progress.committed_moved_at)
    if quiet_for < settings.health_stall_seconds or now - progress.in_flight_logged_at < REPEAT_LOG_SECONDS:
        return
    progress.in_flight_logged_at = now
    log.warning("events_in_flight_unhandled", in_flight=progress.in_flight, seconds=round(quiet_for),
                lag=sum(progress.lag.values()))


def _paused(assigned: list[TopicPartition]) -> list[TP]:
    """The partitions Faust paused (it does so while it rebalances and recovers) and did not resume, as Faust's TPs;
    not those it holds back while a stream's buffer is full, which it resumes as the buffer drains."""
    paused = app.consumer._paused_partitions
    return [TP(tp.topic, tp.partition) for tp in assigned if TP(tp.topic, tp.partition) in paused]


async def end_a_stalled_rebalance() -> None:
    """Faust can leave a rebalance unfinished for good: its recovery returns early when the group's generation moved
    on meanwhile ("Recovery rebalancing again"), and when the rebalance of the new generation was itself skipped as
    stale, the stream partitions stay paused. Ours take a second or two, so one still going on
    `rebalance_stall_seconds` after the watchdog first saw it, or after its table recovery ended, is ended by asking
    the group for a new rebalance, which Faust then carries out whole."""
    now = time.monotonic()
    if progress.rebalancing_since is None or app.tables.recovery.in_recovery:
        progress.rebalancing_since = now  # a recovery that runs is restart_a_stalled_recovery's
        return
    lasting = now - max(progress.rebalancing_since, progress.rejoin_requested_at)
    if lasting < settings.rebalance_stall_seconds:
        return
    progress.rejoin_requested_at = now
    log.warning("rebalance_stalled", seconds=round(lasting), generation=app.consumer_generation_id,
                action="asking the group for a new rebalance")
    await request_rejoin()


async def request_rejoin() -> None:
    """aiokafka's request for a new rebalance of the group, made in the thread where Faust runs its consumer (and
    given up after REJOIN_REQUEST_SECONDS, lest a busy thread hold the watchdog's timer)."""
    thread = app.consumer._thread

    async def request() -> None:
        thread._ensure_consumer()._coordinator.request_rejoin()

    try:
        await asyncio.wait_for(thread.call_thread(request), REJOIN_REQUEST_SECONDS)
    except (asyncio.TimeoutError, ConsumerNotStarted) as error:
        log.warning("rejoin_not_requested", error=repr(error))


def _stall_state(tp: TopicPartition, committed: int) -> str:
    """What our agents and Faust's consumer know of a lagging partition, for the log: a stall that a seek does not
    end (seen once in CI after a broker's SIGKILL) can then be told apart from the next. Faust's side is private."""
    consumer = app.consumer  # its maps are keyed by Faust's TP, a named tuple equal to aiokafka's
    acked = consumer._acked.get(tp) or []
    return (f"{tp.topic}[{tp.partition}] committed={committed} lag={progress.lag.get(tp)} "
            f"handled={progress.next_offset.get(tp)} dispatched={progress.dispatched.get(tp)} "
            f"faust_committed={consumer._committed_offset.get(tp)} faust_read={consumer._read_offset.get(tp)} "
            f"faust_acked={len(acked)}{f' from {min(acked)}' if acked else ''}")


@app.timer(interval=STALL_CHECK_SECONDS)
async def check_recovery() -> None:
    restart_a_stalled_recovery()


def restart_a_stalled_recovery() -> None:
    """Faust's table recovery can wait forever for changelog records that never arrive ("No event received for
    active tp ... since recovery start"; seen once in 29 two-worker runs, the survivor then idled with lag for
    good). Our tables recover in about a second, so a recovery that runs RECOVERY_STALL_SECONDS is restarted
    the way Faust restarts it after a second rebalance: its offsets are read and sought again."""
    recovery = app.tables.recovery
    started_at = recovery._recovery_started_at  # Faust keeps it private; it is what its own stall warning reads
    if not recovery.in_recovery or started_at is None:
        return
    running_for = time.monotonic() - max(started_at, progress.recovery_restarted_at)
    if running_for >= RECOVERY_STALL_SECONDS:
        log.warning("table_recovery_stalled", seconds=round(running_for), action="restarting the recovery")
        progress.recovery_restarted_at = time.monotonic()
        recovery.signal_recovery_start.set()


def _broker_unreachable(error: KafkaError) -> None:
    """Logged when the broker stops answering, then every REPEAT_LOG_SECONDS while it stays away; Faust's
    and aiokafka's clients keep retrying on their own, and the worker carries on once it is back."""
    now = time.monotonic()
    if progress.broker_down_since is None:
        progress.broker_down_since = now
    elif now - progress.broker_down_logged_at < REPEAT_LOG_SECONDS:
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


def unhandled_records() -> dict[TopicPartition, int]:
    """Per assigned source partition, the records our agents have not handled in order yet: the consumer's
    highwater (from its last fetch: no broker round trip) minus the next offset to handle, which is what the worker
    commits next. Fresher than the committed lag /health shows, which is read every STALL_CHECK_SECONDS."""
    try:
        assigned = _assigned_sources()
    except ConsumerNotStarted:
        return {}
    unhandled = {}
    for tp in assigned:
        handled, highwater = progress.next_offset.get(tp), app.consumer.highwater(tp)
        if handled is not None and highwater is not None:
            unhandled[tp] = max(0, highwater - handled)
    return unhandled


@app.page("/health")
async def health_page(web, request):
    healthy, body = health()
    return web.json(body, status=200 if healthy else 503)
