"""A row page that is not answered from a row: another worker's that does not answer, none at all (404), or one its
worker is still recovering (503, which the page asks again)."""

from __future__ import annotations

import asyncio

import aiohttp
from faust.exceptions import SameNode

from tests.web.test_mirror import as_bytes, row
from worker.app import app
from worker.web.dashboard import missing_row, owners_answer, tally_mirror


class JsonAnswers:
    """What Faust's web.json is asked for: the body and the status."""

    def json(self, value, status: int = 200):
        return status, value


def test_a_row_the_tally_topic_has_is_being_recovered_and_is_asked_again(monkeypatch):
    monkeypatch.setattr(tally_mirror, "rows", {"mobilisation-2022/Kazan": as_bytes(row("Kazan", 10))})
    status, body = missing_row(JsonAnswers(), "mobilisation-2022/Kazan")
    assert status == 503, "the dashboard asks again on a 503 and says 'no longer in the tally' on a 404"
    assert "recovered" in body["error"]


def test_a_row_nobody_has_is_404(monkeypatch):
    monkeypatch.setattr(tally_mirror, "rows", {})
    assert missing_row(JsonAnswers(), "mobilisation-2022/Kazan")[0] == 404


def test_a_row_whose_worker_does_not_answer_is_503_and_this_workers_own_is_answered_here(monkeypatch):
    async def owner_gone(*args):
        raise aiohttp.ClientConnectionError("Cannot connect to host 127.0.0.1:6067")

    async def owned_here(*args):
        raise SameNode()

    monkeypatch.setattr(app.router, "route_topic_req", owner_gone)
    status, body = asyncio.run(owners_answer(JsonAnswers(), None, "mobilisation-2022/Kazan"))
    assert status == 503 and "did not answer" in body["error"]
    monkeypatch.setattr(app.router, "route_topic_req", owned_here)
    assert asyncio.run(owners_answer(JsonAnswers(), None, "mobilisation-2022/Kazan")) is None
