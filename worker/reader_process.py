"""Reading in a process of its own: the worker's event loop hands feed items over and gets their Reports back.

Reading is the worker's largest CPU cost and Python runs one thread at a time, so read in the worker's process it
takes a core that routing, Kafka I/O and the tally also need. A second process reads while the worker sends the
results of the last batch. Items are handed over in batches (those that arrived while the last batch was read,
at most MAX_BATCH): a hand-over costs about 0.3 ms for one item and 30 µs per item in a batch of 50.

No Kafka here: the ingest stage (worker.stages.ingest) decides what to read and what to do with each outcome.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from datetime import datetime, timezone
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import NamedTuple

from pydantic import ValidationError

from schemas import FeedItem, Report
from worker.records import read_article

#: How often the reader process checks that the worker that started it still runs.
PARENT_CHECK_SECONDS = 1.0
#: Most items in one hand-over: a batch is answered as a whole, so a large one holds its first items back.
MAX_BATCH = 64


WARM_UP_ITEM = FeedItem(doc_id="warm-up", text="Police detained 5 people in Moscow on Saturday.", sequence=0,
                        published_at=datetime(2022, 2, 26, tzinfo=timezone.utc))


class ReadFailed(Exception):
    """Reading an item raised in the reader process; carries that error's class name and description."""

    #: The error class of an item during whose reading the reader process ended (killed, or out of memory) twice:
    #: once in its batch, once alone in a new process.
    READER_DIED = "ReaderProcessDied"

    def __init__(self, error_class: str, description: str) -> None:
        super().__init__(description)
        self.error_class = error_class


class Failure(NamedTuple):
    error_class: str
    description: str


def describe(error: BaseException) -> str:
    """The reason, without the input's text: a dead letter keeps the original bytes, and logs must not carry
    documents."""
    if isinstance(error, ValidationError):
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in error.errors(include_input=False))
        return f"{error.error_count()} validation error(s) for {error.title}: {problems}"
    return str(error)


def read_batch(read: Callable[[FeedItem], Report], items: list[FeedItem]) -> list[bytes | Failure]:
    """In the reader process: each item's Report as JSON, or why it could not be read."""
    outcomes: list[bytes | Failure] = []
    for item in items:
        try:
            outcomes.append(read(item).model_dump_json().encode())
        except Exception as error:  # noqa: BLE001 - RecursionError and MemoryError too: one item fails alone
            outcomes.append(Failure(type(error).__name__, describe(error)))
    return outcomes


def watch_parent(parent_pid: int) -> None:
    """In the reader process: end it once the worker is gone. A worker killed with SIGKILL closes nothing, and the
    reader would wait for its next batch for ever (it holds both ends of its own task queue)."""
    threading.Thread(target=_exit_when_orphaned, args=(parent_pid,), daemon=True, name="watch-parent").start()


def _exit_when_orphaned(parent_pid: int) -> None:
    while os.getppid() == parent_pid:  # an orphan is adopted by init (or a subreaper) the moment its parent dies
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


class ReaderProcess:
    """Reads feed items in a child process, in batches, and answers each `read` with its Report (and its JSON)."""

    def __init__(self, read: Callable[[FeedItem], Report] = read_article, max_batch: int = MAX_BATCH) -> None:
        self._read = read
        self._max_batch = max_batch
        self._pool: ProcessPoolExecutor | None = None
        self._waiting: list[tuple[FeedItem, asyncio.Future]] = []
        #: The task that hands the waiting items over, while there are any.
        self._reading: asyncio.Task | None = None

    def read(self, item: FeedItem) -> asyncio.Future[tuple[Report, bytes]]:
        """The item's Report and its JSON, or ReadFailed, once the reader process has read it."""
        answer = asyncio.get_running_loop().create_future()
        self._waiting.append((item, answer))
        if self._reading is None:
            self._reading = asyncio.ensure_future(self._read_waiting())
        return answer

    async def _read_waiting(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:self._max_batch], self._waiting[self._max_batch:]
                try:
                    outcomes = await self._read_batch([item for item, _ in batch])
                except Exception as error:  # noqa: BLE001 - the pool refused the batch (closed): its items fail
                    outcomes = [error] * len(batch)
                for (_, answer), outcome in zip(batch, outcomes):
                    _answer(answer, outcome)
        finally:
            self._reading = None

    async def _read_batch(self, items: list[FeedItem]) -> list[bytes | Failure]:
        try:
            return await self._hand_over(items)
        except BrokenProcessPool:
            return [await self._read_alone(item) for item in items]

    async def _read_alone(self, item: FeedItem) -> bytes | Failure:
        """After a batch killed its process: each of its items in a new one, so that only the item at fault fails."""
        try:
            return (await self._hand_over([item]))[0]
        except BrokenProcessPool:
            return Failure(ReadFailed.READER_DIED, "the reader process ended while it read this item")

    async def _hand_over(self, items: list[FeedItem]) -> list[bytes | Failure]:
        if self._pool is None:
            # Spawned, not forked: the worker runs threads (Faust's, the executor's), which a fork would copy mid-step.
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=watch_parent, initargs=(os.getpid(),))
        try:
            return await asyncio.wrap_future(self._pool.submit(read_batch, self._read, items))
        except BrokenProcessPool:
            self._pool.shutdown(wait=False)
            self._pool = None
            raise

    async def start(self) -> None:
        """Start the reader process and read one short item, so that the first items do not wait for its imports
        and word tables (about half a second)."""
        await self.read(WARM_UP_ITEM)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _answer(answer: asyncio.Future, outcome: bytes | Failure | Exception) -> None:
    if answer.done():  # cancelled: its record was abandoned
        return
    if isinstance(outcome, Exception):
        answer.set_exception(outcome)
    elif isinstance(outcome, Failure):
        answer.set_exception(ReadFailed(*outcome))
    else:
        answer.set_result((Report.model_validate_json(outcome), outcome))
