"""The worker's stored state as Faust tables, each a compacted changelog topic whose values are our pydantic models:
the tally's contributions (worker.tally derives the rows from them) and the document versions ingest routes by.

Each model has a codec of its own (JSON by pydantic): a changelog record is validated once when it is read back (not
at every access), and the table holds it as a compact record (worker.stored). A table is written by the agent of one source partition and its
changelog record goes to that partition, so it recovers with the partition.
"""

from __future__ import annotations

import faust
from faust.serializers import codecs
from pydantic import BaseModel, TypeAdapter

from schemas.tally import Contribution, DocumentVersion
from worker.stored import StoredContribution, StoredVersion
from worker.tally import Tally

#: A stored record, built from its validated model (`of`).
Stored = StoredContribution | StoredVersion


class StoredCodec(codecs.Codec):
    """A stored record as its model's JSON, as on the topic: written by pydantic's serializer for the dataclass, whose
    fields are the model's (the same bytes; tests/test_stored.py checks), without building the model."""

    def __init__(self, model: type[BaseModel], stored: type[Stored]) -> None:
        super().__init__(model=model, stored=stored)
        self.model, self.stored, self.json = model, stored, TypeAdapter(stored)

    def _dumps(self, value: Stored) -> bytes:
        return self.json.dump_json(value)

    def _loads(self, data: bytes) -> Stored:
        return self.stored.of(self.model.model_validate_json(data))


def model_schema(model: type[BaseModel], stored: type[Stored]) -> faust.Schema:
    """Keys are plain UTF-8 strings; values the model's JSON (readable by any Kafka client)."""
    name = f"pydantic-{model.__name__}"
    codecs.register(name, StoredCodec(model, stored))
    return faust.Schema(key_type=str, key_serializer="raw", value_serializer=name)


def model_table(app: faust.App, name: str, model: type[BaseModel], stored: type[Stored], changelog: str,
                partitions: int) -> faust.Table:
    schema = model_schema(model, stored)
    # acks=False as on Faust's own changelog topics: no agent acknowledges a changelog record, and a topic with acks
    # has its partitions watched as streams, each logged as an ERROR every second once a worker ran for 5 minutes.
    topic = app.topic(changelog, schema=schema, partitions=partitions, compacting=True, acks=False)
    table = app.Table(name, schema=schema, key_type=str, partitions=partitions, changelog_topic=topic)
    # A Table takes its codecs from its key and value types (JSON unless a Faust Record says otherwise): ours
    # are the schema's, for the changelog records it writes and for those it reads back at recovery.
    table.key_serializer, table.value_serializer = schema.key_serializer, schema.value_serializer
    return table


def worker_state(app: faust.App, topics, partitions: int) -> tuple[Tally, faust.Table]:
    """The tally (its contributions stored, its rows derived again after each recovery) and the document versions."""
    contributions = model_table(app, "tally-contributions", Contribution, StoredContribution, topics.contributions,
                                partitions)
    tally = Tally(contributions)

    @contributions.on_recover
    async def derive_rows_again() -> None:
        # The worker's partitions may have changed: the rows are derived again at the next use.
        tally.stale = True

    return tally, model_table(app, "document-versions", DocumentVersion, StoredVersion, topics.versions, partitions)
