"""GET /metrics scraped over HTTP from a running worker after a replay: the counters equal what the topics hold."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections import Counter

from prometheus_client.parser import text_string_to_metric_families

from schemas import DeadLetter, Report
from worker.bench.oracle import read_topic
from tests.stages.test_dead_letter import publish
from worker.tally_topic import count_records

BAD_RECORDS = [
    (b"bad-utf8", b"\xff\xfe not utf-8", "UnicodeDecodeError"),
    (b"not-json", b"this is not json", "JSONDecodeError"),
    (b"not-json-either", b"{", "JSONDecodeError"),
    (b"empty", json.dumps({"doc_id": "empty", "text": "", "sequence": 0, "published_at": "2022-02-24T10:00:00Z"}).encode(),
     "NoArticleText"),
]


def scrape(port: str) -> tuple[str, dict[str, list]]:
    """The response's content type, and each metric family's samples."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        content_type, text = response.headers["Content-Type"], response.read().decode()
    return content_type, {family.name: family.samples for family in text_string_to_metric_families(text)}


def values(samples: list, name: str, label: str | None = None) -> dict:
    """The values of the samples called `name`, by the value of `label` (or under None)."""
    return {sample.labels.get(label) if label else None: sample.value for sample in samples if sample.name == name}


def records(pipeline, topic: str) -> list:
    return asyncio.run(read_topic(pipeline.kafka, topic))


def test_metrics_after_a_replay_equal_what_the_topics_hold(pipeline, seed_documents):
    topics = pipeline.settings.topics
    worker = pipeline.start_worker()
    asyncio.run(publish(pipeline.kafka, topics.raw, BAD_RECORDS))
    pipeline.replay(seed_documents)
    pipeline.wait(len(BAD_RECORDS) + len(seed_documents))

    content_type, families = scrape(worker.env["PROTEST_TALLY_WEB_PORT"])
    assert content_type.startswith("text/plain; version=")

    raw_records = asyncio.run(count_records(pipeline.kafka, topics.raw))
    assert raw_records == len(BAD_RECORDS) + len(seed_documents)
    assert values(families["protest_tally_items"], "protest_tally_items_total") == {None: raw_records}

    reports = [Report.model_validate_json(record.value) for record in records(pipeline, topics.reports)]
    assert len(reports) == len(seed_documents)
    assert values(families["protest_tally_reports"], "protest_tally_reports_total", "wave") == Counter(r.wave for r in reports)
    claims = sum(len(report.detentions) for report in reports)
    assert claims > 0, "the seeds carry detention figures"
    assert values(families["protest_tally_claims"], "protest_tally_claims_total") == {None: claims}

    letters = [DeadLetter.model_validate_json(record.value) for record in records(pipeline, topics.dead_letter)]
    assert Counter(letter.error_class for letter in letters) == Counter(reason for _, _, reason in BAD_RECORDS)
    assert (values(families["protest_tally_dead_letters"], "protest_tally_dead_letters_total", "reason")
            == Counter(letter.error_class for letter in letters))

    rows = pipeline.tally()
    assert rows, "the seeds make rows"
    assert values(families["protest_tally_rows"], "protest_tally_rows") == {None: len(rows)}

    lag = families["protest_tally_consumer_lag"]
    assert {(sample.labels["topic"], sample.labels["partition"]) for sample in lag} == {
        (topic, str(partition)) for topic in (topics.raw, topics.evidence)
        for partition in range(pipeline.settings.partitions)}, "every source partition the worker holds"
    assert all(sample.value == 0 for sample in lag), lag

    # Each stage handled each record of its source topic once: no crash, no redelivery in this run.
    handled = values(families["protest_tally_processing_seconds"], "protest_tally_processing_seconds_count", "stage")
    evidence_records = asyncio.run(count_records(pipeline.kafka, topics.evidence))
    assert handled == {"ingest": raw_records, "tally": evidence_records}
    assert evidence_records > 0

    [age] = families["protest_tally_last_event_age_seconds"]
    assert 0 <= age.value < 120, "seconds since the pipeline's last event"
