"""Reading the pipeline from outside: the current tally from the compacted topic, and whether the worker is done."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, MutableMapping
from typing import TypeVar

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

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


RowT = TypeVar("RowT")


def apply_change(rows: MutableMapping[str, RowT], key: str, row: RowT | None) -> None:
    """One record of a compacted topic applied to what was read so far: the latest per key, a tombstone removes it."""
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


async def wait_group_stable(kafka: KafkaConnection, group: str, members: int, timeout: float = 60.0,
                            alive: Callable[[], bool] = lambda: True) -> None:
    """Until the consumer group is stable with `members` members: its workers have joined and have their partitions.
    Asked through the admin client, which reports a group coordinator not elected yet as an error to us (a group
    consumer logs one at ERROR level on each attempt meanwhile)."""
    admin = AIOKafkaAdminClient(**kafka.client_options())
    deadline = time.monotonic() + timeout
    try:
        await admin.start()
        while time.monotonic() < deadline:
            if not alive():
                raise RuntimeError(f"a member of group {group} exited before the group was stable")
            try:
                described = await admin.describe_consumer_groups([group])
            except KafkaError:  # no coordinator for the group yet
                await asyncio.sleep(0.5)
                continue
            state, _, _, group_members = described[0].groups[0][2:6]
            if state == "Stable" and len(group_members) == members:
                return
            await asyncio.sleep(0.5)
    finally:
        await admin.close()
    raise TimeoutError(f"group {group} not stable with {members} members after {timeout:.0f} s")


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
        lag = await group_lag(kafka, group_id, [topics.raw, topics.evidence])
        snapshot = (outputs, lag, sum(end for tp, end in ends.items() if tp.topic == topics.tally))
        if outputs >= expected_items and lag == 0 and snapshot == last_snapshot:
            return
        last_snapshot = snapshot
        await asyncio.sleep(1.0)
    raise TimeoutError(f"pipeline not done after {timeout:.0f}s (outputs, lag, tally records) = {last_snapshot}")
