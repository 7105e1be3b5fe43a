"""The topics of the pipeline, created explicitly (not left to auto-creation) with their configs."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from worker.logs import log
from worker.settings import MAX_MESSAGE_BYTES, Settings, TopicNames


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


async def ensure_topics(settings: Settings) -> None:
    admin = AIOKafkaAdminClient(**settings.kafka.client_options())
    await admin.start()
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
