"""The topics of the pipeline, created explicitly (not left to auto-creation) with their configs."""

from __future__ import annotations

import asyncio
import time

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError

from worker.logs import log
from worker.settings import MAX_MESSAGE_BYTES, KafkaConnection, Settings, TopicNames


def topic_configs(topics: TopicNames) -> dict[str, dict[str, str]]:
    """topic -> config; the tables' changelogs are compacted, so the latest record per key is the current value."""
    large = {"max.message.bytes": str(MAX_MESSAGE_BYTES)}
    compacted = {"cleanup.policy": "compact", "min.cleanable.dirty.ratio": "0.1", "segment.ms": "600000"}
    return {
        topics.raw: large,
        topics.reports: {},
        topics.evidence: large,
        topics.tally: compacted,
        topics.tally_claims: compacted,
        topics.contributions: compacted,
        topics.versions: compacted,
        topics.dead_letter: large,
    }


#: Pauses between attempts to reach a cluster that does not answer yet: short at first (a broker starting beside
#: the worker answers within seconds), then steady.
RETRY_PAUSES_SECONDS = (1.0, 2.0, 5.0)
#: The longest one attempt may take: a port that accepts connections but does not answer (a broker still starting,
#: a proxy, a wrong port) would otherwise hold it for aiokafka's 40 s request timeout.
ATTEMPT_SECONDS = 5.0


class NoBrokerAnswered(KafkaConnectionError):
    """No broker of the cluster answered within the time allowed; `reason` is the last attempt's error."""

    def __init__(self, bootstrap_servers: str, waited_seconds: float, reason: str) -> None:
        super().__init__(f"no broker answered at {bootstrap_servers} in {waited_seconds:.0f} s: {reason}")
        self.bootstrap_servers = bootstrap_servers
        self.waited_seconds = waited_seconds
        self.reason = reason


async def ensure_topics(settings: Settings, wait_seconds: float = 0.0) -> None:
    """Create the pipeline's missing topics. While no broker answers, try again for up to `wait_seconds`, then raise
    NoBrokerAnswered."""
    admin = await started_admin(settings, wait_seconds)
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, settings.partitions, settings.replication_factor, topic_configs=config)
            for name, config in topic_configs(settings.topics).items()
            if name not in existing
        ]
        if not missing:
            return
        response = await admin.create_topics(missing)
        for topic, error_code, *rest in getattr(response, "topic_errors", []):
            if error_code not in (0, TopicAlreadyExistsError.errno):
                raise RuntimeError(f"cannot create topic {topic}: error {error_code} {rest}")
        log.info("topics_created", topics=[t.name for t in missing], partitions=settings.partitions)
    finally:
        await admin.close()


async def started_admin(settings: Settings, wait_seconds: float) -> AIOKafkaAdminClient:
    """An admin client whose cluster answers; while it does not (a worker started before its broker, by a shell or a
    supervisor), one warning per attempt and another attempt, for up to `wait_seconds`; then NoBrokerAnswered."""
    started = time.monotonic()
    pauses = iter(RETRY_PAUSES_SECONDS)
    waited = False
    while True:
        try:
            admin = await answering_admin(settings.kafka)
        except (KafkaError, asyncio.TimeoutError) as error:
            reason = str(error) or type(error).__name__
            seconds_left = started + wait_seconds - time.monotonic()
            if seconds_left <= 0:
                raise NoBrokerAnswered(settings.kafka.bootstrap_servers, time.monotonic() - started, reason) from error
            pause = min(next(pauses, RETRY_PAUSES_SECONDS[-1]), seconds_left)
            log.warning("waiting_for_broker", bootstrap_servers=settings.kafka.bootstrap_servers, reason=reason,
                        seconds_left=round(seconds_left), retry_in=round(pause, 1))
            await asyncio.sleep(pause)
            waited = True
            continue
        if waited:
            log.info("broker_found", waited_seconds=round(time.monotonic() - started, 1))
        return admin


async def answering_admin(kafka: KafkaConnection) -> AIOKafkaAdminClient:
    """An admin client started, and whose cluster answered a metadata request from a broker's advertised address (a
    bootstrap server can answer while that address cannot be reached), each in ATTEMPT_SECONDS at most."""
    admin = AIOKafkaAdminClient(**kafka.client_options())
    try:
        await asyncio.wait_for(admin.start(), ATTEMPT_SECONDS)
        await asyncio.wait_for(admin.describe_cluster(), ATTEMPT_SECONDS)
    except BaseException:
        await admin.close()
        raise
    return admin
