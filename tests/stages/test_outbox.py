"""The evidence outbox without a broker: pieces grouped per partition, in order; sent at once while ingest is caught
up, gathered a little while it has a backlog."""

import asyncio
from datetime import datetime, timezone

import pytest

from schemas import EvidenceBatch, PlaceEvidence
from schemas.tally import PIECES_PER_RECORD
from worker.stages.outbox import GATHER_PIECES, GATHER_SECONDS, MAX_RECORD_BYTES, EvidenceOutbox, Record, partition_for

PARTITIONS = 4
PLACES = ["Moscow", "Omsk", "Tomsk", "Kazan", "Ufa", "Perm"]


def piece(doc_id: str, place: str) -> PlaceEvidence:
    return PlaceEvidence(doc_id=doc_id, wave="anti-war-2022", place=place, published_at=datetime(2022, 3, 6, tzinfo=timezone.utc),
                         position=0, text_digest="d")


class Producer:
    """Stands for the producer's send: records what it was handed; each delivery settles when the test says."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.records: list[tuple[int, list[str]]] = []
        self.deliveries: list[asyncio.Future] = []
        self.fail_at = fail_at

    async def send(self, topic, key, value, partition):
        if len(self.records) == self.fail_at:
            raise RuntimeError("broker refused")
        pieces = EvidenceBatch.model_validate_json(value).pieces
        assert key.decode() == pieces[0].key
        self.records.append((partition, [f"{p.doc_id}@{p.place}" for p in pieces]))
        self.deliveries.append(asyncio.get_running_loop().create_future())
        return self.deliveries[-1]


def test_kafka_default_partitioner_vectors():
    # murmur2 of these keys as Kafka's own UtilsTest gives them; partition = positive hash modulo partitions.
    for key, murmur2 in [("21", -973932308), ("foobar", -790332482), ("a-little-bit-long-string", -985981536)]:
        assert partition_for(key.encode(), 7) == (murmur2 & 0x7FFFFFFF) % 7


def test_pieces_of_one_turn_go_as_one_record_per_partition_in_order():
    async def scenario():
        producer = Producer()
        outbox = EvidenceOutbox("evidence", PARTITIONS, producer.send)
        added = [(doc, place, outbox.add(piece(doc, place))) for doc in ("a", "b") for place in PLACES]
        assert producer.records == [], "nothing is sent before ingest yields the event loop"
        await asyncio.sleep(0.01)
        expected: dict[int, list[str]] = {}
        for doc, place, _ in added:
            expected.setdefault(partition_for(f"anti-war-2022/{place}".encode(), PARTITIONS), []).append(f"{doc}@{place}")
        assert dict(producer.records) == expected and len(producer.records) == len(expected)
        for delivery, (partition, _) in zip(producer.deliveries, producer.records):
            delivery.set_result(f"metadata {partition}")
        await asyncio.sleep(0)
        for doc, place, delivery in added:
            assert delivery.result() == f"metadata {partition_for(f'anti-war-2022/{place}'.encode(), PARTITIONS)}"

    asyncio.run(scenario())


def test_an_idle_feed_sends_each_items_evidence_at_once():
    async def scenario():
        producer = Producer()
        outbox = EvidenceOutbox("evidence", PARTITIONS, producer.send)
        first = outbox.add(piece("a", "Omsk"))
        await asyncio.sleep(0.01)
        second = outbox.add(piece("b", "Omsk"))
        await asyncio.sleep(0.01)
        assert [pieces for _, pieces in producer.records] == [["a@Omsk"], ["b@Omsk"]]
        assert first is not second

    asyncio.run(scenario())


def test_a_full_record_is_closed_and_sent_before_the_next():
    async def scenario():
        producer = Producer()
        outbox = EvidenceOutbox("evidence", PARTITIONS, producer.send)
        for n in range(PIECES_PER_RECORD + 5):
            outbox.add(piece(f"d{n}", "Omsk"))
        await asyncio.sleep(0.01)
        assert [len(pieces) for _, pieces in producer.records] == [PIECES_PER_RECORD, 5]
        assert producer.records[1][1][0] == f"d{PIECES_PER_RECORD}@Omsk"

    asyncio.run(scenario())


def test_a_failed_send_fails_its_record_and_every_later_one():
    async def scenario():
        producer = Producer(fail_at=1)
        outbox = EvidenceOutbox("evidence", PARTITIONS, producer.send)
        deliveries = [outbox.add(piece("a", place)) for place in PLACES]
        await asyncio.sleep(0.01)
        assert len(producer.records) == 1
        failed = [d for d in dict.fromkeys(deliveries) if d.done()]
        assert len(failed) == len(set(deliveries)) - 1
        later = outbox.add(piece("b", "Omsk"))
        await asyncio.sleep(0.01)
        assert len(producer.records) == 1, "nothing overtakes the lost record"
        for delivery in [*failed, later]:
            with pytest.raises(RuntimeError, match="broker refused"):
                delivery.result()

    asyncio.run(scenario())


def test_a_record_is_the_json_of_its_evidence_batch():
    async def scenario():
        pieces = [piece("a", "Omsk"), piece("b", "Omsk")]
        record = Record(0, b"key")
        for one in pieces:
            record.add(one.model_dump_json().encode())
        assert record.value() == EvidenceBatch(pieces=pieces).model_dump_json().encode()

    asyncio.run(scenario())


def test_a_record_is_closed_before_it_passes_its_byte_bound():
    async def scenario():
        producer = Producer()
        outbox = EvidenceOutbox("evidence", PARTITIONS, producer.send)
        long_doc_id = "x" * 100_000  # about 100 KB a piece: ten pieces pass the bound
        for n in range(12):
            outbox.add(piece(f"{n}{long_doc_id}", "Omsk"))
        await asyncio.sleep(0.01)
        sizes = [len(pieces) for _, pieces in producer.records]
        assert sum(sizes) == 12 and len(sizes) == 2
        assert all(size * 100_000 < MAX_RECORD_BYTES for size in sizes)

    asyncio.run(scenario())


def test_with_a_backlog_evidence_is_gathered_for_a_while():
    async def scenario():
        producer = Producer()
        outbox = EvidenceOutbox("evidence", PARTITIONS, producer.send)
        for n in range(3):
            outbox.add(piece(f"d{n}", "Omsk"), backlog=True)
            await asyncio.sleep(GATHER_SECONDS / 10)
        assert producer.records == []
        outbox.add(piece("last", "Omsk"), backlog=False)  # caught up: everything goes now
        await asyncio.sleep(0.01)
        assert [pieces for _, pieces in producer.records] == [["d0@Omsk", "d1@Omsk", "d2@Omsk", "last@Omsk"]]
        outbox.add(piece("late", "Omsk"), backlog=True)
        await asyncio.sleep(GATHER_SECONDS * 2)
        assert producer.records[-1][1] == ["late@Omsk"], "sent once the while is over"

    asyncio.run(scenario())


def test_with_a_backlog_enough_pieces_are_sent_at_once():
    async def scenario():
        producer = Producer()
        outbox = EvidenceOutbox("evidence", PARTITIONS, producer.send)
        for n in range(GATHER_PIECES):
            outbox.add(piece(f"d{n}", "Omsk"), backlog=True)
        await asyncio.sleep(GATHER_SECONDS / 10)
        assert [len(pieces) for _, pieces in producer.records] == [GATHER_PIECES]

    asyncio.run(scenario())
