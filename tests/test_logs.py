"""Log hygiene: a storm of identical client errors is folded into one line per window; Faust's back-pressure lines
show at DEBUG only."""

from __future__ import annotations

import logging
import time

from worker.logs import DebugOnlyFilter, RepeatedMessageFilter, configure_logging


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def storm_logger(window: float) -> tuple[logging.Logger, Collect]:
    logger = logging.getLogger(f"storm-{time.monotonic_ns()}")
    logger.propagate = False
    collect = Collect()
    logger.addHandler(collect)
    logger.addFilter(RepeatedMessageFilter(window))
    return logger, collect


def test_a_storm_of_one_error_shows_once_then_with_the_count_held_back():
    logger, collect = storm_logger(window=0.2)
    for port in range(1000):
        logger.error("Unable connect to node with id %s: %s", 1, f"refused on {port}")
    logger.error("Unable to update metadata from %s", [1])
    assert collect.lines == ["Unable connect to node with id 1: refused on 0", "Unable to update metadata from [1]"]
    time.sleep(0.25)
    logger.error("Unable connect to node with id %s: %s", 1, "refused again")
    assert collect.lines[-1] == "Unable connect to node with id 1: refused again [999 more like this in the last 0.2 s not shown]"


def test_the_same_text_at_another_level_is_not_held_back():
    logger, collect = storm_logger(window=60)
    logger.warning("Marking the coordinator dead")
    logger.error("Marking the coordinator dead")
    assert len(collect.lines) == 2


def test_faust_back_pressure_shows_at_debug_only():
    from faust.transport.producer import logger as faust_producer_logger  # where Faust says it

    configure_logging()
    configure_logging()  # as a worker does: at import, then with Faust's -l
    assert [type(f) for f in faust_producer_logger.filters].count(DebugOnlyFilter) == 1
    collect = Collect()
    faust_producer_logger.addHandler(collect)
    level = faust_producer_logger.level
    try:
        faust_producer_logger.setLevel(logging.INFO)
        faust_producer_logger.warning(f"producer buffer full size {101}")  # Faust formats these itself, as here
        faust_producer_logger.info(f"producer flush took {0.0123}")
        faust_producer_logger.warning("Producer buffer: something else")
        assert collect.lines == ["Producer buffer: something else"]
        faust_producer_logger.setLevel(logging.DEBUG)
        faust_producer_logger.warning(f"producer buffer full size {102}")
        assert collect.lines[-1] == "producer buffer full size 102"
    finally:
        faust_producer_logger.removeHandler(collect)
        faust_producer_logger.setLevel(level)
