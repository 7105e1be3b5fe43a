"""SASL: a broker that refuses anonymous clients, and the whole pipeline running on it from KAFKA_SASL_* settings."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from aiokafka.errors import KafkaError

from tests.broker.secure_replay import assert_seed_replay_works_and_logs_no_secret
from worker.broker import EmbeddedKafka
from worker.settings import KafkaConnection
from worker.tally_topic import count_records

PASSWORD = "tally-secret-7f3a"


class SaslKafka(EmbeddedKafka):
    """The embedded Kafka with one SASL/PLAIN listener and two users."""

    def server_config(self) -> dict[str, str]:
        jaas = ('org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" '
                f'user_admin="admin-secret" user_tally="{PASSWORD}";')
        return {
            **super().server_config(),
            "listeners": f"SASL_PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"SASL_PLAINTEXT://127.0.0.1:{self.port}",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT",
            "inter.broker.listener.name": "SASL_PLAINTEXT",
            "sasl.enabled.mechanisms": "PLAIN",
            "sasl.mechanism.inter.broker.protocol": "PLAIN",
            "listener.name.sasl_plaintext.plain.sasl.jaas.config": jaas,
        }

    @property
    def connection(self) -> KafkaConnection:
        return KafkaConnection(self.bootstrap_servers, "SASL_PLAINTEXT", "PLAIN", "tally", PASSWORD)


@pytest.fixture(scope="module")
def sasl_kafka(tmp_path_factory):
    with SaslKafka(tmp_path_factory.mktemp("sasl-kafka")) as broker:
        yield broker


def test_the_pipeline_runs_on_a_sasl_broker_and_logs_no_secret(sasl_kafka, seed_documents, tmp_path):
    assert_seed_replay_works_and_logs_no_secret(sasl_kafka.connection, seed_documents, tmp_path, PASSWORD)


def test_a_client_without_credentials_is_refused(sasl_kafka):
    anonymous = KafkaConnection(sasl_kafka.bootstrap_servers)
    wrong = dataclasses.replace(sasl_kafka.connection, sasl_password="not-the-password")
    for connection in (anonymous, wrong):
        with pytest.raises((KafkaError, asyncio.TimeoutError, ConnectionError)):
            asyncio.run(asyncio.wait_for(count_records(connection, "feed.raw"), 20))


