"""Over a thousand records on feed.raw, valid items among every bad kind we could think of: each position gets exactly
one outcome, the valid items are reported, the worker stays up and healthy."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Callable

from aiokafka import AIOKafkaProducer

from schemas import DeadLetter
from worker.bench.oracle import assert_one_outcome_per_item, read_topic
from tests.stages.test_health import status
from worker.settings import KafkaConnection
from worker.tally_topic import count_records

RECORDS = 1_200
SEED = 20261204
Record = tuple[bytes | None, bytes | None]

NEWS = ["Police detained", "at least 40 people", "in Kazan", "on Sunday", "OVD-Info said", "protesters chanted",
        "'No to war'", "outside the metro", "more than 1,300", "across Russia", "riot police", "in Moscow"]


def fields(doc_id: str, rng: random.Random) -> dict:
    text = " ".join(rng.choice(NEWS) for _ in range(rng.randint(3, 30))) + "."
    return {"doc_id": doc_id, "text": text, "sequence": rng.randint(0, 10_000), "published_at": "2022-02-27T10:00:00Z"}


def encoded(value: dict) -> bytes:
    return json.dumps(value).encode()


def valid(doc_id: str, rng: random.Random) -> Record:
    return doc_id.encode(), encoded(fields(doc_id, rng))


def random_bytes(doc_id: str, rng: random.Random) -> Record:
    return doc_id.encode(), rng.randbytes(rng.randint(1, 2_000))


def truncated_json(doc_id: str, rng: random.Random) -> Record:
    whole = encoded(fields(doc_id, rng))
    return doc_id.encode(), whole[: rng.randint(1, len(whole) - 1)]


def deep_arrays(doc_id: str, rng: random.Random) -> Record:
    depth = rng.choice([33, 1_000, 200_000])
    return doc_id.encode(), b"[" * depth + b"]" * depth


def deep_objects(doc_id: str, rng: random.Random) -> Record:
    depth = rng.choice([33, 5_000, 100_000])
    return doc_id.encode(), b'{"a":' * depth + b"1" + b"}" * depth


def huge_number(doc_id: str, rng: random.Random) -> Record:
    value = encoded({**fields(doc_id, rng), "sequence": 0}).replace(b'"sequence": 0', b'"sequence": ' + b"9" * 5_000)
    return doc_id.encode(), value


def float_overflow(doc_id: str, rng: random.Random) -> Record:
    return doc_id.encode(), encoded({**fields(doc_id, rng), "sequence": 0}).replace(b'"sequence": 0', b'"sequence": 1e999')


def lone_surrogate(doc_id: str, rng: random.Random) -> Record:
    return doc_id.encode(), encoded(fields(doc_id, rng)).replace(b'"text": "', b'"text": "\\ud800', 1)


def nul_characters(doc_id: str, rng: random.Random) -> Record:
    item = fields(doc_id, rng)
    return doc_id.encode(), encoded({**item, "text": item["text"].replace(" ", "\x00 ")})


def wrong_types(doc_id: str, rng: random.Random) -> Record:
    item = fields(doc_id, rng)
    field = rng.choice(["doc_id", "text", "sequence", "published_at"])
    return doc_id.encode(), encoded({**item, field: rng.choice([5, ["a"], {"b": 1}, None, True, 1.5])})


def missing_field(doc_id: str, rng: random.Random) -> Record:
    item = fields(doc_id, rng)
    del item[rng.choice(list(item))]
    return doc_id.encode(), encoded(item)


def extra_field(doc_id: str, rng: random.Random) -> Record:
    return doc_id.encode(), encoded({**fields(doc_id, rng), "comments": "spam"})


def empty_values(doc_id: str, rng: random.Random) -> Record:
    item = fields(doc_id, rng)
    return doc_id.encode(), encoded({**item, rng.choice(["doc_id", "text", "published_at"]): ""})


def null_key(doc_id: str, rng: random.Random) -> Record:
    return None, encoded(fields(doc_id, rng))


def null_value(doc_id: str, rng: random.Random) -> Record:
    return doc_id.encode(), None


def empty_value(doc_id: str, rng: random.Random) -> Record:
    return doc_id.encode(), b""


def oversized_key(doc_id: str, rng: random.Random) -> Record:
    return b"k" * 200_000, encoded(fields(doc_id, rng))


def long_doc_id(doc_id: str, rng: random.Random) -> Record:
    long_id = doc_id + "x" * 100_000
    return long_id.encode(), encoded(fields(long_id, rng))


def megabyte_of_digits(doc_id: str, rng: random.Random) -> Record:
    return doc_id.encode(), b"1" * 1_000_000


def latin1_bytes(doc_id: str, rng: random.Random) -> Record:
    item = {**fields(doc_id, rng), "text": "Polizei nahm in München 12 Demonstranten fest, café près de la gare."}
    return doc_id.encode(), json.dumps(item, ensure_ascii=False).encode("latin-1")


def json_scalar(doc_id: str, rng: random.Random) -> Record:
    return doc_id.encode(), rng.choice([b"null", b"[]", b"{}", b"42", b'"text"', b"true", b"NaN", b"-Infinity"])


def byte_order_mark(doc_id: str, rng: random.Random) -> Record:
    return doc_id.encode(), b"\xef\xbb\xbf" + encoded(fields(doc_id, rng))


def duplicate_keys(doc_id: str, rng: random.Random) -> Record:
    value = encoded(fields(doc_id, rng))
    return doc_id.encode(), value.replace(b"{", b'{"doc_id": "someone-else", ', 1)


def key_mismatch(doc_id: str, rng: random.Random) -> Record:
    return b"not-" + doc_id.encode(), encoded(fields(doc_id, rng))


def whitespace_text(doc_id: str, rng: random.Random) -> Record:
    return doc_id.encode(), encoded({**fields(doc_id, rng), "text": " \n\t\u00a0\u200b" * 50})


def long_valid_text(doc_id: str, rng: random.Random) -> Record:
    item = fields(doc_id, rng)
    return doc_id.encode(), encoded({**item, "text": (item["text"] + "\n\n") * 2_000})


BAD_KINDS: list[Callable[[str, random.Random], Record]] = [
    random_bytes, truncated_json, deep_arrays, deep_objects, huge_number, float_overflow, lone_surrogate, nul_characters,
    wrong_types, missing_field, extra_field, empty_values, null_key, null_value, empty_value, oversized_key, long_doc_id,
    megabyte_of_digits, latin1_bytes, json_scalar, byte_order_mark, duplicate_keys, key_mismatch, whitespace_text,
    long_valid_text,
]
#: Kinds whose records are few because each is large (about 1 MB).
RARE_KINDS = {megabyte_of_digits, long_valid_text, oversized_key, deep_arrays}


def fuzz_records(count: int, seed: int) -> list[tuple[str, Record]]:
    """`count` records, half valid items, every bad kind at least twice, in a shuffled order."""
    rng = random.Random(seed)
    kinds: list[Callable] = [kind for kind in BAD_KINDS for _ in range(2)]
    common = [kind for kind in BAD_KINDS if kind not in RARE_KINDS]
    while len(kinds) < count // 2:
        kinds.append(rng.choice(common))
    kinds += [valid] * (count - len(kinds))
    rng.shuffle(kinds)
    return [(kind.__name__, kind(f"fuzz-{position}", rng)) for position, kind in enumerate(kinds)]


async def publish_all(kafka: KafkaConnection, topic: str, records: list[Record]) -> None:
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all", max_request_size=16 * 1024 * 1024)
    await producer.start()
    try:
        deliveries = [await producer.send(topic, key=key, value=value) for key, value in records]
        await asyncio.gather(*deliveries)
    finally:
        await producer.stop()


def test_the_generator_makes_every_kind_and_enough_records():
    records = fuzz_records(RECORDS, SEED)
    made = Counter(kind for kind, _ in records)
    assert len(records) >= 1_000
    assert {kind.__name__ for kind in BAD_KINDS} <= set(made) and made["valid"] >= RECORDS // 3


def test_every_fuzzed_record_gets_one_outcome_and_the_worker_stays_healthy(pipeline):
    topics = pipeline.settings.topics
    worker = pipeline.start_worker()
    records = fuzz_records(RECORDS, SEED)
    asyncio.run(publish_all(pipeline.kafka, topics.raw, [record for _, record in records]))
    pipeline.wait(len(records), timeout=600)
    assert worker.process.poll() is None, "the worker keeps running"

    assert assert_one_outcome_per_item(pipeline, repeats_allowed=False) == 0
    reported = asyncio.run(count_records(pipeline.kafka, topics.reports))
    dead = asyncio.run(count_records(pipeline.kafka, topics.dead_letter))
    assert reported + dead == len(records), "in = reported + dead-lettered"
    report_ids = {json.loads(r.value)["doc_id"] for r in asyncio.run(read_topic(pipeline.kafka, topics.reports))}
    valid_ids = {json.loads(value)["doc_id"] for kind, (_, value) in records if kind == "valid"}
    assert valid_ids <= report_ids, "every valid item is reported"
    letters = [DeadLetter.model_validate_json(r.value) for r in asyncio.run(read_topic(pipeline.kafka, topics.dead_letter))]
    assert all(letter.error_class and letter.error_message for letter in letters), "each dead letter says why"
    reasons = Counter(letter.error_class for letter in letters)

    port = worker.env["PROTEST_TALLY_WEB_PORT"]
    deadline = time.monotonic() + 60
    while status(port)[0] != 200 and time.monotonic() < deadline:
        time.sleep(1)
    assert status(port)[0] == 200, status(port)
    print(f"fuzz: {len(records)} records of {len(BAD_KINDS) + 1} kinds: {reported} reported, {dead} dead-lettered "
          f"({dict(reasons.most_common())})")
