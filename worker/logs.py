"""structlog set-up: one JSON event per line (key=value on a terminal), document id bound by the caller."""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter

import structlog


def configure_logging(level: int | str = logging.INFO) -> None:
    """Our events at `level` and above (the worker's `-l` / `--loglevel`); per-event lines are at DEBUG."""
    if isinstance(level, str):
        level = logging.getLevelName(level.upper())
    renderer = structlog.dev.ConsoleRenderer(colors=False) if sys.stderr.isatty() else structlog.processors.JSONRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    quiet_repeats = RepeatedMessageFilter()
    for name in KAFKA_CLIENT_LOGGERS:
        add_once(logging.getLogger(name), quiet_repeats)
    add_once(logging.getLogger(FAUST_PRODUCER_LOGGER), DebugOnlyFilter(FAUST_BACKPRESSURE_MESSAGES))


def add_once(logger: logging.Logger, new_filter: logging.Filter) -> None:
    """A worker configures its logging twice (at import, then with Faust's `-l`): one filter of a kind a logger."""
    if not any(type(present) is type(new_filter) for present in logger.filters):
        logger.addFilter(new_filter)


#: aiokafka's loggers that repeat one error many times a second while a broker is away.
KAFKA_CLIENT_LOGGERS = ("aiokafka", "aiokafka.conn", "aiokafka.cluster", "aiokafka.consumer.fetcher",
                        "aiokafka.consumer.group_coordinator", "aiokafka.producer.sender")


#: Faust's producer buffer (table changelog writes) says "producer buffer full size N" (a warning) and "producer flush
#: took S" each time it passes its 100 messages: hundreds of times a minute at full speed (152 to 174 warnings, and as
#: many INFO lines, in each 20,000-item run of two workers). That is its normal back-pressure, not a fault: a per-event
#: line, shown at DEBUG only.
FAUST_PRODUCER_LOGGER = "faust.transport.producer"
FAUST_BACKPRESSURE_MESSAGES = ("producer buffer full size", "producer flush took")


class DebugOnlyFilter(logging.Filter):
    """Lets the messages that start with one of `prefixes` through only when their logger is enabled for DEBUG."""

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith(self.prefixes):
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


class RepeatedMessageFilter(logging.Filter):
    """Lets each message (by logger, level and template) through once per `window` seconds and says how many
    were held back: while a broker is down aiokafka logs the same connection error thousands of times a second,
    which buries the worker's own `broker_unreachable` line."""

    def __init__(self, window: float = 10.0) -> None:
        super().__init__()
        self.window = window
        self.last_passed: dict[tuple, float] = {}
        self.held_back: Counter[tuple] = Counter()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, str(record.msg))
        now = time.monotonic()
        if now - self.last_passed.get(key, -self.window) < self.window:
            self.held_back[key] += 1
            return False
        self.last_passed[key] = now
        if held_back := self.held_back.pop(key, 0):
            record.msg = f"{record.msg} [{held_back} more like this in the last {self.window:g} s not shown]"
        return True


log = structlog.get_logger("protest_tally")
