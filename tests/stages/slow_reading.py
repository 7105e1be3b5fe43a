"""A reader that takes SLOW_READING_SECONDS (default 10) longer to read any item whose doc id starts with "slow-".

Apart from tests.stages.slow_reading_worker because it runs in the reader process, which imports it: no Faust here."""

import os
import time

from worker.records import read_article

SLOW_SECONDS = float(os.environ.get("SLOW_READING_SECONDS", "10"))


def slow_read_article(item):
    if item.doc_id.startswith("slow-"):
        time.sleep(SLOW_SECONDS)
    return read_article(item)
