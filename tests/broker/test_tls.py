"""TLS: the pipeline on an SSL listener and on SASL_SSL with SCRAM-SHA-512, from KAFKA_SECURITY_PROTOCOL and
KAFKA_SSL_* settings; a client that does not trust the broker's CA is refused."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest
from aiokafka.errors import KafkaError

from tests.broker.certificates import BrokerCertificates, make_broker_certificates
from tests.broker.secure_replay import assert_seed_replay_works_and_logs_no_secret
from worker.broker import EmbeddedKafka
from worker.settings import KafkaConnection
from worker.tally_topic import count_records

PASSWORD = "scram-secret-41c9"
ADMIN_PASSWORD = "admin-secret-9d2e"


class SslKafka(EmbeddedKafka):
    """The embedded Kafka with one SSL listener (PEM key and trust stores), which the broker also uses to itself."""

    listener = "SSL"

    def __init__(self, data_dir: Path, certificates: BrokerCertificates) -> None:
        super().__init__(data_dir)
        self.certificates = certificates

    def server_config(self) -> dict[str, str]:
        return {
            **super().server_config(),
            "listeners": f"{self.listener}://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"{self.listener}://127.0.0.1:{self.port}",
            "listener.security.protocol.map": f"CONTROLLER:PLAINTEXT,{self.listener}:{self.listener}",
            "inter.broker.listener.name": self.listener,
            "ssl.keystore.type": "PEM",
            "ssl.keystore.location": str(self.certificates.keystore_file),
            "ssl.truststore.type": "PEM",
            "ssl.truststore.location": str(self.certificates.ca_file),
        }

    @property
    def connection(self) -> KafkaConnection:
        return KafkaConnection(self.bootstrap_servers, "SSL", ssl_cafile=str(self.certificates.ca_file))


class ScramSslKafka(SslKafka):
    """SASL_SSL with SCRAM-SHA-512; the users are created when the storage is formatted (KRaft)."""

    listener = "SASL_SSL"

    def server_config(self) -> dict[str, str]:
        jaas = f'org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="{ADMIN_PASSWORD}";'
        return {
            **super().server_config(),
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": jaas,
        }

    def format_arguments(self) -> list[str]:
        return ["--add-scram", f"SCRAM-SHA-512=[name=admin,password={ADMIN_PASSWORD}]",
                "--add-scram", f"SCRAM-SHA-512=[name=tally,password={PASSWORD}]"]

    @property
    def connection(self) -> KafkaConnection:
        return KafkaConnection(self.bootstrap_servers, "SASL_SSL", "SCRAM-SHA-512", "tally", PASSWORD,
                               ssl_cafile=str(self.certificates.ca_file))


@pytest.fixture(scope="module", params=[SslKafka, ScramSslKafka], ids=["SSL", "SASL_SSL-SCRAM-SHA-512"])
def tls_kafka(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"tls-{request.param.listener}")
    with request.param(folder, make_broker_certificates(folder)) as broker:
        yield broker


def test_the_pipeline_runs_over_tls(tls_kafka, seed_documents, tmp_path):
    assert_seed_replay_works_and_logs_no_secret(tls_kafka.connection, seed_documents, tmp_path, PASSWORD)


def test_a_client_that_does_not_trust_the_broker_ca_is_refused(tls_kafka, tmp_path):
    # Another CA, made the same way: the broker's certificate does not chain to it.
    stranger = make_broker_certificates(tmp_path).ca_file
    untrusting = dataclasses.replace(tls_kafka.connection, ssl_cafile=str(stranger))
    with pytest.raises((KafkaError, asyncio.TimeoutError, ConnectionError, OSError)):
        asyncio.run(asyncio.wait_for(count_records(untrusting, "feed.raw"), 20))
