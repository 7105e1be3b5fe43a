"""The whole tally as the dashboard shows it: a mirror of the compacted topic protest.tally, read from its beginning
by every worker (a row's every distinct claim is asked of the worker that tallies it: worker.web.dashboard).

A worker's own tables hold only the rows of its partitions; the topics hold every row, so each worker of a group
answers for the whole table. Records are kept as bytes and parsed when a page asks, so that following the
topics costs the worker a dictionary update per change.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from schemas import ClaimTally, TallyRow
from worker.logs import log
from worker.settings import KafkaConnection, TopicNames
from worker.tally_topic import apply_change, follow_compacted
from worker.web.geo import map_point

#: Seconds between attempts to read a topic that does not exist yet.
RETRY_SECONDS = 1.0


class TallyMirror:
    """The latest record per key of protest.tally; `version` grows with every change applied."""

    def __init__(self) -> None:
        self.rows: dict[str, bytes] = {}
        self.version = 0
        self._page_rows: dict[str, tuple[bytes, dict]] = {}
        self._rendered: tuple[int, bytes] | None = None

    def apply_row(self, key: str, value: bytes | None) -> None:
        apply_change(self.rows, key, value)
        self.version += 1

    def clear_rows(self) -> None:
        self.rows.clear()
        self.version += 1

    def row(self, key: str) -> TallyRow | None:
        value = self.rows.get(key)
        return None if value is None else TallyRow.model_validate_json(value)

    def page_rows(self) -> list[dict]:
        """Every row with its map point, as the dashboard reads it; each row parsed once per record."""
        rows = [self._page_row(key, value) for key, value in sorted(self.rows.items())]
        self._page_rows = {key: self._page_rows[key] for key in self.rows if key in self._page_rows}
        return rows

    def table_json(self) -> bytes:
        """The page rows as one JSON document, rendered once per version."""
        if self._rendered is None or self._rendered[0] != self.version:
            self._rendered = (self.version, json.dumps({"version": self.version, "rows": self.page_rows()}).encode())
        return self._rendered[1]

    def _page_row(self, key: str, value: bytes) -> dict:
        cached = self._page_rows.get(key)
        if cached is None or cached[0] is not value:
            cached = (value, dashboard_row(TallyRow.model_validate_json(value)))
            self._page_rows[key] = cached
        return cached[1]


def dashboard_row(row: TallyRow, claims: list[ClaimTally] | None = None) -> dict:
    """A row as JSON with its map point (null for nationwide and for places off the map); with `claims`, every
    distinct claim in place of the row's largest ten."""
    data = row.model_dump(mode="json")
    data["map"] = map_point(row)
    if claims is not None:
        data["claims"] = [claim.model_dump(mode="json") for claim in claims]
    return data


async def follow_topic(kafka: KafkaConnection, topic: str, apply: Callable[[str, bytes | None], None],
                       clear: Callable[[], None]) -> None:
    """Apply every record of a compacted topic, from its beginning, for as long as the worker runs. The dashboard
    must never stop the worker: a failure (the broker away, a record that is not ours) is logged, and the topic is
    read again from its beginning, into an empty mirror (a key compacted away meanwhile must not stay)."""
    while True:
        clear()
        try:
            async for key, value in follow_compacted(kafka, topic, follow=True):
                apply(key, value)
            log.debug("tally_topic_missing", topic=topic)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - see the docstring
            log.warning("tally_mirror_failed", topic=topic, error=f"{type(error).__name__}: {error}"[:300])
        await asyncio.sleep(RETRY_SECONDS)


async def follow_tally(mirror: TallyMirror, kafka: KafkaConnection, topics: TopicNames) -> None:
    await follow_topic(kafka, topics.tally, mirror.apply_row, mirror.clear_rows)
