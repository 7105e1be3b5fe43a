"""Regenerate worker/broker/kafka-jars.lock.json with Maven (run by a maintainer, not at run time).

Maven resolves the runtime classpath of org.apache.kafka:kafka_2.13:<version>; this script records
every jar's coordinates and sha256 so that the downloader can fetch and verify them without Maven. It also sets
docker-compose.yml's Kafka image to the same release, so that the version is chosen in one place: here.

    python scripts/lock_kafka_jars.py 4.4.0
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK_PATH = ROOT / "worker" / "broker" / "kafka-jars.lock.json"
COMPOSE_PATH = ROOT / "docker-compose.yml"
# Kafka's own distribution ships this binding so that its slf4j logging reaches log4j2 (and our log file).
EXTRA_ARTIFACTS = ["org.apache.logging.log4j:log4j-slf4j-impl:{log4j}"]

POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>kafka-lock</artifactId><version>1</version>
  <dependencies>{deps}</dependencies>
</project>"""
DEP = "<dependency><groupId>{}</groupId><artifactId>{}</artifactId><version>{}</version></dependency>"


def resolve(coordinates: list[str], workdir: Path) -> list[tuple[str, str, str, Path]]:
    deps = "".join(DEP.format(*c.split(":")) for c in coordinates)
    (workdir / "pom.xml").write_text(POM.format(deps=deps))
    out = workdir / "deps.txt"
    subprocess.run(
        ["mvn", "-q", "dependency:list", "-DincludeScope=runtime", f"-DoutputFile={out}",
         "-DoutputAbsoluteArtifactFilename=true"],
        cwd=workdir, check=True,
    )
    jars = []
    for line in out.read_text().splitlines():
        parts = line.strip().split(":")
        if len(parts) >= 6 and parts[2] == "jar":
            group, artifact, _, version, _scope, path = parts[:6]
            jars.append((group, artifact, version, Path(path)))
    return jars


def main(version: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        jars = resolve([f"org.apache.kafka:kafka_2.13:{version}"], Path(tmp))
        log4j = next(v for g, a, v, _ in jars if a == "log4j-core")
        jars += resolve([e.format(log4j=log4j) for e in EXTRA_ARTIFACTS], Path(tmp))
    entries = {}
    for group, artifact, jar_version, path in jars:
        entries[f"{group}:{artifact}"] = {
            "group": group,
            "artifact": artifact,
            "version": jar_version,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        }
    lock = {"kafka_version": version, "scala": "2.13", "jars": sorted(entries.values(), key=lambda e: (e["group"], e["artifact"]))}
    LOCK_PATH.write_text(json.dumps(lock, indent=2) + "\n")
    compose = COMPOSE_PATH.read_text()
    COMPOSE_PATH.write_text(re.sub(r"image: apache/kafka:\S+", f"image: apache/kafka:{version}", compose))
    print(f"{LOCK_PATH}: {len(entries)} jars for Kafka {version}; {COMPOSE_PATH.name} runs apache/kafka:{version}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "4.4.0")
