"""Settings from the environment: one place that names every variable the worker reads."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields
from pathlib import Path


#: Largest record the pipeline accepts (a 5 MB page, base64 in a dead letter): producers and topics agree on it.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024

CACHE_DIR = Path(os.environ.get("PROTEST_TALLY_CACHE", Path.home() / ".cache" / "protest-tally"))
#: Written by `python -m worker broker` so that other commands on this machine find the embedded broker.
BROKER_ADDRESS_FILE = CACHE_DIR / "broker.json"


@dataclass(frozen=True)
class TopicNames:
    """The pipeline's topics; an optional prefix lets several deployments (or tests) share one cluster."""

    raw: str = "feed.raw"
    reports: str = "protest.reports"
    evidence: str = "protest.place-evidence"
    tally: str = "protest.tally"
    dead_letter: str = "feed.dead-letter"

    @classmethod
    def with_prefix(cls, prefix: str) -> TopicNames:
        return cls(**{f.name: prefix + f.default for f in fields(cls)})


@dataclass(frozen=True)
class Settings:
    bootstrap_servers: str
    topics: TopicNames
    app_id: str
    partitions: int
    replication_factor: int
    web_host: str
    web_port: int
    data_dir: Path
    commit_interval: float
    progress_check_interval: float
    health_stall_seconds: float

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS") or embedded_broker_address() or "127.0.0.1:9092",
            topics=TopicNames.with_prefix(env.get("PROTEST_TALLY_TOPIC_PREFIX", "")),
            app_id=env.get("PROTEST_TALLY_APP_ID", "protest-tally"),
            partitions=int(env.get("PROTEST_TALLY_PARTITIONS", "4")),
            replication_factor=int(env.get("PROTEST_TALLY_REPLICATION_FACTOR", "1")),
            web_host=env.get("PROTEST_TALLY_WEB_HOST", "127.0.0.1"),
            web_port=int(env.get("PROTEST_TALLY_WEB_PORT", "6066")),
            data_dir=Path(env.get("PROTEST_TALLY_DATA_DIR", CACHE_DIR / "worker")),
            commit_interval=float(env.get("PROTEST_TALLY_COMMIT_INTERVAL", "1.0")),
            progress_check_interval=float(env.get("PROTEST_TALLY_PROGRESS_CHECK_SECONDS", "5.0")),
            health_stall_seconds=float(env.get("PROTEST_TALLY_HEALTH_STALL_SECONDS", "30")),
        )


def embedded_broker_address() -> str | None:
    """The bootstrap address of a `python -m worker broker` running on this machine, if any."""
    try:
        return json.loads(BROKER_ADDRESS_FILE.read_text())["bootstrap_servers"]
    except (OSError, ValueError, KeyError):
        return None
