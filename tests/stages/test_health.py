"""/health: unhealthy while there is lag and the committed offsets do not move, healthy again after."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from worker.feed import ArchivedDocument

# 5 MB of numbers: about a second of reading for one item, and a small report; the slow-reading worker adds seconds.
SLOW_TEXT = "1, " * (5_000_000 // 3)


def status(port: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except OSError:
        return 0, {}


def test_health_goes_unhealthy_while_stuck_and_healthy_again(pipeline, seed_documents):
    pipeline.env_overrides = {"PROTEST_TALLY_PROGRESS_CHECK_SECONDS": "0.5", "PROTEST_TALLY_HEALTH_STALL_SECONDS": "1",
                              "SLOW_READING_SECONDS": "4"}
    worker = pipeline.start_worker(module="tests.stages.slow_reading_worker")
    port = worker.env["PROTEST_TALLY_WEB_PORT"]
    deadline = time.monotonic() + 60
    while status(port)[0] != 200:
        assert time.monotonic() < deadline, "the worker's web server never answered"
        time.sleep(0.3)
    # One slow item, then more items behind it on every partition: lag that cannot move for a while.
    pipeline.replay([ArchivedDocument(f"slow-{i}", SLOW_TEXT) for i in range(3)] + seed_documents)
    seen = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        code, body = status(port)
        seen.append(code)
        if 503 in seen and code == 200 and body.get("lag") == 0:
            break
        time.sleep(0.3)
    assert 503 in seen, f"never unhealthy: {seen[-20:]}"
    assert seen[-1] == 200, f"not healthy again: {seen[-20:]}"
    assert "partitions" in body and "last_handled_seconds_ago" in body
