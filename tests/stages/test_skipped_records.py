"""Records Faust acknowledges without handing them to an agent are re-read, at full speed, and counted once.

The worker here (tests.stages.skipping_worker) loses one record in SKIP_EVERY on every source partition the first time
it arrives, as Faust does around rebalances, while a backlog arrives in batches."""

from __future__ import annotations

import asyncio
import json
import math
import re
import time

from worker.bench.oracle import assert_one_outcome_per_item, differences, oracle, tally_of
from worker.feed import ArchivedDocument
from worker.synth import synth_archive
from worker.tally_topic import end_offsets

ITEMS = 1200
SKIP_EVERY = 40


def test_skipped_records_are_re_read_and_the_tally_equals_the_oracle(pipeline):
    documents = [ArchivedDocument(i["doc_id"], i["text"]) for i in synth_archive(ITEMS, seed=31)]
    pipeline.replay(documents)  # all of it before the worker starts: it reads a backlog, in batches
    pipeline.env_overrides["SKIP_EVERY"] = str(SKIP_EVERY)
    started = time.monotonic()
    pipeline.start_worker(module="tests.stages.skipping_worker")
    # A backlog the worker reads in seconds; re-reads that handled one record per seek took minutes.
    pipeline.wait(ITEMS, timeout=60)
    topics = pipeline.settings.topics
    ends = asyncio.run(end_offsets(pipeline.kafka, [topics.raw, topics.evidence]))
    skipped = sum(math.ceil(end / SKIP_EVERY) for end in ends.values())
    log = pipeline.workers[0].log_path.read_text()
    reads = [tuple(map(int, read)) for read in
             re.findall(r'"first": (\d+), "end": (\d+), "read": (\d+), "event": "skipped_records_read"', log)]
    assert reads, "no record was skipped: the test's worker did not skip"
    assert all(read == end - first for first, end, read in reads), "a hole was not read back whole"
    assert len(reads) <= skipped, f"{len(reads)} holes read back for {skipped} records skipped"
    rows = tally_of(pipeline)
    expected = oracle(documents)
    assert rows == expected, differences(rows, expected)
    assert_one_outcome_per_item(pipeline, repeats_allowed=False)
    print(json.dumps({"items": ITEMS, "skip_every": SKIP_EVERY, "skipped": skipped, "holes_read": len(reads),
                      "seconds": round(time.monotonic() - started, 1)}))
