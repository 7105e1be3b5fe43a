"""Settings from the environment: one place that names every variable the worker reads."""

from __future__ import annotations

import json
import math
import os
import ssl
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path


#: Largest record the pipeline accepts (a 5 MB page, base64 in a dead letter): producers and topics agree on it.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024

#: aiokafka's default batch per partition; 1 puts each record in a batch of its own (needed on tansu, see its limits).
DEFAULT_PRODUCER_BATCH_BYTES = 16384

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
    tally_claims: str = "protest.tally-claims"
    contributions: str = "protest.tally-contributions"
    versions: str = "protest.document-versions"
    dead_letter: str = "feed.dead-letter"

    @classmethod
    def with_prefix(cls, prefix: str) -> TopicNames:
        return cls(**{f.name: prefix + f.default for f in fields(cls)})


READERS = ("process", "inline")
SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


@dataclass(frozen=True)
class KafkaConnection:
    """Where the cluster is and how to authenticate to it: every Kafka client of the project is built from this."""

    bootstrap_servers: str
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = "PLAIN"
    sasl_username: str | None = None
    sasl_password: str | None = field(default=None, repr=False)
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None

    def __post_init__(self) -> None:
        if self.security_protocol not in SECURITY_PROTOCOLS:
            raise ValueError(f"KAFKA_SECURITY_PROTOCOL={self.security_protocol!r}: expected one of {', '.join(SECURITY_PROTOCOLS)}")
        if self.uses_sasl:
            if self.sasl_mechanism not in SASL_MECHANISMS:
                raise ValueError(f"KAFKA_SASL_MECHANISM={self.sasl_mechanism!r}: expected one of {', '.join(SASL_MECHANISMS)}")
            if not (self.sasl_username and self.sasl_password):
                raise ValueError(f"KAFKA_SECURITY_PROTOCOL={self.security_protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD")

    @classmethod
    def from_env(cls, bootstrap_servers: str) -> KafkaConnection:
        env = os.environ
        return cls(
            bootstrap_servers=bootstrap_servers,
            security_protocol=env.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").upper(),
            sasl_mechanism=env.get("KAFKA_SASL_MECHANISM", "PLAIN").upper(),
            sasl_username=env.get("KAFKA_SASL_USERNAME"),
            sasl_password=env.get("KAFKA_SASL_PASSWORD"),
            ssl_cafile=env.get("KAFKA_SSL_CAFILE"),
            ssl_certfile=env.get("KAFKA_SSL_CERTFILE"),
            ssl_keyfile=env.get("KAFKA_SSL_KEYFILE"),
        )

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol.startswith("SASL_")

    @property
    def uses_ssl(self) -> bool:
        return self.security_protocol.endswith("SSL")

    def ssl_context(self) -> ssl.SSLContext | None:
        if not self.uses_ssl:
            return None
        context = ssl.create_default_context(cafile=self.ssl_cafile)
        if self.ssl_certfile:
            context.load_cert_chain(self.ssl_certfile, self.ssl_keyfile)
        return context

    def client_options(self) -> dict:
        """Keyword arguments for any aiokafka client (producer, consumer, admin)."""
        options: dict = {"bootstrap_servers": self.bootstrap_servers, "security_protocol": self.security_protocol,
                         "ssl_context": self.ssl_context()}
        if self.uses_sasl:
            options.update(sasl_mechanism=self.sasl_mechanism, sasl_plain_username=self.sasl_username,
                           sasl_plain_password=self.sasl_password)
        return options

    def faust_credentials(self):
        """The same settings for Faust's own clients (None: plaintext)."""
        import faust

        if self.uses_sasl:
            return faust.SASLCredentials(username=self.sasl_username, password=self.sasl_password,
                                         mechanism=self.sasl_mechanism, ssl_context=self.ssl_context())
        if self.uses_ssl:
            return faust.SSLCredentials(self.ssl_context())
        return None

    def as_env(self) -> dict[str, str]:
        """The environment that gives a child process (a worker) this same connection."""
        names = {"bootstrap_servers": "KAFKA_BOOTSTRAP_SERVERS", "security_protocol": "KAFKA_SECURITY_PROTOCOL",
                 "sasl_mechanism": "KAFKA_SASL_MECHANISM", "sasl_username": "KAFKA_SASL_USERNAME",
                 "sasl_password": "KAFKA_SASL_PASSWORD", "ssl_cafile": "KAFKA_SSL_CAFILE",
                 "ssl_certfile": "KAFKA_SSL_CERTFILE", "ssl_keyfile": "KAFKA_SSL_KEYFILE"}
        return {variable: getattr(self, name) for name, variable in names.items() if getattr(self, name) is not None}


