"""The commit guard: offsets on source topics are committed no further than the agents handled in order."""

from __future__ import annotations

from types import SimpleNamespace

from aiokafka import TopicPartition

from worker.progress import SOURCE_TOPICS, Progress

RAW = sorted(SOURCE_TOPICS)[0]
TP = TopicPartition(RAW, 0)


def message(offset: int, topic: str = RAW):
    return SimpleNamespace(topic=topic, partition=0, offset=offset)


def handle(progress: Progress, offset: int) -> None:
    progress.began(message(offset))
    progress.handled(message(offset))


def test_nothing_is_committed_before_the_assignment_says_where_a_partition_starts():
    progress = Progress()
    handle(progress, 5)
    assert progress.committable(TP, 6) is None


def test_records_handled_in_order_can_be_committed():
    progress = Progress(next_offset={TP: 3})
    for offset in (3, 4, 5):
        handle(progress, offset)
    assert progress.committable(TP, 6) == 6
    assert progress.committable(TP, 4) == 4, "never beyond what Faust proposes either"


def test_a_skipped_record_holds_the_commit_back_and_is_reported_as_a_gap():
    progress = Progress(next_offset={TP: 3})
    handle(progress, 3)
    handle(progress, 5)  # 4 never reached the agent
    handle(progress, 6)
    assert progress.committable(TP, 7) == 4
    assert progress.gaps == {TP}


def test_a_record_whose_handling_failed_is_not_counted_as_handled():
    progress = Progress(next_offset={TP: 3})
    progress.began(message(3))
    assert progress.in_flight == 1
    progress.abandoned(message(3))  # e.g. its delivery failed: the producer is gone
    assert progress.committable(TP, 4) == 3
    assert progress.in_flight == 0


def test_topics_the_agents_do_not_consume_are_not_capped():
    progress = Progress()
    assert progress.committable(TopicPartition("protest.tally", 0), 10) == 10


def test_records_handled_while_the_assignment_was_read_count_when_they_follow_the_committed_offset():
    progress = Progress()
    for offset in (7, 8, 9):
        handle(progress, offset)
    progress.start({TP: 7})
    assert progress.next_offset[TP] == 10 and not progress.gaps
    handle(progress, 10)
    assert progress.committable(TP, 11) == 11


def test_records_handled_early_past_a_hole_mark_a_gap():
    progress = Progress()
    handle(progress, 9)
    progress.start({TP: 7})
    assert (progress.next_offset[TP], progress.gaps) == (7, {TP})

    broken = Progress()
    for offset in (7, 9):
        handle(broken, offset)
    broken.start({TP: 7})
    assert (broken.next_offset[TP], broken.gaps) == (7, {TP})


def test_a_partition_kept_through_a_rebalance_continues_from_what_we_handled():
    progress = Progress(next_offset={TP: 12})
    progress.start({TP: 10})
    assert progress.next_offset[TP] == 12


def test_a_partition_another_worker_took_further_continues_from_its_commit():
    progress = Progress(next_offset={TP: 12, TopicPartition(RAW, 1): 3})
    progress.start({TP: 20})
    assert progress.next_offset == {TP: 20}, "partitions no longer assigned are forgotten"


def test_records_past_a_gap_are_left_for_the_re_read_and_do_not_move_the_commit():
    progress = Progress(next_offset={TP: 3})
    handle(progress, 3)
    handle(progress, 6)  # 4 and 5 were skipped: a gap
    assert progress.needs_no_handling(message(7)) and progress.needs_no_handling(message(6))
    assert not progress.needs_no_handling(message(4)), "the record at the gap is handled"
    assert progress.committable(TP, 8) == 4
    assert not Progress(next_offset={TP: 3}).needs_no_handling(message(9)), "no gap, nothing to leave"


def test_records_handled_already_are_not_handled_again():
    progress = Progress(next_offset={TP: 10})
    assert progress.needs_no_handling(message(9))
    assert not progress.needs_no_handling(message(10))
    assert not Progress().needs_no_handling(message(9)), "before the start is known, everything is handled"
