"""Settings read from the environment: the Kafka connection every client is built from."""

from __future__ import annotations

import faust
import pytest

from worker.settings import KafkaConnection

SASL_ENV = {"KAFKA_SECURITY_PROTOCOL": "sasl_plaintext", "KAFKA_SASL_MECHANISM": "scram-sha-512",
            "KAFKA_SASL_USERNAME": "tally", "KAFKA_SASL_PASSWORD": "s3cret"}


def test_plaintext_is_the_default(monkeypatch):
    for name in SASL_ENV:
        monkeypatch.delenv(name, raising=False)
    connection = KafkaConnection.from_env("127.0.0.1:9092")
    assert connection.client_options() == {"bootstrap_servers": "127.0.0.1:9092", "security_protocol": "PLAINTEXT", "ssl_context": None}
    assert connection.faust_credentials() is None


def test_sasl_settings_reach_aiokafka_and_faust(monkeypatch):
    for name, value in SASL_ENV.items():
        monkeypatch.setenv(name, value)
    connection = KafkaConnection.from_env("broker:9093")
    options = connection.client_options()
    assert (options["security_protocol"], options["sasl_mechanism"]) == ("SASL_PLAINTEXT", "SCRAM-SHA-512")
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == ("tally", "s3cret")
    credentials = connection.faust_credentials()
    assert isinstance(credentials, faust.SASLCredentials)
    assert (credentials.username, credentials.password, credentials.mechanism.value) == ("tally", "s3cret", "SCRAM-SHA-512")


def test_a_child_process_gets_the_same_connection(monkeypatch):
    for name, value in SASL_ENV.items():
        monkeypatch.setenv(name, value)
    connection = KafkaConnection.from_env("broker:9093")
    for name in SASL_ENV:
        monkeypatch.delenv(name)
    for name, value in connection.as_env().items():
        monkeypatch.setenv(name, value)
    assert KafkaConnection.from_env("broker:9093") == connection


def test_the_password_is_not_in_the_repr():
    connection = KafkaConnection("b:1", "SASL_PLAINTEXT", "PLAIN", "tally", "s3cret")
    assert "s3cret" not in repr(connection)


@pytest.mark.parametrize(("fields", "message"), [
    ({"security_protocol": "TLS"}, "KAFKA_SECURITY_PROTOCOL='TLS': expected one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"),
    ({"security_protocol": "SASL_SSL"}, "SASL_SSL needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"),
    ({"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "GSSAPI", "sasl_username": "u", "sasl_password": "p"},
     "KAFKA_SASL_MECHANISM='GSSAPI': expected one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"),
])
def test_bad_settings_are_refused_with_the_variable_named(fields, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        KafkaConnection("b:1", **fields)


def test_every_variable_the_settings_read_is_documented_in_the_readme():
    from tests.test_compose import ROOT, settings_env_names

    readme = (ROOT / "README.md").read_text()
    assert not {name for name in settings_env_names() if f"`{name}`" not in readme}
