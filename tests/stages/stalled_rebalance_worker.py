"""`python -m tests.stages.stalled_rebalance_worker worker`: the worker whose table recovery number
`TEST_STALLED_RECOVERY` (1 or 2) ends as Faust's does when the group's generation moved on while it ran
("Recovery rebalancing again"): recovery over, but the stream partitions left paused and the app rebalancing.
Without a new rebalance the worker idles for good. For the second, the worker asks its group for a second rebalance
once it is ready. The first is the one before Faust starts its timers and its web server.
"""

import os

from faust.tables.recovery import Recovery

from worker.app import app, main
from worker.logs import log
from worker.stages.watchdog import request_rejoin

_complete = Recovery.on_recovery_completed
_STALLED = int(os.environ["TEST_STALLED_RECOVERY"])
_recoveries: list[int] = []  # the generation of each recovery completed
_rejoin_asked: list[bool] = []


async def on_recovery_completed_stalling_one(self, generation_id: int = 0) -> None:
    _recoveries.append(generation_id)
    if len(_recoveries) == _STALLED:
        self._set_recovery_ended()
        log.warning("test_worker_left_rebalance_unfinished", generation=generation_id, recovery=_STALLED)
        return
    await _complete(self, generation_id)


Recovery.on_recovery_completed = on_recovery_completed_stalling_one


@app.timer(interval=2.0)
async def rebalance_once_ready() -> None:
    if _STALLED == 2 and _recoveries and not _rejoin_asked:
        _rejoin_asked.append(True)
        await request_rejoin()


if __name__ == "__main__":
    main()