@dataclass(frozen=True)
class Settings:
    kafka: KafkaConnection
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
    producer_batch_bytes: int
    #: How long the worker's producer waits to fill a batch (Kafka's linger.ms): fewer, larger requests cost the broker
    #: and the worker less CPU per record, for that much more latency.
    producer_linger_seconds: float
    #: How long a stop may wait for the broker to take the last deliveries and commits (worker.stages.supervision).
    stop_seconds: float
    #: How long a starting worker waits for a broker to answer (worker.topics.started_admin) before it gives up.
    broker_wait_seconds: float
    #: How long a rebalance may go on, from when the watchdog first saw it or its table recovery ended, before the
    #: watchdog asks the group for a new one (worker.stages.watchdog).
    rebalance_stall_seconds: float
    #: Where ingest reads: "process" (a process of its own) or "inline" (the worker's), see worker.readers.
    reader: str

    def __post_init__(self) -> None:
        if self.reader not in READERS:
            raise ValueError(f"PROTEST_TALLY_READER={self.reader!r}: expected one of {', '.join(READERS)}")

    @classmethod
    def from_env(cls) -> Settings:
        env: dict[str, str] = dict(os.environ)
        if not env.get("KAFKA_BOOTSTRAP_SERVERS"):
            # The embedded broker of `python -m worker broker`, with what a worker on it needs (tansu: small batches).
            embedded = embedded_broker()
            env = {**embedded.get("worker_env", {}), **env,
                   "KAFKA_BOOTSTRAP_SERVERS": embedded.get("bootstrap_servers", "127.0.0.1:9092")}
        return cls(
            kafka=KafkaConnection.from_env(env["KAFKA_BOOTSTRAP_SERVERS"]),
            topics=TopicNames.with_prefix(env.get("PROTEST_TALLY_TOPIC_PREFIX", "")),
            app_id=env.get("PROTEST_TALLY_APP_ID", "protest-tally"),
            partitions=int(env.get("PROTEST_TALLY_PARTITIONS", "4")),
            replication_factor=int(env.get("PROTEST_TALLY_REPLICATION_FACTOR", "1")),
            web_host=env.get("PROTEST_TALLY_WEB_HOST", "127.0.0.1"),
            web_port=int(env.get("PROTEST_TALLY_WEB_PORT", "6066")),
            data_dir=Path(env.get("PROTEST_TALLY_DATA_DIR", CACHE_DIR / "worker")),
            commit_interval=seconds(env, "PROTEST_TALLY_COMMIT_INTERVAL", "1.0"),
            progress_check_interval=seconds(env, "PROTEST_TALLY_PROGRESS_CHECK_SECONDS", "5.0"),
            health_stall_seconds=seconds(env, "PROTEST_TALLY_HEALTH_STALL_SECONDS", "30"),
            producer_batch_bytes=int(env.get("PROTEST_TALLY_PRODUCER_BATCH_BYTES", str(DEFAULT_PRODUCER_BATCH_BYTES))),
            producer_linger_seconds=seconds(env, "PROTEST_TALLY_PRODUCER_LINGER_SECONDS", "0.02"),
            stop_seconds=seconds(env, "PROTEST_TALLY_STOP_SECONDS", "8"),
            broker_wait_seconds=seconds(env, "PROTEST_TALLY_BROKER_WAIT_SECONDS", "60"),
            rebalance_stall_seconds=seconds(env, "PROTEST_TALLY_REBALANCE_STALL_SECONDS", "60"),
            reader=env.get("PROTEST_TALLY_READER", "process").lower(),
        )


def seconds(env: dict[str, str], name: str, default: str) -> float:
    """A duration setting: a number of seconds, 0 or more ('nan' and 'inf' are refused too), else an error that names
    the variable."""
    text = env.get(name, default)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name}={text!r}: expected a number of seconds, 0 or more")
    return value


@cache
def worker_settings() -> Settings:
    """The running worker's settings, read from the environment once."""
    return Settings.from_env()


def embedded_broker() -> dict:
    """What `python -m worker broker` running on this machine wrote of itself (empty if none runs)."""
    try:
        return json.loads(BROKER_ADDRESS_FILE.read_text())
    except (OSError, ValueError):
        return {}
