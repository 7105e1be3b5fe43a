"""Evidence on its way from ingest to the tally: gathered per protest.place-evidence partition and sent as one
EvidenceBatch record per partition, so that the tally handles one event for many items under load.

While ingest is caught up with feed.raw, each item's evidence is sent at once (at the next turn of the event loop);
with a backlog, evidence is gathered for up to GATHER_SECONDS or GATHER_PIECES pieces, then sent. Sends keep the
order pieces were added in (one send at a time, full records first), which the tally relies on: a correction's
withdrawal comes after the evidence it withdraws.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable

from aiokafka.partitioner import DefaultPartitioner

from schemas import PlaceEvidence
from schemas.tally import PIECES_PER_RECORD

#: How long, and up to how many pieces, evidence is gathered while feed.raw has a backlog. A record then carries the
#: evidence of tens to hundreds of items; the latency added is bounded, and none while ingest is caught up.
GATHER_SECONDS = 0.05
GATHER_PIECES = 500
#: A record is closed before its value passes this many bytes: well within the broker's default message limit
#: (1 MiB), whatever the topic's own setting.
MAX_RECORD_BYTES = 900_000

Send = Callable[..., Awaitable[asyncio.Future]]
_PARTITIONER = DefaultPartitioner()


@functools.cache
def _numbered(partitions: int) -> list[int]:
    return list(range(partitions))


def partition_for(key: bytes, partitions: int) -> int:
    """The partition a record with this key goes to by Kafka's default partitioner (murmur2), which is where
    Faust's router looks for a row (GET /tally/{wave}/{place}/documents)."""
    return _PARTITIONER(key, _numbered(partitions), _numbered(partitions))


class Record:
    """Pieces for one partition, each kept as its JSON, and the delivery of the record that carries them once it is
    sent."""

    def __init__(self, partition: int, key: bytes) -> None:
        self.partition, self.key = partition, key
        self.pieces: list[bytes] = []
        self.size = 0
        self.delivery: asyncio.Future = asyncio.get_running_loop().create_future()

    def has_room(self, piece: bytes) -> bool:
        return not self.pieces or (len(self.pieces) < PIECES_PER_RECORD and self.size + len(piece) < MAX_RECORD_BYTES)

    def add(self, piece: bytes) -> None:
        self.pieces.append(piece)
        self.size += len(piece) + 1

    def value(self) -> bytes:
        """The EvidenceBatch's JSON, as its model would write it (tests/stages/test_outbox.py checks)."""
        return b'{"pieces":[' + b",".join(self.pieces) + b"]}"

    def deliver(self, sent: asyncio.Future) -> None:
        """Settle `delivery` as the producer's delivery `sent` settles."""
        def settle(sent: asyncio.Future) -> None:
            if self.delivery.done():
                return
            if sent.cancelled():
                self.delivery.cancel()
            elif sent.exception() is not None:
                self.delivery.set_exception(sent.exception())
            else:
                self.delivery.set_result(sent.result())
        sent.add_done_callback(settle)


class EvidenceOutbox:
    def __init__(self, topic: str, partitions: int, send: Send) -> None:
        self.topic, self.partitions, self.send = topic, partitions, send
        self.open: dict[int, Record] = {}
        self.full: list[Record] = []
        self.sending = asyncio.Lock()
        self.gathered = 0
        self.scheduled: asyncio.TimerHandle | None = None
        self.tasks: set[asyncio.Task] = set()  # the event loop keeps only weak references to tasks
        #: The first send that failed: every record after it fails too, lest it overtake the lost one.
        self.failed: BaseException | None = None

    def add(self, piece: PlaceEvidence, backlog: bool = False) -> asyncio.Future:
        """Queue a piece, to be sent at once or, with a `backlog` behind its item, gathered with the next ones;
        returns the delivery of the record that will carry it."""
        key, value = piece.key.encode(), piece.model_dump_json().encode()
        partition = partition_for(key, self.partitions)
        record = self.open.get(partition)
        if record is None or not record.has_room(value):
            if record is not None:
                self.full.append(record)
            record = self.open[partition] = Record(partition, key)
        record.add(value)
        self.gathered += 1
        self._send_within(GATHER_SECONDS if backlog and self.gathered < GATHER_PIECES else 0)
        return record.delivery

    def _send_within(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        if self.scheduled is not None:
            if self.scheduled.when() <= loop.time() + seconds:
                return
            self.scheduled.cancel()
        self.scheduled = loop.call_later(seconds, self._start_sending)

    def _start_sending(self) -> None:
        self.scheduled = None
        task = asyncio.ensure_future(self.send_all())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def send_all(self) -> None:
        """Send every queued record, in the order their pieces were added. Once a send has failed, this and every
        later record fail unsent (sent, they would overtake the lost one): the first acknowledgement waiting for one
        ends the worker, and its successor reads them again."""
        async with self.sending:
            records, self.full, self.open, self.gathered = [*self.full, *self.open.values()], [], {}, 0
            for record in records:
                if self.failed is None:
                    try:
                        sent = await self.send(self.topic, record.key, record.value(), partition=record.partition)
                    except Exception as error:  # noqa: BLE001 - delivered to whoever waits for these records
                        self.failed = error
                    else:
                        record.deliver(sent)
                        continue
                record.delivery.set_exception(self.failed)
