"""A worker whose web port is taken (a second worker on one host, with the first one's port) says so and exits before
it starts anything; its broker is waited for at start (tests/broker/test_broker_at_start.py)."""

from __future__ import annotations

import socket

from tests.conftest import Pipeline
from worker.broker.embedded import free_port
from worker.settings import KafkaConnection
from worker.stages.supervision import EXIT_WEB_PORT_TAKEN


def test_a_worker_whose_web_port_is_taken_says_so_and_exits(tmp_path):
    nowhere = KafkaConnection(f"127.0.0.1:{free_port()}")  # never asked: the port is checked first
    pipeline = Pipeline.named(nowhere, tmp_path)
    with socket.socket() as first_worker:
        first_worker.bind(("127.0.0.1", 0))
        first_worker.listen(5)
        taken = first_worker.getsockname()[1]
        pipeline.env_overrides["PROTEST_TALLY_WEB_PORT"] = str(taken)
        worker = pipeline.start_worker()
        status = worker.process.wait(timeout=60)
    log_text = worker.log_path.read_text(errors="replace")
    assert status == EXIT_WEB_PORT_TAKEN, f"exit status {status}\n{log_text[-3000:]}"
    assert '"event": "web_port_taken"' in log_text and f'"port": {taken}' in log_text
    assert '"event": "waiting_for_broker"' not in log_text
    assert "Traceback" not in log_text
