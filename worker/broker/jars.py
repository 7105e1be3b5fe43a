"""Apache Kafka's jars from Maven Central: fetched once per version, sha256-checked, cached.

The lock file is written by scripts/lock_kafka_jars.py with Maven; here only HTTPS and hashlib.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import urllib.request
from importlib import resources
from pathlib import Path

from worker.logs import log

MAVEN_REPOSITORY = os.environ.get("PROTEST_TALLY_MAVEN_REPOSITORY", "https://repo1.maven.org/maven2")


class JarDownloadError(RuntimeError):
    """A jar could not be fetched or did not match its locked sha256."""


def kafka_lock() -> dict:
    return json.loads(resources.files("worker.broker").joinpath("kafka-jars.lock.json").read_text())


def jar_url(jar: dict) -> str:
    group_path = jar["group"].replace(".", "/")
    name = f"{jar['artifact']}-{jar['version']}.jar"
    return f"{MAVEN_REPOSITORY}/{group_path}/{jar['artifact']}/{jar['version']}/{name}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_kafka_jars(cache_dir: Path) -> list[Path]:
    """Every jar of the broker's runtime classpath, downloaded where missing or corrupt."""
    lock = kafka_lock()
    target = cache_dir / "kafka" / lock["kafka_version"] / "jars"
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    fetched = 0
    for jar in lock["jars"]:
        path = target / f"{jar['group']}__{jar['artifact']}-{jar['version']}.jar"
        if not (path.exists() and _sha256(path) == jar["sha256"]):
            _download(jar, path)
            fetched += 1
        paths.append(path)
    if fetched:
        log.info("kafka_jars_fetched", count=fetched, kafka_version=lock["kafka_version"], cache=str(target))
    return paths


def _download(jar: dict, path: Path) -> None:
    url = jar_url(jar)
    try:
        with urllib.request.urlopen(url, timeout=60) as response, tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            digest = hashlib.sha256()
            for block in iter(lambda: response.read(1 << 20), b""):
                digest.update(block)
                tmp.write(block)
    except OSError as exc:
        raise JarDownloadError(f"cannot fetch {url}: {exc}") from exc
    if digest.hexdigest() != jar["sha256"]:
        os.unlink(tmp.name)
        raise JarDownloadError(f"{url}: sha256 {digest.hexdigest()} does not match the lock's {jar['sha256']}")
    os.replace(tmp.name, path)

