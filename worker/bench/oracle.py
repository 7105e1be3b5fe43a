"""What the fault tests and the soak compare against: the tally recomputed from the input with the pure functions,
and the outcome of every feed.raw position. A `pipeline` here is anything with `kafka`, `settings` and `tally()`
(tests.conftest.Pipeline, worker.bench.soak.SoakPipeline)."""

from __future__ import annotations

import asyncio
from collections import Counter

from aiokafka import AIOKafkaConsumer

from schemas import DeadLetter
from schemas.tally import TOP_CLAIMS
from worker.feed import ArchivedDocument
from worker.settings import KafkaConnection
from worker.tally_topic import count_records, end_offsets
from worker.text.analyze import analyze


def oracle(documents: list[ArchivedDocument]) -> dict:
    """The rows recomputed from scratch (not incrementally, as the worker does) from each document's current
    version: its last text."""
    current = {document.doc_id: document.text for document in documents}
    reports: dict[str, set[str]] = {}
    carriers: dict[str, dict[tuple, set[str]]] = {}
    for doc_id, text in current.items():
        report = analyze(text, doc_id)
        for place in {city.name for city in report.cities} | {claim.place for claim in report.detentions}:
            reports.setdefault(f"{report.wave}/{place}", set()).add(doc_id)
        for claim in report.detentions:
            identity = (claim.count, claim.upper or 0, claim.qualifier, claim.scope, claim.source or "")
            carriers.setdefault(f"{report.wave}/{claim.place}", {}).setdefault(identity, set()).add(doc_id)
    rows = {}
    for key, doc_ids in reports.items():
        claims = sorted(carriers.get(key, {}).items(), reverse=True)
        headline = claims[0][0] if claims else (None, None)
        top = sorted((*identity, len(docs)) for identity, docs in claims[:TOP_CLAIMS])
        rows[key] = (len(doc_ids), headline[0], headline[1] or None, len(claims), tuple(top))
    return rows


def comparable(row) -> tuple:
    """What must not depend on the order in which partitions were processed."""
    claims = sorted((c.count, c.upper or 0, c.qualifier, c.scope, c.source or "", c.documents) for c in row.claims)
    return row.reports, row.detained_low, row.detained_high or None, row.distinct_claims, tuple(claims)


def tally_of(pipeline) -> dict:
    return {key: comparable(row) for key, row in pipeline.tally().items()}


async def read_topic(kafka: KafkaConnection, topic: str) -> list:
    consumer = AIOKafkaConsumer(topic, **kafka.client_options(), auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    records = []
    try:
        idle = 0
        while idle < 4:
            batches = await consumer.getmany(timeout_ms=500)
            idle = 0 if batches else idle + 1
            for batch in batches.values():
                records.extend(batch)
    finally:
        await consumer.stop()
    return records


def reports_so_far(pipeline) -> int:
    return asyncio.run(count_records(pipeline.kafka, pipeline.settings.topics.reports))


def differences(rows: dict, expected: dict) -> list[str]:
    """Rows that differ from the oracle (for a failure message): (reports, low, high, distinct claims, top claims)."""
    return [f"{key}: {rows.get(key)} != oracle {expected.get(key)}" for key in sorted(set(rows) | set(expected))
            if rows.get(key) != expected.get(key)]


def outcomes(pipeline) -> tuple[Counter, Counter, set]:
    """(reports per feed.raw position, dead letters per feed.raw position, every feed.raw position) - promise 1
    holds when each position has exactly one outcome (repeats of one report after a crash share a position)."""
    topics = pipeline.settings.topics
    reports = asyncio.run(read_topic(pipeline.kafka, topics.reports))
    letters = asyncio.run(read_topic(pipeline.kafka, topics.dead_letter))
    reported = Counter((int(dict(r.headers)["source-partition"]), int(dict(r.headers)["source-offset"])) for r in reports)
    dead = Counter((letter.partition, letter.offset) for letter in (DeadLetter.model_validate_json(r.value) for r in letters)
                   if letter.topic == topics.raw)
    ends = asyncio.run(end_offsets(pipeline.kafka, [topics.raw]))
    return reported, dead, {(tp.partition, offset) for tp, end in ends.items() for offset in range(end)}


def assert_one_outcome_per_item(pipeline, repeats_allowed: bool) -> int:
    """Promise 1, checked on the topics; returns how many outcomes were repeats (redeliveries after a crash)."""
    reported, dead, positions = outcomes(pipeline)
    assert not set(reported) & set(dead), "an item both reported and dead-lettered"
    assert set(reported) | set(dead) == positions, f"items without an outcome: {sorted(positions - set(reported) - set(dead))[:20]}"
    if not repeats_allowed:
        assert max(reported.values(), default=1) == 1 and max(dead.values(), default=1) == 1, "an item has two outcomes"
    return sum(reported.values()) + sum(dead.values()) - len(positions)
