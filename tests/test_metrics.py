"""worker.metrics without a broker: its own registry, the counts of a Report, the gauges read at scrape time."""

from __future__ import annotations

import time

from prometheus_client.parser import text_string_to_metric_families

from schemas import DetentionClaim, Report
from worker.metrics import Metrics, WorkerState


def claim(count: int, place: str) -> DetentionClaim:
    return DetentionClaim(count=count, qualifier="exact", text=str(count), place=place, country="RU", scope="day",
                          quote=f"{count} people were detained in {place}.")


def report(doc_id: str, wave: str, detentions: list[DetentionClaim]) -> Report:
    return Report(doc_id=doc_id, wave=wave, wave_confidence=1.0, detentions=detentions)


def samples(metrics: Metrics) -> dict[tuple[str, tuple], float]:
    """Every sample of the rendered text, by (name, sorted labels)."""
    text, _ = metrics.render()
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text.decode()) for sample in family.samples}


def idle_state(**overrides) -> WorkerState:
    return WorkerState(**{"rows": lambda: 0, "lag": dict, "last_event_at": lambda: None, **overrides})


def test_reports_count_by_wave_and_their_claims_add_up():
    metrics = Metrics()
    metrics.reported(report("a", "anti-war-2022", [claim(80, "Moscow"), claim(30, "Kazan")]))
    metrics.reported(report("b", "anti-war-2022", [claim(12, "Omsk")]))
    metrics.reported(report("c", "other", []))
    found = samples(metrics)
    assert found[("protest_tally_reports_total", (("wave", "anti-war-2022"),))] == 2
    assert found[("protest_tally_reports_total", (("wave", "other"),))] == 1
    assert found[("protest_tally_claims_total", ())] == 3


def test_gauges_are_read_from_the_state_when_scraped():
    metrics = Metrics()
    lag = {("feed.raw", 0): 0, ("feed.raw", 1): 7}
    rows = [3]
    metrics.watch(idle_state(rows=lambda: rows[0], lag=lambda: lag, last_event_at=lambda: time.monotonic() - 5))
    found = samples(metrics)
    assert found[("protest_tally_rows", ())] == 3
    assert found[("protest_tally_consumer_lag", (("partition", "0"), ("topic", "feed.raw")))] == 0
    assert found[("protest_tally_consumer_lag", (("partition", "1"), ("topic", "feed.raw")))] == 7
    assert 5 <= found[("protest_tally_last_event_age_seconds", ())] < 6
    rows[0] = 4
    assert samples(metrics)[("protest_tally_rows", ())] == 4, "read again at every scrape"


def test_no_event_age_before_the_first_event():
    metrics = Metrics()
    metrics.watch(idle_state())
    assert not [key for key in samples(metrics) if key[0] == "protest_tally_last_event_age_seconds"]


def test_every_stage_is_listed_before_its_first_event_and_the_content_type_is_prometheus_text():
    metrics = Metrics()
    metrics.processing_seconds.labels("tally").observe(0.003)
    found = samples(metrics)
    counts = {labels: value for (name, labels), value in found.items() if name == "protest_tally_processing_seconds_count"}
    assert counts == {(("stage", "ingest"),): 0, (("stage", "tally"),): 1}
    assert found[("protest_tally_processing_seconds_bucket", (("le", "0.002"), ("stage", "tally")))] == 0
    assert found[("protest_tally_processing_seconds_bucket", (("le", "0.005"), ("stage", "tally")))] == 1
    assert metrics.render()[1].startswith("text/plain; version=")


def test_two_metrics_do_not_share_counts():
    first, second = Metrics(), Metrics()
    first.items.inc()
    assert samples(first)[("protest_tally_items_total", ())] == 1
    assert samples(second)[("protest_tally_items_total", ())] == 0
