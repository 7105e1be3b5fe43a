"""What our agents have really handled, and a consumer that never commits past it.

Faust acknowledges some records without handing them to an agent: a record that reaches a stream while flow
control is suspended, or that carries an older generation id (both happen around start-up and rebalances), and
it then commits their offsets. A worker killed before anything re-reads them would lose them for good. So the
offset a worker commits on an agents' source partition is the next offset our agents handled in order
(`Progress.next_offset`): a skipped record holds the commit of its partition back until it is handled, and a
partition whose position is not known yet (before `on_partitions_assigned` reached us) commits nothing.
Records arriving past a hole reveal it, and the hole is read back from the broker (worker.skipped_records) and
handled first (worker.stages.watchdog.process_each).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from aiokafka import TopicPartition
from faust.transport.drivers.aiokafka import Consumer

from worker.settings import worker_settings
from worker.skipped_records import Absent

_topics = worker_settings().topics
#: The topics our agents consume; the tally changelog is only read for recovery and is not guarded.
SOURCE_TOPICS = frozenset({_topics.raw, _topics.evidence})


@dataclass
class Progress:
    """What the agents have handled: events acknowledged, events in flight, the next offset per partition."""

    acked: int = 0
    in_flight: int = 0
    #: Per source partition: the offset after the last record handled in order, from the committed offset on.
    next_offset: dict[TopicPartition, int] = field(default_factory=dict)
    #: Per source partition: the offset after the last record handed to an agent in order; ahead of `next_offset`
    #: by the events in flight, whose deliveries are still being confirmed.
    dispatched: dict[TopicPartition, int] = field(default_factory=dict)
    #: Per partition whose start is not known yet (its assignment is being read): the run of offsets handled
    #: meanwhile, as (first, next, broken).
    early: dict[TopicPartition, tuple[int, int, bool]] = field(default_factory=dict)
    #: The same for the offsets handed to an agent meanwhile (some may still be in flight when the start is known).
    early_dispatched: dict[TopicPartition, tuple[int, int, bool]] = field(default_factory=dict)
    lag_unchanged_since: tuple[int, bool] = (-1, False)
    #: For /health: per-partition lag, when the committed offsets last moved, when an event was last handled.
    lag: dict[TopicPartition, int] = field(default_factory=dict)
    committed: dict[TopicPartition, int] = field(default_factory=dict)
    committed_moved_at: float = field(default_factory=time.monotonic)
    last_handled_at: float | None = None
    broker_down_since: float | None = None
    broker_down_logged_at: float = 0.0
    recovery_restarted_at: float = 0.0
    #: Since when the watchdog has seen the app rebalancing (None: it was not at the last check), and when it last
    #: asked the group for a new rebalance.
    rebalancing_since: float | None = None
    rejoin_requested_at: float = 0.0
    #: Whether the watch of the rebalances before the first completed recovery has begun (the watchdog's timers only
    #: run after it).
    first_rebalance_watched: bool = False
    in_flight_logged_at: float = 0.0

    def skipped_before(self, message) -> int | None:
        """Where the records Faust skipped before this one start (the next record to hand to an agent), when this
        one lies past it; else None."""
        expected = self.dispatched.get(TopicPartition(message.topic, message.partition))
        return expected if expected is not None and message.offset > expected else None

    def admit(self, message) -> bool:
        """Whether an agent should handle this record: the next one of its partition (or any, before the partition's
        start is known). One before it was handled or is in flight already (a redelivery after a seek or a
        rebalance); one past it must wait for the records before it (`skipped_before`). Decided as the record
        arrives, not when its deliveries are confirmed: the records that follow it often arrive meanwhile."""
        tp = TopicPartition(message.topic, message.partition)
        expected = self.dispatched.get(tp)
        if expected is not None and message.offset != expected:
            return False
        if expected is None:
            extend_run(self.early_dispatched, tp, message.offset)
        else:
            self.dispatched[tp] = following(message)
        self.in_flight += 1
        return True

    def abandoned(self, message) -> None:
        """Its handling failed: it is not handled, and holds its partition's commits back."""
        self.in_flight -= 1

    def handled(self, message) -> None:
        """Its effects are delivered, and every earlier event of the agent's was handled before it."""
        tp = TopicPartition(message.topic, message.partition)
        self.in_flight -= 1
        self.acked += 1
        self.last_handled_at = time.monotonic()
        expected = self.next_offset.get(tp)
        if expected is None:
            extend_run(self.early, tp, message.offset)
        elif message.offset == expected:
            self.next_offset[tp] = following(message)

    def start(self, assigned: dict[TopicPartition, int]) -> None:
        """Take a new assignment, given each partition's committed offset. A partition continues from there, or
        from further on where our agents already handled the records that follow it without a hole (before this
        assignment, or while it was being read). Records in flight (on a partition kept, or handed over while the
        assignment was read) stay in flight: they are not handed over again."""
        handled_before, dispatched_before = self.next_offset, self.dispatched
        self.next_offset, self.dispatched = {}, {}
        for tp, committed in assigned.items():
            start = max(committed, handled_before.get(tp, committed))
            self.next_offset[tp] = run_from(start, self.early.pop(tp, None))
            self.dispatched[tp] = max(run_from(self.next_offset[tp], self.early_dispatched.pop(tp, None)),
                                      dispatched_before.get(tp, start))
        self.early.clear()
        self.early_dispatched.clear()

    def broker_behind(self, tp, offset: int) -> bool:
        """Whether the broker's committed offset, as the watchdog last read it, is short of `offset`. Faust counts a
        commit that failed (the broker away, the group rebalanced) as made, and would not make it again; asking
        again until the watchdog reads it back costs a few commits of an idle partition."""
        committed = self.committed.get(TopicPartition(tp.topic, tp.partition))
        return committed is not None and committed < offset

    def commit_offset(self, tp) -> int | None:
        """Where the commit of a source partition may go: the offset after the records our agents handled in order
        (None while its start is not known)."""
        return self.next_offset.get(TopicPartition(tp.topic, tp.partition))


