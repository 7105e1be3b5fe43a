"""Where a worker decodes and reads its feed.raw records: in a reader process beside it (the default), or in its
own process (PROTEST_TALLY_READER=inline).

Reading is the worker's largest CPU cost and Python runs one thread at a time, so read in the worker's process it
takes a core that routing, Kafka I/O and the tally also need. A ReaderProcess decodes and reads while the worker
sends the results of the last batch. Records are handed over in batches (those that arrived while the last batch
was read, at most MAX_BATCH): a hand-over costs the worker about 0.15 ms of CPU for one record and 30 µs per record
in a batch of 50 (3,000 synthetic items).
Where each worker has one core and no more (several workers on a host), the InlineReader saves the hand-over.

No Kafka here: the ingest stage (worker.stages.ingest) decides what to read and what to do with each outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import pickle
import struct
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import NamedTuple

from pydantic import ValidationError

from schemas import FeedItem, Report
from worker.records import read_article, read_feed_item, record_size

#: Each hand-over and each answer crosses the pipe as its length, then its pickle.
FRAME_LENGTH = struct.Struct("!I")
#: Records longer than this are read in a thread by the InlineReader (20 KB: about 10 ms of reading).
READ_IN_THREAD_BYTES = 20_000
#: Most records in one hand-over: a batch is answered as a whole, so a large one holds its first records back.
MAX_BATCH = 64
#: Most bytes of keys and values in one hand-over (a batch holds one record at least, whatever its size).
MAX_BATCH_BYTES = 4 * 1024 * 1024


WARM_UP_RECORD = (None, FeedItem(doc_id="warm-up", text="Police detained 5 people in Moscow on Saturday.", sequence=0,
                                  published_at=datetime(2022, 2, 26, tzinfo=timezone.utc)).model_dump_json().encode())


class ReadFailed(Exception):
    """Decoding or reading a record raised; carries that error's class name and description (what its dead letter
    gives, the error itself may not cross from the reader process), and the item's doc id once it was decoded."""

    #: The error class of an item during whose reading the reader process ended (killed, or out of memory) twice:
    #: once in its batch, once alone in a new process.
    READER_DIED = "ReaderProcessDied"

    def __init__(self, error_class: str, description: str, doc_id: str | None = None) -> None:
        super().__init__(description)
        self.error_class = error_class
        self.doc_id = doc_id


class Failure(NamedTuple):
    error_class: str
    description: str
    doc_id: str | None


#: A feed.raw record's key and value.
Record = tuple[bytes | None, bytes | None]


class Read(NamedTuple):
    """A record read: its Report, the Report's JSON, and when the item was published."""

    report: Report
    value: bytes
    published_at: datetime


def describe(error: BaseException) -> str:
    """The reason, without the input's text: a dead letter keeps the original bytes, and logs must not carry
    documents."""
    if isinstance(error, ValidationError):
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in error.errors(include_input=False))
        return f"{error.error_count()} validation error(s) for {error.title}: {problems}"
    return str(error)


def read_record(read: Callable[[FeedItem], Report], key: bytes | None, value: bytes | None) -> Read | Failure:
    """A record's Read, or why it could not be decoded (worker.records.read_feed_item) or read (`read`)."""
    item = None
    try:
        item = read_feed_item(key, value)
        report = read(item)
        return Read(report, report.model_dump_json().encode(), item.published_at)
    except Exception as error:  # noqa: BLE001 - RecursionError and MemoryError too: one record fails alone
        return Failure(type(error).__name__, describe(error), item.doc_id if item else None)


def read_batch(read: Callable[[FeedItem], Report], records: list[Record]) -> list[tuple[bytes, datetime] | Failure]:
    """In the reader process: each record's Report as JSON with the item's publication time, or why it failed. The
    JSON crosses back and is validated again in the worker: 5 µs a synthetic item there, against 9 to unpickle
    the model."""
    outcomes: list[tuple[bytes, datetime] | Failure] = []
    for key, value in records:
        outcome = read_record(read, key, value)
        outcomes.append(outcome if isinstance(outcome, Failure) else (outcome.value, outcome.published_at))
    return outcomes


