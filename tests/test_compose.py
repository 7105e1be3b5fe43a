"""docker-compose.yml cannot run here (no Docker engine); check what can be checked: it parses and names what the code reads."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def settings_env_names() -> set[str]:
    source = (ROOT / "worker" / "settings.py").read_text()
    return set(re.findall(r'env(?:iron)?\.get\("([A-Z_]+)"', source))


def test_compose_parses_and_has_kafka_worker_and_replayer():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"kafka", "worker", "replayer"} <= set(compose["services"])
    assert compose["services"]["kafka"]["image"].startswith("apache/kafka:")
    assert compose["services"]["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"


def test_compose_environment_names_are_the_ones_the_worker_reads():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    known = settings_env_names()
    assert "KAFKA_BOOTSTRAP_SERVERS" in known
    for name in ("worker", "replayer", "tally"):
        assert set(compose["services"][name]["environment"]) <= known, name
        assert compose["services"][name]["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert compose["services"]["worker"]["command"][0] == "worker"
    assert compose["services"]["replayer"]["command"][0] == "replay"
