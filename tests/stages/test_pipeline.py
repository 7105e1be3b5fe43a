"""The worker end to end against a running broker: seeds in, tally rows out."""

from __future__ import annotations

import asyncio
import json
import signal
import time

from aiokafka import AIOKafkaConsumer

from tests.conftest import load_gold


def expected_rows_from_gold() -> dict[str, tuple[int, int | None]]:
    """(reports, detained_low) per "wave/place", worked out from the gold reading by the tally semantics."""
    documents: dict[str, set[str]] = {}
    claims: dict[str, set[tuple]] = {}
    for doc_id, gold in load_gold().items():
        places = {city["name"] for city in gold["cities"]} | {c["place"] for c in gold["detentions"]}
        for place in places:
            key = f"{gold['wave']}/{place}"
            documents.setdefault(key, set()).add(doc_id)
            claims.setdefault(key, set())
        for claim in gold["detentions"]:
            claims[f"{gold['wave']}/{claim['place']}"].add((claim["count"], claim["qualifier"], claim["source"], claim["scope"]))
    return {key: (len(documents[key]), max((c[0] for c in claims[key]), default=None)) for key in documents}


def observed(rows) -> dict[str, tuple[int, int | None]]:
    return {key: (row.reports, row.detained_low) for key, row in rows.items()}


def test_seeds_through_the_worker_give_the_gold_tally(pipeline, seed_documents):
    pipeline.start_worker()
    pipeline.replay(seed_documents)
    pipeline.wait(len(seed_documents))
    rows = pipeline.tally()
    assert observed(rows) == expected_rows_from_gold(), pipeline.worker_log()
    jerusalem = [c for c in rows["anti-war-2022/nationwide"].claims if c.source == "The Jerusalem Post"]
    assert [(c.count, c.documents) for c in jerusalem] == [(1000, 2)], "a claim repeated by two outlets counts once"


def test_second_replay_changes_no_row(pipeline, seed_documents):
    pipeline.start_worker()
    pipeline.replay(seed_documents)
    pipeline.wait(len(seed_documents))
    first = pipeline.tally()
    pipeline.replay(seed_documents)
    pipeline.wait(2 * len(seed_documents))
    second = pipeline.tally()
    assert second == first
    assert all(row.version == first[key].version for key, row in second.items())


def test_sigterm_halfway_then_restart_gives_the_uninterrupted_table(pipeline, seed_documents):
    documents = seed_documents * 8  # 40 items, the same five doc ids again and again
    worker = pipeline.start_worker()
    pipeline.replay(documents[:20])
    time.sleep(3)
    assert worker.stop(signal.SIGTERM) is not None
    pipeline.replay(documents[20:])
    pipeline.start_worker()
    pipeline.wait(len(documents))
    assert observed(pipeline.tally()) == expected_rows_from_gold(), pipeline.worker_log()


def test_late_consumer_reads_the_full_table_from_the_compacted_topic(pipeline, seed_documents):
    pipeline.start_worker()
    pipeline.replay(seed_documents)
    pipeline.wait(len(seed_documents))
    expected = {key: row.model_dump(mode="json") for key, row in pipeline.tally().items()}

    async def late_consumer() -> dict[str, dict]:
        consumer = AIOKafkaConsumer(pipeline.settings.topics.tally, **pipeline.kafka.client_options(),
                                    group_id=f"{pipeline.settings.app_id}-late", auto_offset_reset="earliest")
        await consumer.start()
        rows: dict[str, dict] = {}
        try:
            deadline = time.monotonic() + 30
            while len(rows) < len(expected) and time.monotonic() < deadline:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        rows[record.key.decode()] = json.loads(record.value)
        finally:
            await consumer.stop()
        return rows

    assert asyncio.run(late_consumer()) == expected
