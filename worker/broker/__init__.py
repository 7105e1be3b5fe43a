"""Brokers the project starts itself: Apache Kafka from its jars, or the tansu fallback."""

from worker.broker.embedded import (
    TANSU_LIMITS,
    BrokerUnavailable,
    EmbeddedBroker,
    EmbeddedKafka,
    EmbeddedTansu,
    start_embedded_broker,
    wait_until_ready,
)

__all__ = [
    "TANSU_LIMITS", "BrokerUnavailable", "EmbeddedBroker", "EmbeddedKafka", "EmbeddedTansu",
    "start_embedded_broker", "wait_until_ready",
]