def extend_run(runs: dict[TopicPartition, tuple[int, int, bool]], tp: TopicPartition, offset: int) -> None:
    """Add an offset to its partition's run (first, next, broken): one past a hole breaks the run."""
    run = runs.get(tp)
    if run is None:
        runs[tp] = (offset, offset + 1, False)
    elif offset == run[1]:
        runs[tp] = (run[0], offset + 1, run[2])
    elif offset > run[1]:
        runs[tp] = (run[0], run[1], True)


def run_from(start: int, run: tuple[int, int, bool] | None) -> int:
    """Where a partition continues from `start`, given a run of offsets already done: past the run when it covers
    `start` without a hole, else `start`."""
    if run is None:
        return start
    first, run_end, broken = run
    return run_end if first <= start < run_end and not broken else start


def following(message) -> int:
    """The offset after a record, or after a run of offsets without a record."""
    return message.end if isinstance(message, Absent) else message.offset + 1


progress = Progress()


class HandledOffsetsConsumer(Consumer):
    """Faust's aiokafka consumer, committing on the agents' source topics the offset after what they handled in order
    (`Progress.commit_offset`), and on other topics what Faust proposes."""

    def _filter_committable_offsets(self, tps):
        """Faust proposes the end of the first run of offsets it counts as acknowledged. After seeks (the watchdog's,
        a rebalance's) it can count an offset twice, and its run then ends at each repeat: the commit moved one
        offset per commit (100 offsets of lag took 50 s after a broker restart), or not at all. So its proposals
        are not used on source topics; they are still asked for, as that is how Faust forgets offsets it counted.
        Every assigned source partition is looked at, not only those Faust has acknowledged records of since the
        last rebalance."""
        tps = list(tps)
        proposed = super()._filter_committable_offsets(tps)
        offsets = {tp: offset for tp, offset in proposed.items() if tp.topic not in SOURCE_TOPICS}
        for tp in {tp for tp in (*tps, *self.assignment()) if tp.topic in SOURCE_TOPICS}:
            handled = progress.commit_offset(tp)
            if handled is not None and (self._should_commit(tp, handled) or progress.broker_behind(tp, handled)):
                offsets[tp] = handled
        return offsets
