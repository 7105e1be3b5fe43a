"""The broker stops mid-stream (SIGTERM, then SIGKILL) and starts again on the same data directory: the worker
waits, says so in its log, carries on in the same process, and the tally equals the oracle."""

from __future__ import annotations

import json
import signal
import time

import pytest

from tests.conftest import Pipeline
from worker.bench.oracle import assert_one_outcome_per_item, differences, oracle, tally_of
from worker.broker import EmbeddedKafka
from worker.feed import ArchivedDocument
from worker.synth import synth_archive

ITEMS = 800
DOWN_SECONDS = 8


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_worker_rides_out_a_broker_restart(stop_signal, tmp_path):
    documents = [ArchivedDocument(i["doc_id"], i["text"]) for i in synth_archive(ITEMS, seed=31)]
    before, after = documents[: ITEMS // 2], documents[ITEMS // 2 :]
    with EmbeddedKafka(tmp_path / "kafka") as broker:
        pipeline = Pipeline.create(broker.connection, tmp_path)
        try:
            worker = pipeline.start_worker()
            pipeline.replay(before)
            pipeline.wait_for_reports(50)
            stopped = time.monotonic()
            broker.stop(stop_signal)
            time.sleep(DOWN_SECONDS)
            assert worker.process.poll() is None, "the worker exited while the broker was down"
            broker.start()
            restarted = time.monotonic()
            pipeline.replay(after)
            pipeline.wait(ITEMS, timeout=300)
            assert worker.process.poll() is None, "the worker exited"
            assert len(pipeline.workers) == 1
            rows, expected = tally_of(pipeline), oracle(documents)
            assert rows == expected, differences(rows, expected)
            repeats = assert_one_outcome_per_item(pipeline, repeats_allowed=True)
            log_text = worker.log_path.read_text()
            assert '"event": "broker_unreachable"' in log_text
            assert '"event": "broker_reachable"' in log_text
            print(json.dumps({"signal": stop_signal.name, "items": ITEMS, "broker_down_s": round(restarted - stopped, 1),
                              "done_after_restart_s": round(time.monotonic() - restarted, 1), "repeated_outcomes": repeats}))
        finally:
            pipeline.stop()
