"""The people-facing commands as a user runs them: the demo (Apache Kafka and the tansu fallback) and analyze."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from tests.conftest import ROOT, SEEDS


def run(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worker", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_demo_exits_0_and_prints_the_table():
    result = run("demo")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "wave               place" in result.stdout
    assert "mobilisation-2022  Yekaterinburg" in result.stdout
    assert "on kafka" in result.stdout


def test_demo_on_the_tansu_fallback():
    result = run("demo", "--kind", "tansu")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "tansu_limits" in result.stderr, "the fallback must print its limits"
    assert "navalny-2021       Chelyabinsk" in result.stdout
    assert "on tansu" in result.stdout


def test_analyze_prints_one_report_per_document_quickly():
    started = time.monotonic()
    result = run("analyze", str(SEEDS))
    assert result.returncode == 0, result.stderr
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["doc_id"] for r in reports] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert time.monotonic() - started < 10  # start-up itself is measured in the benchmark
