"""A worker started before its broker (by a shell, or a supervisor that starts everything at once) waits for it and
then works; one that finds none within PROTEST_TALLY_BROKER_WAIT_SECONDS exits with one line saying so."""

from __future__ import annotations

import json
import socket
import time

from tests.conftest import Pipeline, wait_for_line
from worker.bench.oracle import differences, oracle, tally_of
from worker.broker import EmbeddedKafka
from worker.broker.embedded import free_port
from worker.feed import ArchivedDocument
from worker.settings import KafkaConnection
from worker.stages.supervision import EXIT_NO_BROKER
from worker.synth import synth_archive
from worker.topics import ATTEMPT_SECONDS

ITEMS = 300


def test_a_worker_started_before_its_broker_waits_for_it_then_tallies(tmp_path):
    documents = [ArchivedDocument(i["doc_id"], i["text"]) for i in synth_archive(ITEMS, seed=43)]
    broker = EmbeddedKafka(tmp_path / "kafka")  # its address is chosen; it is not started yet
    pipeline = Pipeline.named(broker.connection, tmp_path)
    try:
        worker = pipeline.start_worker()
        wait_for_line(worker, "waiting_for_broker", timeout=60)
        time.sleep(3)  # a few attempts in vain
        assert worker.process.poll() is None, "the worker gave up while it was to wait"
        with broker:
            wait_for_line(worker, "broker_found", timeout=120)
            pipeline.replay(documents)
            pipeline.wait(ITEMS, timeout=180)
            rows, expected = tally_of(pipeline), oracle(documents)
            assert rows == expected, differences(rows, expected)
            assert worker.process.poll() is None
    finally:
        pipeline.stop()


def test_a_worker_that_finds_no_broker_exits_saying_so(tmp_path):
    nowhere = KafkaConnection(f"127.0.0.1:{free_port()}")  # a free port: nothing listens there
    pipeline = Pipeline.named(nowhere, tmp_path)
    pipeline.env_overrides["PROTEST_TALLY_BROKER_WAIT_SECONDS"] = "3"
    worker = pipeline.start_worker()
    status = worker.process.wait(timeout=90)
    log_text = worker.log_path.read_text(errors="replace")
    assert status == EXIT_NO_BROKER, f"exit status {status}\n{log_text[-3000:]}"
    assert log_text.count('"event": "waiting_for_broker"') >= 2, log_text[-3000:]
    assert '"event": "no_broker_at_start"' in log_text
    assert "Traceback" not in log_text


def test_a_port_that_takes_connections_but_never_answers_is_given_up_on_in_time(tmp_path):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(100)  # the kernel accepts connections; nothing ever answers on them
        pipeline = Pipeline.named(KafkaConnection(f"127.0.0.1:{silent.getsockname()[1]}"), tmp_path)
        pipeline.env_overrides["PROTEST_TALLY_BROKER_WAIT_SECONDS"] = "3"
        worker = pipeline.start_worker()
        status = worker.process.wait(timeout=120)
    log_text = worker.log_path.read_text(errors="replace")
    assert status == EXIT_NO_BROKER, f"exit status {status}\n{log_text[-3000:]}"
    gave_up = next(json.loads(line) for line in log_text.splitlines() if '"event": "no_broker_at_start"' in line)
    # Without a bound on each attempt, its first one waited for the client's 40 s request timeout.
    assert 3 <= gave_up["waited_seconds"] <= 3 + ATTEMPT_SECONDS + 1, gave_up


def test_a_worker_whose_broker_goes_away_as_it_starts_exits_saying_so(pipeline):
    # The start-up check finds the broker; then the producer's start fails as when the broker has gone meanwhile.
    worker = pipeline.start_worker(module="tests.stages.broker_gone_at_start_worker")
    status = worker.process.wait(timeout=90)
    log_text = worker.log_path.read_text(errors="replace")
    assert status == EXIT_NO_BROKER, f"exit status {status}\n{log_text[-3000:]}"
    gave_up = next(json.loads(line) for line in log_text.splitlines() if '"event": "no_broker_at_start"' in line)
    assert gave_up["reason"].startswith("NodeNotReadyError"), gave_up
    assert "Traceback" not in log_text
