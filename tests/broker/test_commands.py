"""The people-facing commands as a user runs them: the demo (Apache Kafka and the tansu fallback, and kept running
with its dashboard), tally over the demo's broker, and analyze."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
import urllib.request

import pytest
from aiokafka.errors import NodeNotReadyError

from tests.conftest import ROOT, SEEDS
from worker import commands
from worker.broker.embedded import free_port
from worker.stages.supervision import EXIT_NO_BROKER


def run(*args: str, timeout: float = 240, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worker", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env=env)


def test_demo_exits_0_and_prints_the_table():
    result = run("demo")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "wave               place" in result.stdout
    assert "mobilisation-2022  Yekaterinburg" in result.stdout
    assert "\x1b" not in result.stdout, "piped: no colour codes"
    assert "on kafka" in result.stdout
    # A first run is what a new user sees: no client-library retries of a broker still electing leaders and its
    # group's coordinator (they used to show up in every demo).
    client_lines = [line for line in result.stderr.splitlines() if "] [WARNING] " in line or "] [ERROR] " in line]
    assert not client_lines, client_lines


def test_demo_on_the_tansu_fallback():
    result = run("demo", "--kind", "tansu")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "tansu_limits" in result.stderr, "the fallback must print its limits"
    assert "navalny-2021       Chelyabinsk" in result.stdout
    assert "on tansu" in result.stdout


def read_until_the_dashboard_line(demo: subprocess.Popen) -> list[str]:
    """The demo's stdout up to its dashboard line (the demo prints it once the table is out)."""
    lines = []
    while not lines or not lines[-1].startswith("dashboard: "):
        line = demo.stdout.readline()
        assert line, f"the demo ended before printing the dashboard URL: {lines}"
        lines.append(line.rstrip("\n"))
    return lines


def tally(bootstrap_servers: str, *options: str) -> str:
    return tally_run({"KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers}, *options).stdout


def tally_run(env: dict[str, str], *options: str) -> subprocess.CompletedProcess:
    result = run("tally", *options, timeout=60, env={**os.environ, **env})
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.mark.timeout(300)
def test_demo_keep_serves_the_dashboard_and_tally_until_ctrl_c(tmp_path):
    port = free_port()
    stderr = (tmp_path / "demo.err").open("w")
    demo = subprocess.Popen([sys.executable, "-m", "worker", "demo", "--keep"], cwd=ROOT, text=True, stdout=subprocess.PIPE,
                            stderr=stderr, env={**os.environ, "PROTEST_TALLY_WEB_PORT": str(port)}, start_new_session=True)
    try:
        lines = read_until_the_dashboard_line(demo)
        assert lines[-1].startswith(f"dashboard: http://127.0.0.1:{port}/ ")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as health:
            assert health.status == 200

        bootstrap_servers = lines[-2].rsplit("(", 1)[1].rstrip(")")  # "demo done in 9.1 s on kafka (127.0.0.1:PORT)"
        table = tally(bootstrap_servers, "--wave", "mobilisation-2022", "--sort", "detained").splitlines()
        assert "\x1b" not in "".join(table)
        assert table[0].split()[:2] == ["wave", "place"]
        assert {line.split()[0] for line in table[1:]} == {"mobilisation-2022"}, "only the wave asked for"
        assert any(line.split()[1] == "Yekaterinburg" for line in table[1:])
        rows = [json.loads(line) for line in tally(bootstrap_servers, "--place", "yekaterinburg", "--json").splitlines()]
        assert rows and {row["place"] for row in rows} == {"Yekaterinburg"}
        nothing = tally_run({"KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers}, "--place", "Atlantis")
        assert nothing.stdout.split() == ["wave", "place", "reports", "detained", "as", "reported"]
        assert nothing.stderr.startswith("no row of ") and "matches --wave/--place" in nothing.stderr, nothing.stderr

        demo.send_signal(signal.SIGINT)
        assert demo.wait(60) == 0, (tmp_path / "demo.err").read_text()[-3000:]
        # Nothing of its session is left: its worker, the worker's reader process (which ends itself within a second
        # of its worker) and its broker stopped too.
        deadline = time.monotonic() + 5
        with pytest.raises(ProcessLookupError):
            while time.monotonic() < deadline:
                os.killpg(demo.pid, 0)
                time.sleep(0.1)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)  # its session: the demo, its worker and its broker
        stderr.close()


def test_analyze_prints_one_report_per_document_quickly():
    started = time.monotonic()
    result = run("analyze", str(SEEDS))
    assert result.returncode == 0, result.stderr
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["doc_id"] for r in reports] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert time.monotonic() - started < 10  # start-up itself is measured in the benchmark


def test_version_names_this_project_and_what_it_runs_on():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    result = run("--version", timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{project['name']} {project['version']} (faust-streaming ")


def test_the_tansu_broker_tells_workers_what_they_need(tmp_path):
    env = {**os.environ, "PROTEST_TALLY_CACHE": str(tmp_path)}
    broker = subprocess.Popen([sys.executable, "-m", "worker", "broker", "--kind", "tansu"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        ready = broker.stdout.readline()
        assert ready.startswith("tansu broker ready: KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:"), ready
        assert "PROTEST_TALLY_PRODUCER_BATCH_BYTES=1" in ready
        written = json.loads((tmp_path / "broker.json").read_text())
        assert written["worker_env"] == {"PROTEST_TALLY_PRODUCER_BATCH_BYTES": "1"}
    finally:
        broker.send_signal(signal.SIGINT)
        assert broker.wait(30) == 0
    assert not (tmp_path / "broker.json").exists()


@pytest.mark.parametrize("command", [("replay", "seeds"), ("tally",)], ids=["replay", "tally"])
def test_a_command_without_a_broker_says_so_in_one_sentence(command):
    nowhere = f"127.0.0.1:{free_port()}"  # a free port: nothing listens there
    result = run(*command, timeout=120, env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": nowhere})
    assert result.returncode == EXIT_NO_BROKER, result.stderr[-3000:]
    assert f"no broker answers at {nowhere}" in result.stderr
    assert "Traceback" not in result.stderr, result.stderr[-3000:]


@pytest.mark.parametrize("command", ["analyze", "replay", "demo"])
def test_a_path_that_is_not_there_is_a_usage_error(command):
    result = run(command, "no-such-archive", timeout=60)
    assert result.returncode == 2, result.stderr[-3000:]
    assert "'no-such-archive' does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_tally_before_anything_is_reported_says_so(pipeline):
    env = {**pipeline.kafka.as_env(), **pipeline.env}
    result = tally_run(env, "--json")
    assert result.stdout == ""
    assert f"{pipeline.settings.topics.tally} holds no row yet" in result.stderr


def test_a_broker_that_answers_but_not_at_its_advertised_address_is_named(monkeypatch):
    def exit_with(status):
        raise SystemExit(status)

    async def command(self):
        raise NodeNotReadyError("Attempt to send a request to node which is not ready (node id 1).")

    monkeypatch.setattr(commands, "end_process", exit_with)
    said = io.StringIO()
    monkeypatch.setattr(sys, "stderr", said)  # not capsys: the worker's structlog set-up keeps the stderr it found
    with pytest.raises(SystemExit) as ended:
        asyncio.run(commands.needs_a_broker(command)(None))
    assert ended.value.code == EXIT_NO_BROKER
    assert "check its advertised listeners" in said.getvalue()
