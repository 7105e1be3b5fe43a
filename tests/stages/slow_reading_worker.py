"""`python -m tests.stages.slow_reading_worker worker`: the worker, whose reader takes SLOW_READING_SECONDS (default
10) longer to read any item whose doc id starts with "slow-" (tests.stages.slow_reading).

The tests of a stuck item need an item whose reading takes a known, long time; the reader became fast enough that
no text within the input limits is slow for sure on every machine.
"""

import worker.stages.ingest as ingest
from tests.stages.slow_reading import slow_read_article
from worker.app import main
from worker.readers import reader_for

ingest.reader = reader_for(ingest.settings.reader, slow_read_article)

if __name__ == "__main__":
    main()
