"""The watchdog's account of a stalled partition: what our agents and Faust's consumer each know of it."""

from collections import defaultdict

import faust
from aiokafka import TopicPartition

from worker.progress import progress
from worker.stages.watchdog import _stall_state, app

TP = TopicPartition("t.feed.raw", 2)


def test_a_stalled_partition_is_logged_with_both_sides_of_its_offsets(monkeypatch):
    monkeypatch.setattr(progress, "lag", {TP: 16})
    monkeypatch.setattr(progress, "next_offset", {TP: 200})
    monkeypatch.setattr(progress, "dispatched", {TP: 200})
    consumer = app.consumer
    faust_tp = faust.types.TP(TP.topic, TP.partition)
    monkeypatch.setattr(consumer, "_acked", defaultdict(list, {faust_tp: [190, 191]}))
    monkeypatch.setattr(consumer, "_committed_offset", defaultdict(lambda: None, {faust_tp: 200}))
    monkeypatch.setattr(consumer, "_read_offset", defaultdict(lambda: None, {faust_tp: 199}))
    assert _stall_state(TP, 184) == ("t.feed.raw[2] committed=184 lag=16 handled=200 dispatched=200 faust_committed=200 "
                                     "faust_read=199 faust_acked=2 from 190")