class ReaderDied(Exception):
    """The reader process ended (killed, out of memory, or unable to start) before it answered a hand-over."""


class ReaderChild:
    """`python -P -m worker.reader_main MODULE:FUNCTION`: a process that reads the batches it gets on its stdin with
    that function and answers each on its stdout.

    A plain child process with two pipes, driven by the worker's event loop: a ProcessPoolExecutor ran two threads in
    the worker to feed and answer it (besides the event loop, for the one interpreter lock) and started
    multiprocessing's resource tracker, a third process of 13 MB. The child ends on its own when its worker is
    gone, SIGKILL included: its stdin then ends."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process
        self.pid = process.pid

    @classmethod
    async def start(cls, read: Callable[[FeedItem], Report]) -> ReaderChild:
        # The child imports what the worker imports, from the same places (tests' readers too); -P keeps its working
        # directory from coming first.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-P", "-m", "worker.reader_main", f"{read.__module__}:{read.__qualname__}",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env)
        return cls(process)

    async def read_batch(self, records: list[Record]) -> list[tuple[bytes, datetime] | Failure]:
        payload = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self._process.stdin.write(FRAME_LENGTH.pack(len(payload)))
            self._process.stdin.write(payload)
            await self._process.stdin.drain()
            (length,) = FRAME_LENGTH.unpack(await self._process.stdout.readexactly(FRAME_LENGTH.size))
            return pickle.loads(await self._process.stdout.readexactly(length))
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            # Its end of a pipe closed: it is ending. Collected here, so that `close` does not signal a process that
            # asyncio's child watcher is about to collect.
            raise ReaderDied(f"the reader process ended (exit status {await self._process.wait()})") from error

    async def close(self) -> None:
        """End it now (what it was reading is abandoned with it) and collect its exit status."""
        if self._process.returncode is None:
            self._process.kill()
        await self._process.wait()


def serve(read_path: str, requests, answers) -> None:
    """In the reader process (worker.reader_main): answer each batch read from `requests` with `read_batch`, until
    `requests` ends (the worker closed it, or is gone)."""
    module, _, name = read_path.partition(":")
    read = getattr(importlib.import_module(module), name)
    while header := requests.read(FRAME_LENGTH.size):
        (length,) = FRAME_LENGTH.unpack(header)
        answer = pickle.dumps(read_batch(read, pickle.loads(requests.read(length))), protocol=pickle.HIGHEST_PROTOCOL)
        answers.write(FRAME_LENGTH.pack(len(answer)))
        answers.write(answer)
        answers.flush()


class ReaderProcess:
    """Decodes and reads feed.raw records in a child process, in batches, and answers each `read` with a Read.
    `read` runs in the child, which imports it by its module and name: a module-level function."""

    def __init__(self, read: Callable[[FeedItem], Report] = read_article, max_batch: int = MAX_BATCH) -> None:
        self._read = read
        self._max_batch = max_batch
        self._child: ReaderChild | None = None
        self._waiting: list[tuple[Record, asyncio.Future]] = []
        #: The task that hands the waiting records over, while there are any.
        self._reading: asyncio.Task | None = None

    def read(self, key: bytes | None, value: bytes | None) -> asyncio.Future[Read]:
        """The record's Read, or ReadFailed, once the reader process has decoded and read it."""
        answer = asyncio.get_running_loop().create_future()
        self._waiting.append(((key, value), answer))
        if self._reading is None:
            self._reading = asyncio.ensure_future(self._read_waiting())
        return answer

    async def _read_waiting(self) -> None:
        batch: list[tuple[Record, asyncio.Future]] = []
        try:
            while self._waiting:
                batch, self._waiting = self._next_batch(self._waiting)
                try:
                    outcomes = await self._read_batch([record for record, _ in batch])
                except asyncio.CancelledError:
                    raise
                except BaseException as error:  # noqa: BLE001 - no reader process reads: a fault outside the records
                    fault = error if isinstance(error, Exception) else RuntimeError(f"reader process: {error!r}")
                    outcomes = [fault] * len(batch)
                for (_, answer), outcome in zip(batch, outcomes):
                    _answer(answer, outcome)
        except asyncio.CancelledError:
            # The worker is stopping: what waits is abandoned with it, and nothing waits for ever.
            for _, answer in batch + self._waiting:
                answer.cancel()
            self._waiting = []
            raise
        finally:
            self._reading = None

    def _next_batch(self, waiting: list) -> tuple[list, list]:
        """The first records waiting, up to MAX_BATCH of them and MAX_BATCH_BYTES (one at least)."""
        size = 0
        for count, ((key, value), _) in enumerate(waiting[:self._max_batch]):
            size += record_size(key, value)
            if count and size > MAX_BATCH_BYTES:
                return waiting[:count], waiting[count:]
        return waiting[:self._max_batch], waiting[self._max_batch:]

    async def _read_batch(self, records: list[Record]) -> list:
        try:
            return await self._hand_over(records)
        except ReaderDied:
            return [await self._read_alone(record) for record in records]

    async def _read_alone(self, record: Record):
        """After a batch killed its process: each of its records in a new one, so that only the one at fault fails.
        When a record dies alone, a short one is tried in a new process too: if that dies as well, no reader process
        reads at all (it cannot start, or memory is out), and ReaderDied ends the worker instead of dead-lettering
        every record."""
        try:
            return (await self._hand_over([record]))[0]
        except ReaderDied:
            await self._hand_over([WARM_UP_RECORD])
            return Failure(ReadFailed.READER_DIED, "the reader process ended while it read this record", None)

    async def _hand_over(self, records: list[Record]) -> list[tuple[bytes, datetime] | Failure]:
        if self._child is None:
            self._child = await ReaderChild.start(self._read)
        child = self._child
        try:
            return await child.read_batch(records)
        except BaseException:
            # Dead, or cancelled halfway through a hand-over (its answer would be taken for the next one's).
            self._child = None
            await asyncio.shield(child.close())
            raise

    @property
    def pid(self) -> int | None:
        """The reader process's, while one runs."""
        return self._child.pid if self._child else None

    async def start(self) -> None:
        """Start the reader process and read one short item, so that the first records do not wait for its imports
        and word tables (about half a second)."""
        await self.read(*WARM_UP_RECORD)

    async def close(self) -> None:
        reading = self._reading
        if reading is not None:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reading
        if self._child is not None:
            child, self._child = self._child, None
            await child.close()


