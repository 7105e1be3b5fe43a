"""A worker whose web port is taken (a second worker on one host, with the first one's port) says so and exits before
it starts anything, unless Faust's own options give it another port or no web server; its broker is waited for at
start (tests/broker/test_broker_at_start.py)."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import Pipeline, wait_for_line
from worker.broker.embedded import free_port
from worker.settings import KafkaConnection
from worker.stages.supervision import EXIT_WEB_PORT_TAKEN
from worker.worker_process import WorkerProcess


@pytest.fixture
def taken_port():
    with socket.socket() as first_worker:
        first_worker.bind(("127.0.0.1", 0))
        first_worker.listen(5)
        yield first_worker.getsockname()[1]


def worker_with_its_port_taken(tmp_path, taken: int, *options: str) -> WorkerProcess:
    nowhere = KafkaConnection(f"127.0.0.1:{free_port()}")  # no broker: only what happens before it is asked matters
    pipeline = Pipeline.named(nowhere, tmp_path)
    pipeline.env_overrides.update({"PROTEST_TALLY_WEB_PORT": str(taken), "PROTEST_TALLY_BROKER_WAIT_SECONDS": "3"})
    return pipeline.start_worker(options=options)


def test_a_worker_whose_web_port_is_taken_says_so_and_exits(tmp_path, taken_port):
    worker = worker_with_its_port_taken(tmp_path, taken_port)
    try:
        status = worker.process.wait(timeout=60)
    finally:
        worker.stop()
    log_text = worker.log_path.read_text(errors="replace")
    assert status == EXIT_WEB_PORT_TAKEN, f"exit status {status}\n{log_text[-3000:]}"
    assert '"event": "web_port_taken"' in log_text and f'"port": {taken_port}' in log_text
    assert '"event": "waiting_for_broker"' not in log_text
    assert "Traceback" not in log_text


@pytest.mark.parametrize("options", [("--web-port", "FREE"), ("--without-web",)], ids=["web-port", "without-web"])
def test_fausts_own_web_options_are_what_is_checked(tmp_path, taken_port, options):
    options = tuple(str(free_port()) if option == "FREE" else option for option in options)
    worker = worker_with_its_port_taken(tmp_path, taken_port, *options)
    try:
        wait_for_line(worker, "waiting_for_broker", timeout=60)
    finally:
        worker.stop()
    assert '"event": "web_port_taken"' not in worker.log_path.read_text(errors="replace")
