"""The topics of the pipeline, created explicitly (not left to auto-creation) with their configs."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from worker.logs import log
from worker.settings import DEAD_LETTER_TOPIC, EVIDENCE_TOPIC, RAW_TOPIC, REPORTS_TOPIC, TALLY_TOPIC, Settings

#: topic -> config; the tally is compacted, so its latest record per key is the current row.
TOPIC_CONFIGS: dict[str, dict[str, str]] = {
    RAW_TOPIC: {},
    REPORTS_TOPIC: {},
    EVIDENCE_TOPIC: {},
    TALLY_TOPIC: {"cleanup.policy": "compact", "min.cleanable.dirty.ratio": "0.1", "segment.ms": "600000"},
    DEAD_LETTER_TOPIC: {},
}


async def ensure_topics(settings: Settings) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, settings.partitions, settings.replication_factor, topic_configs=config)
            for name, config in TOPIC_CONFIGS.items()
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
