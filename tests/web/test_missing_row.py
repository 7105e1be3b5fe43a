"""A row page the owning worker cannot answer from its tables: no such row (404), or one still being recovered."""

from __future__ import annotations

from tests.web.test_mirror import as_bytes, row
from worker.web.dashboard import missing_row, tally_mirror


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
