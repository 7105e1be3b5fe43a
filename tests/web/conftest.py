"""One pipeline for the web tests: two workers in one group, the seeds replayed and handled."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import Pipeline
from worker.worker_process import WorkerProcess


def get(worker: WorkerProcess, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of a GET on a worker's web server."""
    request = urllib.request.Request(f"http://127.0.0.1:{worker.env['PROTEST_TALLY_WEB_PORT']}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get_json(worker: WorkerProcess, path: str) -> tuple[int, dict]:
    status, _, body = get(worker, path)
    return status, json.loads(body) if body else {}


def wait_for(condition, timeout: float = 30.0, interval: float = 0.5):
    """Until condition() gives something true (returned), or fail after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
        except OSError:  # the web server not up yet
            result = None
        if result:
            return result
        assert time.monotonic() < deadline, f"not true after {timeout:.0f} s: {condition.__doc__ or condition}"
        time.sleep(interval)


@pytest.fixture(scope="module")
def served_seeds(kafka, tmp_path_factory, seed_documents) -> Pipeline:
    pipeline = Pipeline.create(kafka, tmp_path_factory.mktemp("web"))
    pipeline.start_worker()
    pipeline.start_worker()
    try:
        pipeline.replay(seed_documents)
        pipeline.wait(len(seed_documents), timeout=180)
        rows = len(pipeline.tally())
        for worker in pipeline.workers:  # each worker's mirror has caught up with the tally topic
            wait_for(lambda: len(get_json(worker, "/tally")[1].get("rows", ())) == rows, timeout=60)
        yield pipeline
    finally:
        pipeline.stop()
