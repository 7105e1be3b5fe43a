"""The worker's Prometheus metrics (served as GET /metrics by worker.web.metrics).

Counters and the processing-time histogram are updated by the stages where their events happen; the gauges
(rows, lag, age of the last event) are read from the worker's state when scraped, so events pay nothing for them.
Each `Metrics` has its own registry: tests and several apps in one process do not collide in the global one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from schemas import Report

STAGES = ("ingest", "tally")
#: Reading a news item takes about 2 ms, routing and tallying less; a page of megabytes takes seconds.
PROCESSING_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)


@dataclass(frozen=True)
class WorkerState:
    """Where the gauges are read from at scrape time."""

    #: Rows in the tally this worker holds.
    rows: Callable[[], int]
    #: Records not handled yet, per (topic, partition).
    lag: Callable[[], Mapping[tuple[str, int], int]]
    #: time.monotonic() of the last handled event, None before the first.
    last_event_at: Callable[[], float | None]


class StateGauges(Collector):
    def __init__(self, state: WorkerState) -> None:
        self.state = state

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily("protest_tally_rows", "Rows in the tally this worker holds", value=self.state.rows())
        lag = GaugeMetricFamily("protest_tally_consumer_lag", "Records on the partition the agents have not handled "
                                "in order yet", labels=["topic", "partition"])
        for (topic, partition), records in sorted(self.state.lag().items()):
            lag.add_metric([topic, str(partition)], records)
        yield lag
        age = GaugeMetricFamily("protest_tally_last_event_age_seconds", "Seconds since the last handled event "
                                "(no sample before the first)")
        last_event_at = self.state.last_event_at()
        if last_event_at is not None:
            age.add_metric([], time.monotonic() - last_event_at)
        yield age


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.items = Counter("protest_tally_items", "feed.raw records handled: reported or dead-lettered",
                             registry=self.registry)
        self.reports = Counter("protest_tally_reports", "Reports published on protest.reports, by wave", ["wave"],
                               registry=self.registry)
        self.dead_letters = Counter("protest_tally_dead_letters", "Records sent to feed.dead-letter, by error class",
                                    ["reason"], registry=self.registry)
        self.claims = Counter("protest_tally_claims", "Detention claims in the published Reports", registry=self.registry)
        self.processing_seconds = Histogram("protest_tally_processing_seconds", "Time from an event's arrival at a stage to its sends, by stage",
                                            ["stage"], buckets=PROCESSING_BUCKETS, registry=self.registry)
        for stage in STAGES:
            # Every stage is listed from the start (with zero counts), not from its first event on.
            self.processing_seconds.labels(stage)

    def reported(self, report: Report) -> None:
        self.reports.labels(report.wave).inc()
        self.claims.inc(len(report.detentions))

    def watch(self, state: WorkerState) -> None:
        """Serve the gauges read from `state` (once per registry)."""
        self.registry.register(StateGauges(state))

    def render(self) -> tuple[bytes, str]:
        """The Prometheus text exposition and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


metrics = Metrics()
