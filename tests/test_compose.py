"""docker-compose.yml and the Dockerfile cannot run here (no Docker engine); check what can be checked: they parse,
name what the code reads, run the broker release the embedded broker runs, and keep the worker supervised."""

import json
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


def compose_services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), one list per FROM stage."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    stages: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def test_compose_runs_the_kafka_release_of_the_embedded_broker():
    lock = json.loads((ROOT / "worker" / "broker" / "kafka-jars.lock.json").read_text())
    assert compose_services()["kafka"]["image"] == f"apache/kafka:{lock['kafka_version']}"


def test_compose_restarts_the_worker_and_waits_for_its_health():
    services = compose_services()
    worker = services["worker"]
    assert worker["restart"] == "unless-stopped"
    assert "healthcheck" not in worker, "the worker keeps the image's HEALTHCHECK"
    assert services["replayer"]["healthcheck"] == {"disable": True} == services["tally"]["healthcheck"]
    assert worker["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert services["replayer"]["depends_on"]["worker"]["condition"] == "service_healthy"
    assert "healthcheck" in services["kafka"]


def test_the_image_runs_as_a_non_root_user_with_a_health_check_and_no_build_tools():
    *build_stages, final = dockerfile_stages()
    assert build_stages, "dependencies are installed in a stage of their own"
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(line.startswith("HEALTHCHECK ") and "/health" in line for line in final)
    installs = [line for line in final if line.startswith("RUN ") and re.search(r"pip install|apt-get install|gcc", line)]
    assert not installs, installs
