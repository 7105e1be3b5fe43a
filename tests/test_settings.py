"""Settings read from the environment: the Kafka connection every client is built from."""

from __future__ import annotations

import json

import faust
import pytest

from worker import settings as settings_module
from worker.settings import KafkaConnection, Settings

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


def test_a_worker_finds_the_embedded_broker_and_what_it_needs(monkeypatch, tmp_path):
    address_file = tmp_path / "broker.json"
    address_file.write_text(json.dumps({"bootstrap_servers": "127.0.0.1:4242", "kind": "tansu",
                                        "worker_env": {"PROTEST_TALLY_PRODUCER_BATCH_BYTES": "1"}}))
    monkeypatch.setattr(settings_module, "BROKER_ADDRESS_FILE", address_file)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.delenv("PROTEST_TALLY_PRODUCER_BATCH_BYTES", raising=False)
    found = Settings.from_env()
    assert (found.kafka.bootstrap_servers, found.producer_batch_bytes) == ("127.0.0.1:4242", 1)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "elsewhere:9092")
    assert Settings.from_env().producer_batch_bytes == settings_module.DEFAULT_PRODUCER_BATCH_BYTES


def test_the_reader_is_a_process_unless_inline_is_asked_for_and_nothing_else_is_taken(monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "b:1")
    monkeypatch.delenv("PROTEST_TALLY_READER", raising=False)
    assert Settings.from_env().reader == "process"
    monkeypatch.setenv("PROTEST_TALLY_READER", "Inline")
    assert Settings.from_env().reader == "inline"
    monkeypatch.setenv("PROTEST_TALLY_READER", "thread")
    with pytest.raises(ValueError, match="PROTEST_TALLY_READER='thread': expected one of process, inline"):
        Settings.from_env()


@pytest.mark.parametrize(("name", "field"), [("PROTEST_TALLY_COMMIT_INTERVAL", "commit_interval"),
                                             ("PROTEST_TALLY_PROGRESS_CHECK_SECONDS", "progress_check_interval"),
                                             ("PROTEST_TALLY_HEALTH_STALL_SECONDS", "health_stall_seconds"),
                                             ("PROTEST_TALLY_STOP_SECONDS", "stop_seconds"),
                                             ("PROTEST_TALLY_BROKER_WAIT_SECONDS", "broker_wait_seconds"),
                                             ("PROTEST_TALLY_REBALANCE_STALL_SECONDS", "rebalance_stall_seconds"),
                                             ("PROTEST_TALLY_PRODUCER_LINGER_SECONDS", "producer_linger_seconds")])
@pytest.mark.parametrize("value", ["abc", "nan", "-1", "inf", ""])
def test_a_duration_that_is_not_a_number_of_seconds_is_refused_with_the_variable_named(monkeypatch, name, field, value):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "b:1")
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=f"{name}={value!r}: expected a number of seconds, 0 or more"):
        Settings.from_env()
    monkeypatch.setenv(name, "2.5")
    assert getattr(Settings.from_env(), field) == 2.5
