"""Reading the pipeline from outside: the current tally from the compacted topic, and whether the worker is done."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from schemas import TallyRow
from worker.settings import KafkaConnection, TopicNames


async def topic_partitions(kafka: KafkaConnection, topics: list[str]) -> list[TopicPartition]:
    """The partitions of these topics (none for a topic that does not exist yet)."""
    admin = AIOKafkaAdminClient(**kafka.client_options())
    try:
        await admin.start()
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return [TopicPartition(t["topic"], p["partition"]) for t in described if t["error_code"] == 0 for p in t["partitions"]]


async def end_offsets(kafka: KafkaConnection, topics: list[str]) -> dict[TopicPartition, int]:
    partitions = await topic_partitions(kafka, topics)
    if not partitions:
        return {}
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    try:
        await consumer.start()
        return await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()


async def count_records(kafka: KafkaConnection, topic: str) -> int:
    """Records on a (non-compacted) topic: the sum of its partitions' end offsets."""
    return sum((await end_offsets(kafka, [topic])).values())


async def follow_compacted(kafka: KafkaConnection, topic: str, *,
                           follow: bool = False) -> AsyncIterator[tuple[str, bytes | None]]:
    """Every record from the beginning of a compacted topic as (key, value), the value None for a tombstone; with
    follow, keep waiting for changes."""
    partitions = await topic_partitions(kafka, [topic])
    if not partitions:
        return
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False, auto_offset_reset="earliest",
                                isolation_level="read_committed")
    try:
        await consumer.start()
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        while True:
            if not follow and all([await consumer.position(tp) >= ends[tp] for tp in partitions]):
                return
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    yield record.key.decode(), record.value
    finally:
        await consumer.stop()


async def follow_tally(kafka: KafkaConnection, topics: TopicNames, *,
                       follow: bool = False) -> AsyncIterator[tuple[str, TallyRow | None]]:
    """Every record from the beginning of protest.tally as (key, row), the row None for a tombstone (a row no
    current document speaks of any more); with follow, keep waiting for changes."""
    async for key, value in follow_compacted(kafka, topics.tally, follow=follow):
        yield key, None if value is None else TallyRow.model_validate_json(value)


async def read_tally(kafka: KafkaConnection, topics: TopicNames) -> dict[str, TallyRow]:
    """The current table: the latest record per key."""
    rows: dict[str, TallyRow] = {}
    async for key, row in follow_tally(kafka, topics):
        apply_change(rows, key, row)
    return rows


def apply_change(rows: dict[str, TallyRow], key: str, row: TallyRow | None) -> None:
    """One record of protest.tally applied to the rows read so far: the latest row per key, a tombstone removes it."""
    if row is None:
        rows.pop(key, None)
    else:
        rows[key] = row


