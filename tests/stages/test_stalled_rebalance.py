"""A rebalance Faust leaves unfinished (its recovery returned early, the stream partitions paused) is ended by the
watchdog asking the group for a new one; the items then flow and the tally equals the oracle. The first rebalance of
a worker is watched too, before Faust starts its timers."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import wait_for_line
from worker.bench.oracle import assert_one_outcome_per_item, differences, oracle, tally_of
from worker.feed import ArchivedDocument
from worker.synth import synth_archive

ITEMS = 200
STALL_SECONDS = 6


@pytest.mark.parametrize("stalled", ["first", "second"])
def test_a_stalled_rebalance_is_ended_by_a_new_one(pipeline, stalled):
    documents = [ArchivedDocument(i["doc_id"], i["text"]) for i in synth_archive(ITEMS, seed=37)]
    pipeline.env_overrides["PROTEST_TALLY_REBALANCE_STALL_SECONDS"] = str(STALL_SECONDS)
    pipeline.env_overrides["TEST_STALLED_RECOVERY"] = {"first": "1", "second": "2"}[stalled]
    started = time.monotonic()
    worker = pipeline.start_worker(module="tests.stages.stalled_rebalance_worker")
    wait_for_line(worker, "test_worker_left_rebalance_unfinished", timeout=60)
    pipeline.replay(documents)  # once the partitions are paused: only a new rebalance lets these items through
    pipeline.wait(ITEMS, timeout=90)
    log = worker.log_path.read_text()
    assert log.count('"event": "rebalance_stalled"') == 1
    rows, expected = tally_of(pipeline), oracle(documents)
    assert rows == expected, differences(rows, expected)
    assert_one_outcome_per_item(pipeline, repeats_allowed=False)
    print(json.dumps({"stalled": stalled, "items": ITEMS, "stall_seconds": STALL_SECONDS, "seconds": round(time.monotonic() - started, 1)}))
