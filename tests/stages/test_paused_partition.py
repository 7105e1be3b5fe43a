"""A source partition left paused while nothing is in flight and its lag does not move is resumed by the watchdog
(with the seek to the committed offsets it makes anyway); the items then flow and the tally equals the oracle."""

from __future__ import annotations

import json
import time

from tests.conftest import wait_for_line
from worker.bench.oracle import assert_one_outcome_per_item, differences, oracle, tally_of
from worker.feed import ArchivedDocument
from worker.synth import synth_archive

ITEMS = 200


def test_a_partition_left_paused_is_resumed(pipeline):
    documents = [ArchivedDocument(i["doc_id"], i["text"]) for i in synth_archive(ITEMS, seed=41)]
    started = time.monotonic()
    worker = pipeline.start_worker(module="tests.stages.paused_partition_worker")
    raw = f"{pipeline.settings.topics.raw}[0]"
    wait_for_line(worker, "test_worker_paused", timeout=60)
    pipeline.replay(documents)
    pipeline.wait(ITEMS, timeout=90)
    log = worker.log_path.read_text()
    assert f'"resumed": ["{raw}"]' in log, "the paused partition was not resumed by the watchdog"
    rows, expected = tally_of(pipeline), oracle(documents)
    assert rows == expected, differences(rows, expected)
    assert_one_outcome_per_item(pipeline, repeats_allowed=False)
    print(json.dumps({"items": ITEMS, "seconds": round(time.monotonic() - started, 1)}))