async def committed_offsets(kafka: KafkaConnection, group_id: str, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
    """The group's committed offsets (0 where none). A consumer that never joins the group asks for them, which
    works on tansu too (its admin OffsetFetch answer does not parse)."""
    consumer = AIOKafkaConsumer(**kafka.client_options(), group_id=group_id, enable_auto_commit=False)
    try:
        await consumer.start()
        return {tp: (await consumer.committed(tp)) or 0 for tp in partitions}
    finally:
        await consumer.stop()


async def group_lag(kafka: KafkaConnection, group_id: str, topics: list[str]) -> int | None:
    """Records on these topics that the group has not committed yet (None while its coordinator is not known)."""
    ends = await end_offsets(kafka, topics)
    try:
        committed = await committed_offsets(kafka, group_id, list(ends))
    except KafkaError:
        return None
    # max(0, ...): tansu can report an end offset below the committed one (see its limits in the README).
    return sum(max(0, end - committed[tp]) for tp, end in ends.items())


async def wait_until_processed(kafka: KafkaConnection, topics: TopicNames, group_id: str, expected_items: int, timeout: float = 120.0,
                               alive: Callable[[], bool] = lambda: True) -> None:
    """Until every item is reported or dead-lettered, the group has committed everything, and the tally is still."""
    deadline = time.monotonic() + timeout
    last_snapshot = None
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError("the worker exited before the pipeline was done")
        ends = await end_offsets(kafka, [topics.reports, topics.dead_letter, topics.tally])
        outputs = sum(end for tp, end in ends.items() if tp.topic in (topics.reports, topics.dead_letter))
        lag = await group_lag(kafka, group_id, [topics.raw, topics.reports, topics.evidence])
        snapshot = (outputs, lag, sum(end for tp, end in ends.items() if tp.topic == topics.tally))
        if outputs >= expected_items and lag == 0 and snapshot == last_snapshot:
            return
        last_snapshot = snapshot
        await asyncio.sleep(1.0)
    raise TimeoutError(f"pipeline not done after {timeout:.0f}s (outputs, lag, tally records) = {last_snapshot}")


#: `tally --sort`: the order of the rows within each wave (the rows of one wave always stay together, since the
#: figures of different waves are not comparable).
ROW_ORDERS: dict[str, Callable[[TallyRow], tuple]] = {
    # nationwide first, then the places A-Z
    "place": lambda row: (row.wave, row.place != "nationwide", row.place),
    # the largest figure first, places without a figure last
    "detained": lambda row: (row.wave, row.detained_low is None, -(row.detained_low or 0), row.place),
    "reports": lambda row: (row.wave, -row.reports, row.place),
}
#: Piped, the console is this wide so that rich never wraps a row onto a second line (grep and diff see one a line).
PIPED_WIDTH = 10_000


def is_selected(wave: str, place: str, *, only_wave: str | None = None, only_place: str | None = None) -> bool:
    """Whether a row is among those `tally --wave/--place` asked for; place names match in any case."""
    return (only_wave is None or wave == only_wave) and (only_place is None or place.casefold() == only_place.casefold())


def select_rows(rows: Iterable[TallyRow], *, wave: str | None = None, place: str | None = None,
                order: str = "place") -> list[TallyRow]:
    """The rows of that wave and place (all when None), in one of the ROW_ORDERS."""
    return sorted((row for row in rows if is_selected(row.wave, row.place, only_wave=wave, only_place=place)),
                  key=ROW_ORDERS[order])


def detained_range(row: TallyRow) -> str:
    """The headline figure: "4,000", "300-400" when its claim gives an upper bound, "-" when the row has none."""
    if row.detained_low is None:
        return "-"
    if row.detained_high and row.detained_high != row.detained_low:
        return f"{row.detained_low:,}-{row.detained_high:,}"
    return f"{row.detained_low:,}"


def tally_table(rows: list[TallyRow], *, terminal: bool) -> Table:
    """The rows as a rich table: ruled and coloured on a terminal; bare columns otherwise (no box characters)."""
    table = Table(box=box.SIMPLE_HEAD if terminal else None, pad_edge=terminal, header_style="bold")
    table.add_column("wave", style="cyan")
    table.add_column("place")
    table.add_column("reports", justify="right")
    table.add_column("detained", justify="right", style="bold red")
    table.add_column("as reported", style="italic")
    for row in rows:
        # Text cells: a bracket in a quoted figure is not rich markup, and numbers are not re-coloured.
        cells = (row.wave, row.place, str(row.reports), detained_range(row), row.detained_text or "")
        table.add_row(*map(Text, cells), style="bold" if row.place == "nationwide" else None)
    return table


def stdout_console() -> Console:
    """Rich's console on stdout: colours only on a terminal (rich's own detection, which also honours NO_COLOR),
    and piped, wide enough for any row."""
    console = Console()
    return console if console.is_terminal else Console(width=PIPED_WIDTH)


def print_tally(rows: list[TallyRow]) -> None:
    console = stdout_console()
    console.print(tally_table(rows, terminal=console.is_terminal))
