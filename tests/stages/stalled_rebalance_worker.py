"""`python -m tests.stages.stalled_rebalance_worker worker`: the worker, asking its group for a second rebalance once
it is ready, whose table recovery then ends as Faust's does when the group's generation moved on while it ran
("Recovery rebalancing again"): recovery over, but the stream partitions left paused and the app rebalancing.
Without a new rebalance the worker idles for good. (The first one cannot be stalled so: Faust starts its timers,
the watchdog's among them, only once the first recovery is complete.)
"""

from faust.tables.recovery import Recovery

from worker.app import app, main
from worker.logs import log
from worker.stages.watchdog import request_rejoin

_complete = Recovery.on_recovery_completed
_recoveries: list[int] = []  # the generation of each recovery completed
_rejoin_asked: list[bool] = []


async def on_recovery_completed_stalling_the_second(self, generation_id: int = 0) -> None:
    _recoveries.append(generation_id)
    if len(_recoveries) == 2:
        self._set_recovery_ended()
        log.warning("test_worker_left_rebalance_unfinished", generation=generation_id)
        return
    await _complete(self, generation_id)


Recovery.on_recovery_completed = on_recovery_completed_stalling_the_second


@app.timer(interval=2.0)
async def rebalance_once_ready() -> None:
    if _recoveries and not _rejoin_asked:
        _rejoin_asked.append(True)
        await request_rejoin()


if __name__ == "__main__":
    main()
