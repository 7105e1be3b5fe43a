"""Ingest's backlog hint (worker.stages.ingest.has_backlog), which decides whether evidence is gathered."""

import asyncio
from types import SimpleNamespace

from aiokafka import AIOKafkaConsumer

import worker.stages.ingest as ingest


def message(offset: int) -> SimpleNamespace:
    return SimpleNamespace(topic="feed.raw", partition=0, offset=offset)


def test_a_backlog_is_records_after_this_one(monkeypatch):
    monkeypatch.setattr(ingest.app, "_consumer", SimpleNamespace(highwater=lambda tp: 10))
    assert ingest.has_backlog(message(3))
    assert not ingest.has_backlog(message(9)), "the last record fetched: caught up"


def test_no_highwater_yet_is_no_backlog(monkeypatch):
    monkeypatch.setattr(ingest.app, "_consumer", SimpleNamespace(highwater=lambda tp: None))
    assert not ingest.has_backlog(message(3))


def test_a_partition_revoked_meanwhile_is_no_backlog_not_a_crash(monkeypatch):
    async def unassigned_highwater():
        consumer = AIOKafkaConsumer(bootstrap_servers="127.0.0.1:9")  # never started: nothing is assigned
        monkeypatch.setattr(ingest.app, "_consumer", SimpleNamespace(highwater=consumer.highwater))
        try:
            return ingest.has_backlog(message(3))
        finally:
            await consumer.stop()

    assert asyncio.run(unassigned_highwater()) is False
