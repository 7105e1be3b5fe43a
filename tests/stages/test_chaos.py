"""Chaos: a synthetic archive replayed while the worker is SIGKILLed at random moments and restarted.

The tally must equal an oracle that recomputes it from the same items with the pure functions, and every
item must end as a report or a dead letter (promise 1 and 2 of the README's reliability section)."""

from __future__ import annotations

import json
import random
import signal
import threading
import time

from worker.bench.oracle import assert_one_outcome_per_item, differences, oracle, reports_so_far, tally_of
from worker.feed import ArchivedDocument
from worker.synth import synth_archive

ITEMS = 2000
KILLS = 3


def wait_for_a_new_report(pipeline, reports_before: int) -> None:
    deadline = time.monotonic() + 60
    while reports_so_far(pipeline) == reports_before:
        assert time.monotonic() < deadline, "the (re)started worker never reported"
        time.sleep(0.2)


def test_tally_survives_sigkills_and_equals_the_oracle(pipeline):
    documents = [ArchivedDocument(i["doc_id"], i["text"]) for i in synth_archive(ITEMS, seed=11)]
    seed = random.randrange(1_000_000)  # printed below and in a failure, to replay the same kill moments
    rng = random.Random(seed)
    # 50 s of feed: the three kills (each 0.5-3 s after the worker reported, plus its restart) fall inside it.
    replay = threading.Thread(target=pipeline.replay, args=(documents,), kwargs={"rate": 40})
    started = time.monotonic()
    replay.start()
    worker, kill_times, restart_seconds = pipeline.start_worker(), [], []
    wait_for_a_new_report(pipeline, reports_before=0)
    for _ in range(KILLS):
        time.sleep(rng.uniform(0.5, 3.0))  # a random moment while this worker is processing
        assert replay.is_alive(), "items must still be arriving when the worker is killed"
        worker.stop(signal.SIGKILL)
        kill_times.append(round(time.monotonic() - started, 1))
        reports_before = reports_so_far(pipeline)
        restarted = time.monotonic()
        worker = pipeline.start_worker()
        wait_for_a_new_report(pipeline, reports_before)
        restart_seconds.append(round(time.monotonic() - restarted, 1))
    replay.join()
    pipeline.wait(ITEMS, timeout=300)
    rows = tally_of(pipeline)
    expected = oracle(documents)
    assert rows == expected, (f"kill seed {seed}", differences(rows, expected))
    repeats = assert_one_outcome_per_item(pipeline, repeats_allowed=True)
    print(json.dumps({"items": ITEMS, "kill_seed": seed, "kills_at_s": kill_times, "restart_to_first_report_s": restart_seconds,
                      "rows": len(rows), "repeated_outcomes": repeats, "seconds": round(time.monotonic() - started, 1)}))
