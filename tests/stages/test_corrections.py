"""Corrections on the broker: the same doc id with another text replaces its earlier version in the tally; the
same text again changes nothing. Also: `-l` sets the level of the worker's own per-event lines."""

from __future__ import annotations

import asyncio

from worker.bench.oracle import read_topic
from worker.feed import ArchivedDocument

LEDE = "Anti-war protesters rallied against the invasion of Ukraine on Sunday. "
FIRST = ArchivedDocument("live-page", LEDE + "Police detained 120 people in Kazan, OVD-Info said.")
CORRECTED = ArchivedDocument("live-page", LEDE + "Police detained 85 people in Omsk, OVD-Info said.")
OTHER = ArchivedDocument("other-outlet", LEDE + "Police detained 120 people in Kazan, OVD-Info said.")


def test_a_correction_replaces_the_earlier_version_and_the_same_text_again_changes_nothing(pipeline):
    pipeline.start_worker(loglevel="debug")
    pipeline.replay([FIRST, OTHER])
    pipeline.wait(2)
    before = pipeline.tally()
    assert (before["anti-war-2022/Kazan"].reports, before["anti-war-2022/Kazan"].claims[0].documents) == (2, 2)
    pipeline.replay([CORRECTED, CORRECTED])
    pipeline.wait(4)
    rows = pipeline.tally()
    kazan, omsk = rows["anti-war-2022/Kazan"], rows["anti-war-2022/Omsk"]
    assert (kazan.reports, kazan.detained_low, kazan.claims[0].documents, kazan.claims[0].first_doc_id) == (1, 120, 1, "other-outlet")
    assert (omsk.reports, omsk.detained_low, omsk.claims[0].first_doc_id) == (1, 85, "live-page")
    records = asyncio.run(read_topic(pipeline.kafka, pipeline.settings.topics.tally))
    assert sum(r.key == b"anti-war-2022/Omsk" for r in records) == 1, "the same text again published nothing"
    log = pipeline.workers[0].log_path.read_text()
    assert '"event": "reported"' in log and '"event": "tally_updated"' in log, "per-event lines at -l debug"


def test_per_event_lines_are_debug_lines(pipeline):
    pipeline.start_worker(loglevel="info")
    pipeline.replay([FIRST])
    pipeline.wait(1)
    log = pipeline.workers[0].log_path.read_text()
    assert '"event": "partitions_assigned"' in log
    assert '"reported"' not in log and '"tally_updated"' not in log


def test_a_document_that_leaves_a_row_leaves_a_tombstone(pipeline):
    pipeline.start_worker()
    pipeline.replay([FIRST])
    pipeline.wait(1)
    pipeline.replay([CORRECTED])
    pipeline.wait(2)
    assert set(pipeline.tally()) == {"anti-war-2022/Omsk"}
    records = asyncio.run(read_topic(pipeline.kafka, pipeline.settings.topics.tally))
    assert [r.value for r in records if r.key == b"anti-war-2022/Kazan"][-1] is None
    claims = asyncio.run(read_topic(pipeline.kafka, pipeline.settings.topics.tally_claims))
    assert [r.value for r in claims if r.key.startswith(b"anti-war-2022/Kazan|")][-1] is None
