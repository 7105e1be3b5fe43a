"""The watchdog's account of a stalled partition: what our agents and Faust's consumer each know of it."""

import time
from collections import defaultdict
from types import SimpleNamespace

import faust
from aiokafka import TopicPartition

from worker.progress import progress
from worker.stages import watchdog
from worker.stages.watchdog import _stall_state, app

KNOWN, UNKNOWN = TopicPartition("t.feed.raw", 2), TopicPartition("t.feed.raw", 3)


def faust_consumer() -> SimpleNamespace:
    """The maps of Faust's consumer that the account reads (keyed by Faust's TP), as they are at start: defaultdicts."""
    known = faust.types.TP(KNOWN.topic, KNOWN.partition)
    return SimpleNamespace(_acked=defaultdict(list, {known: [190, 191]}),
                           _committed_offset=defaultdict(lambda: None, {known: 186}),
                           _read_offset=defaultdict(lambda: None, {known: 199}))


def test_a_stalled_partition_is_logged_with_both_sides_of_its_offsets(monkeypatch):
    consumer = faust_consumer()
    monkeypatch.setattr(app, "_consumer", consumer)
    monkeypatch.setattr(progress, "lag", {KNOWN: 16, UNKNOWN: 4})
    monkeypatch.setattr(progress, "next_offset", {KNOWN: 200})
    monkeypatch.setattr(progress, "dispatched", {KNOWN: 201})
    assert _stall_state(KNOWN, 184) == ("t.feed.raw[2] committed=184 lag=16 handled=200 dispatched=201 "
                                        "faust_committed=186 faust_read=199 faust_acked=2 from 190")
    assert _stall_state(UNKNOWN, 7) == ("t.feed.raw[3] committed=7 lag=4 handled=None dispatched=None "
                                        "faust_committed=None faust_read=None faust_acked=0")
    untouched = faust_consumer()
    assert (consumer._acked, consumer._committed_offset, consumer._read_offset) == (
        untouched._acked, untouched._committed_offset, untouched._read_offset), "reading them adds no partition"


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict]] = []

    def warning(self, event: str, **fields) -> None:
        self.events.append((event, fields))


def test_events_in_flight_with_none_handled_are_logged_once_per_period(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(watchdog, "log", recorder)
    monkeypatch.setattr(progress, "in_flight", 3)
    monkeypatch.setattr(progress, "lag", {KNOWN: 16})
    monkeypatch.setattr(progress, "in_flight_logged_at", 0.0)
    now = time.monotonic()
    monkeypatch.setattr(progress, "last_handled_at", now - watchdog.settings.health_stall_seconds + 5)
    watchdog._note_events_in_flight()
    assert recorder.events == [], "handled recently: a long item is no stall yet"
    monkeypatch.setattr(progress, "last_handled_at", now - watchdog.settings.health_stall_seconds - 5)
    watchdog._note_events_in_flight()
    watchdog._note_events_in_flight()
    assert [event for event, _ in recorder.events] == ["events_in_flight_unhandled"], "once per period"
    fields = recorder.events[0][1]
    assert (fields["in_flight"], fields["lag"]) == (3, 16)
    assert fields["seconds"] >= watchdog.settings.health_stall_seconds
