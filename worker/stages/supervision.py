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
from worker.topics import NoBrokerAnswered

#: The exit status of a worker stopped by a crashed agent (EX_SOFTWARE, sysexits.h).
EXIT_AGENT_CRASHED = 70
#: The exit status of a worker that found no broker at its start within PROTEST_TALLY_BROKER_WAIT_SECONDS, and of a
#: command that needs one and finds none (EX_UNAVAILABLE, sysexits.h).
EXIT_NO_BROKER = 69
#: The exit status of a worker whose web port (PROTEST_TALLY_WEB_PORT) is taken (EX_CONFIG, sysexits.h).
EXIT_WEB_PORT_TAKEN = 78
#: The exit status of a worker whose stop outlasted PROTEST_TALLY_STOP_SECONDS (EX_TEMPFAIL, sysexits.h).
EXIT_STOP_TIMED_OUT = 75


async def exit_worker(agent_name: str, error: BaseException) -> None:
    """Log the crash of an agent (from Faust's agent-error hook for our app, or a failed delivery an agent was
    waiting for) and end the process with EXIT_AGENT_CRASHED."""
    log.critical("agent_crashed", agent=agent_name, error_class=type(error).__name__, error=str(error)[:300],
                 exit_status=EXIT_AGENT_CRASHED)
    end_process(EXIT_AGENT_CRASHED)


def stop_timed_out(seconds: float) -> None:
    """A stop that waited `seconds` for the broker to take its last deliveries and commits: Faust's stop waits for
    them for ever, and a broker that is gone never takes them (the worker then spun on reconnecting until killed).
    Ending here loses nothing, as a SIGKILL does not: what was not committed is read again by the next worker."""
    log.error("stop_timed_out", seconds=seconds, exit_status=EXIT_STOP_TIMED_OUT,
              reason="the broker took no last delivery or commit (unreachable?)",
              effect="records not committed are read again by the next worker")
    end_process(EXIT_STOP_TIMED_OUT)


def no_broker_at_start(error: NoBrokerAnswered) -> None:
    """A worker that started and found no broker for PROTEST_TALLY_BROKER_WAIT_SECONDS: one line that says so (not
    Faust's traceback of the last attempt), and an exit for its supervisor (compose's restart policy, systemd) to
    start it again."""
    log.error("no_broker_at_start", bootstrap_servers=error.bootstrap_servers, waited_seconds=round(error.waited_seconds, 1),
              reason=error.reason, exit_status=EXIT_NO_BROKER,
              hint="is the broker up, and KAFKA_BOOTSTRAP_SERVERS (and the broker's advertised listeners) right?")
    end_process(EXIT_NO_BROKER)


def web_port_taken(host: str, port: int) -> None:
    """A second worker on one host with the first one's web port: say so before anything starts (Faust would fail at
    the bind, with a traceback, after joining the group)."""
    log.error("web_port_taken", host=host, port=port, exit_status=EXIT_WEB_PORT_TAKEN,
              hint="another worker on this host? give each its own port: PROTEST_TALLY_WEB_PORT or --web-port")
    end_process(EXIT_WEB_PORT_TAKEN)


def end_process(status: int) -> None:
    """Exit now with `status`, once the logs are out: no service's stop runs (it would wait on the broker)."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
