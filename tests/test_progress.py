"""The commit guard: on source topics, the offset committed is the one after what the agents handled in order."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace

import faust
from aiokafka import TopicPartition
from faust.transport.consumer import Consumer

import worker.progress as progress_module
from worker.progress import SOURCE_TOPICS, HandledOffsetsConsumer, Progress
from worker.skipped_records import Absent

RAW = sorted(SOURCE_TOPICS)[0]
TP = TopicPartition(RAW, 0)


def message(offset: int, topic: str = RAW):
    return SimpleNamespace(topic=topic, partition=0, offset=offset)


def handle(progress: Progress, offset: int) -> bool:
    """Hand the record to the agent as process_each does: whether it was handled."""
    if not progress.admit(message(offset)):
        return False
    progress.handled(message(offset))
    return True


def started_at(offset: int) -> Progress:
    """A worker whose assignment said the partition starts at `offset`."""
    progress = Progress()
    progress.start({TP: offset})
    return progress


def test_nothing_is_committed_before_the_assignment_says_where_a_partition_starts():
    progress = Progress()
    handle(progress, 5)
    assert progress.commit_offset(TP) is None


def test_records_handled_in_order_can_be_committed():
    progress = started_at(3)
    for offset in (3, 4, 5):
        handle(progress, offset)
    assert progress.commit_offset(TP) == 6


def test_a_skipped_record_holds_the_commit_back_and_the_next_one_reveals_where_the_hole_starts():
    progress = started_at(3)
    handle(progress, 3)
    assert progress.skipped_before(message(6)) == 4, "4 and 5 never reached the agent"
    assert not handle(progress, 6), "6 waits for them"
    assert progress.commit_offset(TP) == 4
    assert progress.skipped_before(message(4)) is None


def test_a_record_whose_handling_failed_is_not_counted_as_handled():
    progress = started_at(3)
    assert progress.admit(message(3))
    assert progress.in_flight == 1
    progress.abandoned(message(3))  # e.g. its delivery failed: the producer is gone
    assert progress.commit_offset(TP) == 3
    assert progress.in_flight == 0


def test_records_handled_while_the_assignment_was_read_count_when_they_follow_the_committed_offset():
    progress = Progress()
    for offset in (7, 8, 9):
        handle(progress, offset)
    progress.start({TP: 7})
    assert progress.next_offset[TP] == 10
    assert handle(progress, 10)
    assert progress.commit_offset(TP) == 11


def test_records_handled_early_past_a_hole_do_not_count():
    progress = Progress()
    handle(progress, 9)
    progress.start({TP: 7})
    assert progress.next_offset[TP] == 7 and progress.skipped_before(message(10)) == 7

    broken = Progress()
    for offset in (7, 9):
        handle(broken, offset)
    broken.start({TP: 7})
    assert broken.next_offset[TP] == 7


def test_a_partition_kept_through_a_rebalance_continues_from_what_we_handled():
    progress = started_at(12)
    progress.start({TP: 10})
    assert progress.next_offset[TP] == 12


def test_a_partition_another_worker_took_further_continues_from_its_commit():
    progress = Progress(next_offset={TP: 12, TopicPartition(RAW, 1): 3})
    progress.start({TP: 20})
    assert progress.next_offset == {TP: 20}, "partitions no longer assigned are forgotten"


def test_records_read_back_are_handled_in_order_then_the_one_that_revealed_the_hole():
    progress = started_at(3)
    handle(progress, 3)
    first = progress.skipped_before(message(6))
    assert [handle(progress, offset) for offset in range(first, 6)] == [True, True]
    assert handle(progress, 6) and not handle(progress, 5), "the redelivery of a record read back is not handled again"
    assert progress.commit_offset(TP) == 7


def test_records_handled_or_in_flight_already_are_not_handled_again():
    progress = started_at(10)
    assert not progress.admit(message(9))
    assert progress.admit(message(10))
    assert not progress.admit(message(10)), "a redelivery of the record in flight"
    assert Progress().admit(message(9)), "before the start is known, everything is handled"


def test_records_that_follow_one_in_flight_are_handled_before_it_is_confirmed():
    # Records arrive in batches: each must reach the agent while the deliveries of the ones before it are still being
    # confirmed (deciding on confirmed records only dropped every record but one per batch, and a partition crawled).
    progress = started_at(4)
    assert [progress.admit(message(offset)) for offset in (4, 5, 6, 7)] == [True, True, True, True]
    assert progress.in_flight == 4 and progress.commit_offset(TP) == 4
    for offset in (4, 5, 6, 7):
        progress.handled(message(offset))
    assert progress.commit_offset(TP) == 8 and progress.in_flight == 0


def test_offsets_without_a_record_are_passed_over_in_order():
    progress = started_at(3)
    assert progress.skipped_before(message(5)) == 3
    for item in (Absent(RAW, 0, 3, 5), message(5)):  # 3 and 4 were deleted (retention) before the worker got there
        assert progress.admit(item)
        progress.handled(item)
    assert progress.commit_offset(TP) == 6


def test_records_in_flight_on_a_partition_kept_through_a_rebalance_are_not_handed_over_again():
    progress = started_at(3)
    assert progress.admit(message(3)) and progress.admit(message(4))
    progress.start({TP: 3})  # a rebalance while 3 and 4 are in flight
    assert not progress.admit(message(3)), "a redelivery of a record still in flight"
    assert progress.admit(message(5))


def test_records_in_flight_while_the_assignment_was_read_are_not_handed_over_again():
    progress = Progress()
    assert progress.admit(message(0))  # its deliveries are still being confirmed when the start becomes known
    progress.start({TP: 0})
    assert progress.skipped_before(message(1)) is None, "record 0 is in flight, not a hole"
    assert progress.admit(message(1)) and not progress.admit(message(0))
    for offset in (0, 1):
        progress.handled(message(offset))
    assert progress.commit_offset(TP) == 2


def faust_consumer(committed: dict, acked: dict) -> HandledOffsetsConsumer:
    """The worker's consumer with only the maps Faust's commit proposals read (keyed by Faust's TP), as Faust keeps
    them: the acknowledged offsets in a list and a set, the offsets it counts as committed."""
    consumer = HandledOffsetsConsumer.__new__(HandledOffsetsConsumer)
    consumer._committed_offset = defaultdict(lambda: None, committed)
    consumer._acked = defaultdict(list, {tp: sorted(offsets) for tp, offsets in acked.items()})
    consumer._acked_index = defaultdict(set, {tp: set(offsets) for tp, offsets in acked.items()})
    consumer._gap = defaultdict(list)  # no offset Faust never saw
    consumer.assignment = lambda: set(committed)
    return consumer


def test_a_source_partition_commits_what_the_agents_handled_though_faust_counts_offsets_twice(monkeypatch):
    # As logged after a broker restart: committed 86, offsets 78 to 200 acknowledged and 86 to 135 counted twice,
    # the agents done up to 201. Faust's proposals took one offset per commit.
    raw = faust.types.TP(RAW, 0)
    monkeypatch.setattr(progress_module, "progress", started_at(78))
    for offset in range(78, 201):
        handle(progress_module.progress, offset)
    consumer = faust_consumer({raw: 86}, {raw: [*range(78, 201), *range(86, 136)]})
    assert consumer._filter_committable_offsets(iter([raw])) == {raw: 201}
    assert Consumer._filter_committable_offsets(faust_consumer({raw: 86}, {raw: [*range(78, 201), *range(86, 136)]}),
                                                [raw]) == {raw: 87}, "Faust's own proposal, one offset further"


def test_a_source_partition_whose_start_is_unknown_commits_nothing_and_other_topics_commit_what_faust_proposes(
        monkeypatch):
    raw, tally = faust.types.TP(RAW, 0), faust.types.TP("protest.tally-contributions", 0)
    monkeypatch.setattr(progress_module, "progress", Progress())
    handle(progress_module.progress, 5)
    consumer = faust_consumer({raw: 5, tally: 3}, {raw: [5], tally: [3, 4, 5]})
    assert consumer._filter_committable_offsets([raw, tally]) == {tally: 6}


def test_nothing_is_committed_again_where_faust_counts_it_committed(monkeypatch):
    raw = faust.types.TP(RAW, 0)
    monkeypatch.setattr(progress_module, "progress", started_at(5))
    handle(progress_module.progress, 5)
    assert faust_consumer({raw: 6}, {raw: [5]})._filter_committable_offsets([raw]) == {}


def test_a_commit_faust_counts_as_made_is_made_again_while_the_broker_has_an_earlier_one(monkeypatch):
    # Faust updates its committed offsets even when the commit failed (the broker was away): an idle partition
    # would keep its lag on the broker.
    raw = faust.types.TP(RAW, 0)
    monkeypatch.setattr(progress_module, "progress", started_at(5))
    handle(progress_module.progress, 5)
    progress_module.progress.committed = {TP: 5}
    assert faust_consumer({raw: 6}, {raw: []})._filter_committable_offsets([]) == {raw: 6}


def test_an_assigned_source_partition_commits_though_faust_acknowledged_nothing_of_it_since_the_rebalance(
        monkeypatch):
    raw = faust.types.TP(RAW, 0)
    monkeypatch.setattr(progress_module, "progress", started_at(5))
    handle(progress_module.progress, 5)
    assert faust_consumer({raw: 5}, {})._filter_committable_offsets([]) == {raw: 6}
