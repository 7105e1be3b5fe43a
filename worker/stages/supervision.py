"""An agent that crashes anyway ends the worker process with a non-zero exit, for its supervisor to restart.

Every failure to read or process one record is dead-lettered where it happens (worker.stages.ingest and
worker.stages.tally), so what reaches here is a fault outside one record: the broker refusing our sends for
longer than the producer retries, or a bug of ours. Faust would otherwise leave the crashed agent down while the
worker idles with lag and /health answers 503. A graceful stop is no option: Faust's shutdown waits for the crashed
agent's unacknowledged event, which never comes. Exiting at once is safe, as a SIGKILL is: offsets are committed
only up to what was handled (worker.progress), so the restarted worker starts at the first record without an
outcome.
"""

from __future__ import annotations

import logging
import os
import sys

from worker.logs import log

#: The exit status of a worker stopped by a crashed agent (EX_SOFTWARE, sysexits.h).
EXIT_AGENT_CRASHED = 70


async def exit_worker(agent_name: str, error: BaseException) -> None:
    """Log the crash of an agent (from Faust's agent-error hook for our app, or a failed delivery an agent was
    waiting for) and end the process with EXIT_AGENT_CRASHED."""
    log.critical("agent_crashed", agent=agent_name, error_class=type(error).__name__, error=str(error)[:300],
                 exit_status=EXIT_AGENT_CRASHED)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(EXIT_AGENT_CRASHED)
