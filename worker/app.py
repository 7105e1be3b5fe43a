"""The Faust app: settings, topics and table. Stages (worker.stages) and commands (worker.commands) attach to it."""

from __future__ import annotations

import logging
import time

import faust
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError

from worker.broker.embedded import port_is_free
from worker.logs import configure_logging
from worker.progress import HandledOffsetsConsumer
from worker.settings import MAX_MESSAGE_BYTES, worker_settings
from worker.stages.supervision import exit_worker, no_broker_at_start, stop_timed_out, web_port_taken
from worker.state import worker_state
from worker.topics import NoBrokerAnswered, ensure_topics

settings = worker_settings()
configure_logging()
#: Errors of Faust's clients at their start that mean the broker is not there (any more).
BROKER_GONE = (KafkaConnectionError, NodeNotReadyError, KafkaTimeoutError)


class ProtestTallyWorker(faust.Worker):
    def on_setup_root_logger(self, logger, level: int) -> None:
        # Faust's `-l` / `--loglevel` sets its root logger here; our structlog events follow the same level.
        # No spinner: at -l warn or above Faust sets the root logger to DEBUG for it to spin on every record,
        # so Faust's and aiokafka's debug lines for each send were formatted: a tenth of the worker's time.
        self.spinner = None
        super().on_setup_root_logger(logger, level)
        configure_logging(level or logging.WARNING)

    #: Set once every service has started; mode's `start` then waits until the worker stops.
    up = False

    async def on_started(self) -> None:
        self.up = True
        await super().on_started()

    async def start(self) -> None:
        started = time.monotonic()
        try:
            await super().start()
        except BROKER_GONE as error:
            if self.up:
                raise
            # The broker answered the start-up check (App.on_first_start) and went away before Faust's clients were
            # up: seen in the soak, a worker started as the broker restarted. It ends as a worker that found no
            # broker does (status 69, one line), not with Faust's traceback and status 1.
            no_broker_at_start(NoBrokerAnswered(settings.kafka.bootstrap_servers, time.monotonic() - started,
                                                f"{type(error).__name__}: {error}"))

    def _schedule_shutdown(self, signal) -> None:
        # mode's Worker sends every stop signal (SIGTERM, SIGINT) here; the first arms the stop's deadline.
        if not self._signal_stop_time:
            self.loop.call_later(settings.stop_seconds, stop_timed_out, settings.stop_seconds)
        super()._schedule_shutdown(signal)


class ProtestTallyApp(faust.App):
    def _new_transport(self):
        transport = super()._new_transport()
        transport.Consumer = HandledOffsetsConsumer
        return transport

    async def _on_agent_error(self, agent, exc: BaseException) -> None:
        # Faust calls this when an exception ends an agent (its "agent errors" hook); we then end the worker.
        await super()._on_agent_error(agent, exc)
        await exit_worker(agent.name, exc)

    async def on_first_start(self) -> None:
        # Faust's own options (--web-port, --web-bind, --without-web, --web-transport) are in self.conf by now.
        web = self.conf
        if web.web_enabled and web.web_transport.scheme == "tcp" and not port_is_free(web.web_bind, web.web_port):
            web_port_taken(web.web_bind, web.web_port)
        # Our topics exist with their partition counts and configs before any agent subscribes. This is the
        # worker's first call to the broker: a worker started before its broker waits for it here.
        try:
            await ensure_topics(settings, wait_seconds=settings.broker_wait_seconds)
        except NoBrokerAnswered as error:
            no_broker_at_start(error)
        await super().on_first_start()


app = ProtestTallyApp(
    settings.app_id,
    broker=";".join(f"kafka://{server}" for server in settings.kafka.bootstrap_servers.split(",")),
    broker_credentials=settings.kafka.faust_credentials(),
    store="memory://",
    datadir=str(settings.data_dir),
    topic_partitions=settings.partitions,
    topic_replication_factor=settings.replication_factor,
    topic_disable_leader=True,
    web_bind=settings.web_host,
    web_host=settings.web_host,
    web_port=settings.web_port,
    broker_commit_interval=settings.commit_interval,
    # A restarted worker gets its partitions back within a few seconds (measured in the README).
    broker_session_timeout=6.0,
    broker_heartbeat_interval=1.0,
    broker_rebalance_timeout=10.0,
    consumer_auto_offset_reset="earliest",
    producer_acks=-1,
    producer_linger=settings.producer_linger_seconds,
    producer_max_request_size=MAX_MESSAGE_BYTES,
    producer_max_batch_size=settings.producer_batch_bytes,
    table_standby_replicas=0,
    Worker=ProtestTallyWorker,
)

raw_topic = app.topic(settings.topics.raw, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")
evidence_topic = app.topic(settings.topics.evidence, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")
worker_tally, versions_table = worker_state(app, settings.topics, settings.partitions)


def main() -> None:
    import worker.commands  # noqa: F401 - registers the commands
    import worker.stages.ingest  # noqa: F401 - registers the agents
    import worker.stages.tally  # noqa: F401 - registers the agents
    import worker.web.dashboard  # noqa: F401 - registers the dashboard's pages and its tally mirror
    import worker.web.metrics  # noqa: F401 - registers GET /metrics

    app.main()


async def send(topic: str, key: bytes | None, value: bytes | None, timestamp: float | None = None,
               headers: list[tuple[str, bytes]] | None = None, partition: int | None = None):
    """Hand a record for `topic` to the producer (to the key's partition unless one is given); returns its delivery,
    an awaitable of its RecordMetadata.

    Straight to Faust's producer: a Faust Topic's send wraps each record in futures and sensor calls our agents do
    not use. The topics we only write to (reports, dead letters, the tally's rows and
    claims, which downstream consumers read) are created by worker.topics."""
    return await app.producer.send(topic, key, value, partition=partition, timestamp=timestamp, headers=headers)
