"""`python -m tests.stages.slow_reading_worker worker`: the worker, taking SLOW_READING_SECONDS (default 10) longer
to read any item whose doc id starts with "slow-".

The tests of a stuck item need an item whose reading takes a known, long time; the reader became fast enough that
no text within the input limits is slow for sure on every machine. The item's text must be long enough to be read
in a thread (ingest.READ_IN_THREAD_CHARS), as a really slow one is, so that the event loop stays free.
"""

import os
import time

import worker.stages.ingest as ingest
from worker.app import main

SLOW_SECONDS = float(os.environ.get("SLOW_READING_SECONDS", "10"))
read_article = ingest.read_article


def slow_read_article(item):
    if item.doc_id.startswith("slow-"):
        time.sleep(SLOW_SECONDS)
    return read_article(item)


ingest.read_article = slow_read_article

if __name__ == "__main__":
    main()
