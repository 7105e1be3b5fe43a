"""Two workers in one group share the partitions; one is SIGKILLed mid-stream, the other takes over."""

from __future__ import annotations

import re
import signal
import threading
import time

from worker.bench.oracle import assert_one_outcome_per_item, differences, oracle, reports_so_far, tally_of
from worker.feed import ArchivedDocument
from worker.synth import synth_archive

ITEMS = 1500


def assigned_partitions(log_text: str) -> set[str]:
    """The partitions a worker logged as assigned last."""
    lines = re.findall(r'\{"partitions": \[(.*?)\], "event": "partitions_assigned"', log_text)
    return set(re.findall(r'"([^"]+)"', lines[-1])) if lines else set()


def test_second_worker_takes_over_and_the_tally_equals_the_oracle(pipeline):
    documents = [ArchivedDocument(i["doc_id"], i["text"]) for i in synth_archive(ITEMS, seed=23)]
    first, second = pipeline.start_worker(), pipeline.start_worker()
    replay = threading.Thread(target=pipeline.replay, args=(documents,), kwargs={"rate": 80})
    replay.start()
    deadline = time.monotonic() + 60
    while not (assigned_partitions(first.log_path.read_text()) and assigned_partitions(second.log_path.read_text())
               and reports_so_far(pipeline) > 100):
        assert time.monotonic() < deadline, "both workers never got partitions"
        time.sleep(0.5)
    split = (assigned_partitions(first.log_path.read_text()), assigned_partitions(second.log_path.read_text()))
    raw = [{p for p in side if ".feed.raw[" in p} for side in split]
    assert raw[0] and raw[1] and not raw[0] & raw[1], f"feed.raw split between the workers: {raw}"
    first.stop(signal.SIGKILL)
    replay.join()
    pipeline.wait(ITEMS, timeout=300)
    taken_over = {p for p in assigned_partitions(second.log_path.read_text()) if ".feed.raw[" in p}
    assert taken_over == raw[0] | raw[1], "the survivor owns every partition"
    rows, expected = tally_of(pipeline), oracle(documents)
    assert rows == expected, differences(rows, expected)
    assert_one_outcome_per_item(pipeline, repeats_allowed=True)