class InlineReader:
    """Decodes and reads feed.raw records in the worker's process, as they arrive; records longer than
    READ_IN_THREAD_BYTES in a thread, so that reading one (seconds for megabytes) does not hold up heartbeats."""

    def __init__(self, read: Callable[[FeedItem], Report] = read_article) -> None:
        self._read = read
        #: One thread: long records are read one after the other, as the reader process reads them.
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="long-record-reader")

    def read(self, key: bytes | None, value: bytes | None) -> asyncio.Future[Read]:
        """The record's Read, or ReadFailed: at once for a record of usual size."""
        loop = asyncio.get_running_loop()
        answer = loop.create_future()
        if value is not None and len(value) > READ_IN_THREAD_BYTES:
            reading = loop.run_in_executor(self._thread, read_record, self._read, key, value)
            reading.add_done_callback(lambda done: _answer(answer, done.exception() or done.result()))
        else:
            _answer(answer, read_record(self._read, key, value))
        return answer

    async def start(self) -> None:
        await self.read(*WARM_UP_RECORD)

    async def close(self) -> None:
        self._thread.shutdown(wait=False, cancel_futures=True)


def _answer(answer: asyncio.Future, outcome: Read | tuple[bytes, datetime] | Failure | Exception) -> None:
    if answer.done():  # cancelled: its record was abandoned
        return
    if isinstance(outcome, Exception):
        answer.set_exception(outcome)
    elif isinstance(outcome, Failure):
        answer.set_exception(ReadFailed(*outcome))
    elif isinstance(outcome, Read):
        answer.set_result(outcome)
    else:
        value, published_at = outcome
        answer.set_result(Read(Report.model_validate_json(value), value, published_at))


def reader_for(kind: str, read: Callable[[FeedItem], Report] = read_article) -> ReaderProcess | InlineReader:
    """The reader PROTEST_TALLY_READER names (worker.settings.READERS)."""
    return ReaderProcess(read) if kind == "process" else InlineReader(read)

