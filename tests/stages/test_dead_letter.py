"""Bad input on feed.raw: a clear dead-letter record each, the worker keeps running, the counts add up."""

from __future__ import annotations

import asyncio
import base64
import json

from aiokafka import AIOKafkaProducer

from schemas import DeadLetter
from worker.bench.oracle import assert_one_outcome_per_item, read_topic
from worker.settings import KafkaConnection
from worker.stages.supervision import EXIT_AGENT_CRASHED
from worker.tally_topic import count_records

def item(doc_id: str, text, **extra) -> bytes:
    return json.dumps({"doc_id": doc_id, "text": text, "sequence": 0, "published_at": "2022-02-24T10:00:00Z", **extra}).encode()


SECRET_TEXT = "Police detained 7 people outside the consulate"
BAD_RECORDS = [
    (b"bad-utf8", b"\xff\xfe not utf-8 \xc3\x28", "UnicodeDecodeError"),
    (b"not-json", b"this is not json", "JSONDecodeError"),
    (b"no-id", json.dumps({"text": "Police detained 5 people.", "sequence": 0, "published_at": "2022-02-24T10:00:00Z"}).encode(),
     "ValidationError"),
    (b"wrong-types", json.dumps({"doc_id": 5, "text": ["a"], "sequence": "first", "published_at": None}).encode(), "ValidationError"),
    (b"huge-extra", item("huge-extra", SECRET_TEXT, comments="spam " * 200_000), "ValidationError"),
    (b"other-key", json.dumps({"doc_id": "real-id", "text": "x", "sequence": 1, "published_at": "2022-02-24T10:00:00Z"}).encode(),
     "KeyMismatch"),
    (b"empty", json.dumps({"doc_id": "empty", "text": "", "sequence": 2, "published_at": "2022-02-24T10:00:00Z"}).encode(),
     "NoArticleText"),
    (b"deep", b"[" * 200_000 + b"]" * 200_000, "TooDeeplyNested"),  # json.loads would raise RecursionError
    (b"chrome", json.dumps({"doc_id": "chrome", "text": "Alamy\n\nTopics: World News\nhttps://t.me/x/1\n",
                             "sequence": 3, "published_at": "2022-02-24T10:00:00Z"}).encode(), "NoArticleText"),
]

# Valid, if ugly: control characters and right-to-left marks are cleaned away and the item is reported.
CONTROL_AND_RTL = (b"control-rtl", item("control-rtl", "\u200fMOSCOW\u200e\x07 (Reuters) - " + SECRET_TEXT + "\x00 on Sunday.\u202e"))


async def publish(kafka: KafkaConnection, topic: str, records) -> None:
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all")
    await producer.start()
    try:
        for key, value, _ in records:
            await producer.send_and_wait(topic, key=key, value=value)
    finally:
        await producer.stop()


def test_bad_records_are_dead_lettered_and_good_ones_still_reported(pipeline, seed_documents):
    topics = pipeline.settings.topics
    worker = pipeline.start_worker()
    asyncio.run(publish(pipeline.kafka, topics.raw, [*BAD_RECORDS, (*CONTROL_AND_RTL, None)]))
    pipeline.replay(seed_documents)
    total = len(BAD_RECORDS) + 1 + len(seed_documents)
    pipeline.wait(total)
    assert worker.process.poll() is None, "the worker keeps running"

    reported = asyncio.run(count_records(pipeline.kafka, topics.reports))
    dead = asyncio.run(count_records(pipeline.kafka, topics.dead_letter))
    assert (reported, dead) == (len(seed_documents) + 1, len(BAD_RECORDS))
    assert reported + dead == asyncio.run(count_records(pipeline.kafka, topics.raw)), "in = processed + dead-lettered"
    assert_one_outcome_per_item(pipeline, repeats_allowed=False)

    letters = [DeadLetter.model_validate_json(r.value) for r in asyncio.run(read_topic(pipeline.kafka, topics.dead_letter))]
    by_key = {base64.b64decode(letter.key_b64): letter for letter in letters}
    for key, value, error_class in BAD_RECORDS:
        letter = by_key[key]
        assert letter.error_class == error_class
        assert base64.b64decode(letter.value_b64) == value, "the original bytes are kept"
        assert letter.topic == topics.raw and letter.offset >= 0 and letter.error_message
    assert worker.log_path.read_text().count("\"dead_lettered\"") == len(BAD_RECORDS), "one log line each"
    assert "Extra inputs are not permitted" in by_key[b"huge-extra"].error_message
    assert SECRET_TEXT not in worker.log_path.read_text(), "no document text in the log"
    assert SECRET_TEXT not in by_key[b"huge-extra"].error_message, "the reason names the problem, the bytes carry the text"


def test_an_agent_that_crashes_stops_the_worker_for_its_supervisor(pipeline, seed_documents):
    topics = pipeline.settings.topics
    crashing = pipeline.start_worker(module="tests.stages.crashing_worker")
    asyncio.run(publish(pipeline.kafka, topics.raw, [BAD_RECORDS[1]]))
    assert crashing.process.wait(timeout=120) == EXIT_AGENT_CRASHED
    assert "agent_crashed" in crashing.log_path.read_text(errors="replace")

    # Its successor (what a supervisor starts) handles the record the crashed worker left without an outcome.
    pipeline.start_worker()
    pipeline.replay(seed_documents)
    pipeline.wait(1 + len(seed_documents))
    assert asyncio.run(count_records(pipeline.kafka, topics.dead_letter)) == 1
    assert_one_outcome_per_item(pipeline, repeats_allowed=False)
