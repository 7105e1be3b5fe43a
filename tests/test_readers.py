import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from worker.bench.pipeline import synth_documents
from worker.feed import feed_items
from worker.readers import READ_IN_THREAD_BYTES, InlineReader, ReaderDied, ReaderProcess, ReadFailed
from worker.records import read_article

from tests.noisy_reading import noisy_read_article

ROOT = Path(__file__).resolve().parents[1]
ITEMS = list(feed_items(synth_documents(150, seed=11)))


def record(item) -> tuple[bytes, bytes]:
    return item.doc_id.encode(), item.model_dump_json().encode()


def die_on_marker(item):
    """Runs in the reader process: ends it without a word, as the kernel's OOM killer would, for one item."""
    if item.doc_id.startswith("die-"):
        os._exit(9)
    return read_article(item)


class CountingReader(ReaderProcess):
    """Records the size of each hand-over to the reader process."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.batches: list[int] = []

    async def _hand_over(self, items):
        self.batches.append(len(items))
        return await super()._hand_over(items)


def read_all(reader: ReaderProcess, records) -> list:
    async def scenario():
        try:
            return await asyncio.gather(*(reader.read(*r) for r in records), return_exceptions=True)
        finally:
            await reader.close()
    return asyncio.run(scenario())


@pytest.mark.parametrize("reader", [ReaderProcess, InlineReader])
def test_each_record_gets_the_report_it_gets_in_this_process(reader):
    outcomes = read_all(reader(), [record(item) for item in ITEMS[:40]])
    for item, (report, value, published_at) in zip(ITEMS[:40], outcomes):
        assert report == read_article(item)
        assert value == report.model_dump_json().encode()
        assert published_at == item.published_at


def test_items_that_wait_are_handed_over_together_within_the_batch_limit():
    reader = CountingReader(max_batch=64)
    read_all(reader, [record(item) for item in ITEMS])
    assert reader.batches == [64, 64, 22]


@pytest.mark.parametrize("reader", [ReaderProcess, InlineReader])
def test_a_record_that_cannot_be_decoded_or_read_fails_alone_with_its_error_class(reader):
    empty = ITEMS[0].model_copy(update={"doc_id": "empty", "text": "  \n\n"})
    outcomes = read_all(reader(), [record(ITEMS[1]), record(empty), (b"x", b"{not json"), record(ITEMS[2])])
    assert isinstance(outcomes[1], ReadFailed) and isinstance(outcomes[2], ReadFailed)
    assert outcomes[1].error_class == "NoArticleText" and "no article text" in str(outcomes[1])
    assert outcomes[1].doc_id == "empty", "the item was decoded: its doc id goes with the error"
    assert (outcomes[2].error_class, outcomes[2].doc_id) == ("JSONDecodeError", None)
    assert [outcomes[0].report, outcomes[3].report] == [read_article(ITEMS[1]), read_article(ITEMS[2])]


@pytest.mark.timeout(120)
def test_an_item_that_kills_the_reader_process_fails_alone_and_reading_goes_on():
    deadly = ITEMS[0].model_copy(update={"doc_id": "die-now"})
    reader = CountingReader(die_on_marker)
    outcomes = read_all(reader, [record(item) for item in [ITEMS[1], ITEMS[2], deadly, ITEMS[3], ITEMS[4]]])
    assert isinstance(outcomes[2], ReadFailed) and outcomes[2].error_class == ReadFailed.READER_DIED
    for item, outcome in zip([ITEMS[1], ITEMS[2], ITEMS[3], ITEMS[4]], outcomes[:2] + outcomes[3:]):
        assert outcome.report == read_article(item)
    # The batch that held it was read again record by record, each in a process that had not died; after the one
    # that died alone, a short record in a new process showed that reading goes on.
    assert reader.batches == [5, 1, 1, 1, 1, 1, 1]


def always_die(item):
    os._exit(9)


@pytest.mark.timeout(120)
def test_a_reader_process_that_reads_nothing_is_a_fault_outside_the_records():
    outcomes = read_all(ReaderProcess(always_die), [record(ITEMS[1]), record(ITEMS[2])])
    assert all(isinstance(outcome, ReaderDied) for outcome in outcomes), outcomes
    assert not any(isinstance(outcome, ReadFailed) for outcome in outcomes), "not dead-lettered one by one"


def test_a_batch_holds_at_most_max_batch_bytes_and_one_record_at_least():
    large = ITEMS[0].model_copy(update={"doc_id": "large", "text": "Police detained 5 people. " * 100_000})
    reader = CountingReader(max_batch=64)
    outcomes = read_all(reader, [record(large), record(large), record(ITEMS[1]), record(ITEMS[2])])
    assert reader.batches == [1, 3], "2.6 MB each: two would pass MAX_BATCH_BYTES"
    assert outcomes[3].report == read_article(ITEMS[2])


def test_keys_count_towards_max_batch_bytes_as_values_do():
    # Values of 2,000,000 bytes each fit twice in MAX_BATCH_BYTES (4 MiB); with their keys they do not.
    waiting = [((b"k" * 100_000, b"v" * 2_000_000), None), ((b"k" * 100_000, b"v" * 2_000_000), None)]
    batch, rest = ReaderProcess()._next_batch(waiting)
    assert (len(batch), len(rest)) == (1, 1)
    assert len(ReaderProcess()._next_batch([((None, b"v" * 2_000_000), None)] * 2)[0]) == 2


def test_the_first_item_goes_at_once_and_those_arriving_meanwhile_go_next_together():
    async def scenario():
        reader = CountingReader()
        try:
            first = reader.read(*record(ITEMS[0]))
            await asyncio.sleep(0)  # its hand-over begins
            await asyncio.gather(first, *(reader.read(*record(item)) for item in ITEMS[1:4]))
        finally:
            await reader.close()
        return reader.batches
    assert asyncio.run(scenario()) == [1, 3]


@pytest.mark.timeout(60)
def test_what_a_read_function_prints_does_not_disturb_the_answers():
    outcomes = read_all(ReaderProcess(noisy_read_article), [record(item) for item in ITEMS[:3]])
    assert [outcome.report for outcome in outcomes] == [read_article(item) for item in ITEMS[:3]]


def test_the_reader_process_ignores_ctrl_c_and_reads_on():
    async def scenario():
        reader = ReaderProcess()
        try:
            await reader.start()
            pid = reader.pid
            os.kill(pid, signal.SIGINT)  # Ctrl-C reaches the worker's whole process group
            await asyncio.sleep(0.2)
            outcome = await reader.read(*record(ITEMS[1]))
            return pid, reader.pid, outcome
        finally:
            await reader.close()
    pid, pid_after, outcome = asyncio.run(scenario())
    assert pid_after == pid, "the same process read on"
    assert outcome.report == read_article(ITEMS[1])


def test_the_reader_process_ends_when_the_worker_is_killed(tmp_path):
    script = tmp_path / "killed_worker.py"
    script.write_text(
        "import asyncio, os, sys\n"
        "from worker.readers import ReaderProcess\n"
        "async def main():\n"
        "    reader = ReaderProcess()\n"
        "    await reader.start()\n"
        "    print(reader.pid, flush=True)\n"
        "    os.kill(os.getpid(), 9)\n"
        "if __name__ == '__main__':\n"
        "    asyncio.run(main())\n")
    output = tmp_path / "pids"
    with output.open("w") as stdout:  # not a pipe: a reader left behind would hold it open
        done = subprocess.run([sys.executable, str(script)], stdout=stdout, stderr=subprocess.STDOUT, timeout=60,
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == -9, output.read_text()
    children = [int(pid) for pid in output.read_text().split()]
    assert children
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children):
        assert time.monotonic() < deadline, "the reader process outlived its worker by 10 s"
        time.sleep(0.2)


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_the_inline_reader_reads_a_long_record_in_a_thread_and_a_short_one_at_once():
    long_item = ITEMS[0].model_copy(update={"doc_id": "long", "text": ITEMS[0].text + " word" * READ_IN_THREAD_BYTES})

    async def scenario():
        reader = InlineReader()
        short, long = reader.read(*record(ITEMS[1])), reader.read(*record(long_item))
        states = (short.done(), long.done())
        return states, (await short).report, (await long).report
    states, short_report, long_report = asyncio.run(scenario())
    assert states == (True, False), "the long record is still being read in its thread"
    assert (short_report, long_report) == (read_article(ITEMS[1]), read_article(long_item))
