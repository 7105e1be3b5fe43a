"""`python -m tests.stages.paused_partition_worker worker`: the worker, with one feed.raw partition paused once it is
ready and never resumed by Faust: the pause of a rebalance whose resume was lost. A seek alone does not end it (a
paused partition is not fetched), so the partition keeps its lag for good unless the watchdog resumes it."""

from faust.types import TP

from worker.app import app, main, settings
from worker.logs import log

PAUSED = TP(settings.topics.raw, 0)
_paused: list[bool] = []


@app.timer(interval=1.0)
async def pause_once_ready() -> None:
    if not _paused and not app.rebalancing and PAUSED in app.consumer.assignment():
        _paused.append(True)
        app.consumer.pause_partitions([PAUSED])
        log.warning("test_worker_paused", partition=f"{PAUSED.topic}[{PAUSED.partition}]")


if __name__ == "__main__":
    main()
