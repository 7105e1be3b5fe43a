"""A worker told to stop while its broker is gone ends within PROTEST_TALLY_STOP_SECONDS, saying why, instead of
waiting for ever for deliveries and commits no broker takes (and spinning on reconnecting meanwhile)."""

from __future__ import annotations

import signal
import time

from tests.conftest import Pipeline
from worker.broker import EmbeddedKafka
from worker.feed import ArchivedDocument
from worker.stages.supervision import EXIT_STOP_TIMED_OUT
from worker.synth import synth_archive

STOP_SECONDS = 3


def test_a_stop_without_a_broker_ends_after_the_stop_timeout(tmp_path):
    documents = [ArchivedDocument(i["doc_id"], i["text"]) for i in synth_archive(3000, seed=41)]
    with EmbeddedKafka(tmp_path / "kafka") as broker:
        pipeline = Pipeline.create(broker.connection, tmp_path)
        pipeline.env_overrides["PROTEST_TALLY_STOP_SECONDS"] = str(STOP_SECONDS)
        try:
            worker = pipeline.start_worker()
            pipeline.replay(documents)
            pipeline.wait_for_reports(100)
            broker.stop(signal.SIGKILL)  # mid-stream: records are in flight, their deliveries never confirmed
            stopping = time.monotonic()
            status = worker.stop(timeout=60)
            took = time.monotonic() - stopping
            log_text = worker.log_path.read_text(errors="replace")
            assert status == EXIT_STOP_TIMED_OUT, f"exit status {status}\n{log_text[-3000:]}"
            assert STOP_SECONDS <= took < STOP_SECONDS + 15, took
            assert '"event": "stop_timed_out"' in log_text
        finally:
            pipeline.stop()
