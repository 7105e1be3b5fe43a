"""End-to-end benchmarks on an embedded Apache Kafka: throughput of the worker and of a bare aiokafka loop doing
the same work, latency at a steady rate, memory, the broker's own ceiling, and restarts after SIGKILL.

"Done" is when the consumer group's committed offsets reached the end offsets of the topics it consumes (and
every item has an outcome): what a user would call "the tally has caught up".
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from aiokafka import AIOKafkaConsumer

from schemas import TallyRow
from worker.broker import start_embedded_broker
from worker.cli import runtime_versions
from worker.feed import ArchivedDocument, feed_items, read_archive, replay
from worker.settings import MAX_MESSAGE_BYTES, KafkaConnection, Settings, TopicNames
from worker.synth import synth_archive
from worker.tally_topic import (count_records, end_offsets, group_lag, topic_partitions, wait_group_stable,
                                wait_until_processed)
from worker.topics import ensure_topics
from worker.worker_process import WorkerProcess

ROOT = Path(__file__).resolve().parents[2]
POLL_SECONDS = 0.25
READER_PLACES = {"process": "a reader process beside each worker", "inline": "each worker's own process"}


def synth_documents(items: int, seed: int = 7) -> list[ArchivedDocument]:
    return [ArchivedDocument(item["doc_id"], item["text"]) for item in synth_archive(items, seed)]


def print_conditions(broker, documents: list[ArchivedDocument], partitions: int) -> None:
    sizes = [len(item.model_dump_json()) for item in feed_items(documents[:1000])]
    settings = Settings.from_env()
    print(f"conditions: {os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}, "
          f"{broker.kind} {getattr(broker, 'version', '')} (one node, embedded), {partitions} partitions, "
          f"{runtime_versions()}, "
          f"feed items of {statistics.mean(sizes):.0f} bytes on average (synthetic, `python -m worker synth`), "
          f"items read in {READER_PLACES[settings.reader]} (PROTEST_TALLY_READER={settings.reader}), "
          f"producers linger {settings.producer_linger_seconds * 1000:g} ms (PROTEST_TALLY_PRODUCER_LINGER_SECONDS)",
          flush=True)


def _status_mb(pid: int, field: str) -> float:
    """A memory field of /proc/PID/status (VmRSS: resident now, VmHWM: its peak), in MB; 0 once it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0.0
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def process_tree(pid: int) -> list[int]:
    """A process and its descendants: a worker's reader process (worker.readers) and its helpers count as
    the worker's memory."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children += [int(child) for child in task.read_text().split()]
        except FileNotFoundError:  # the thread or the process has ended
            continue
    return [pid, *(descendant for child in children for descendant in process_tree(child))]


def peak_rss_mb(pid: int) -> float:
    """The sum of each process's peak in the worker's tree: at least their peak together."""
    return sum(_status_mb(member, "VmHWM") for member in process_tree(pid))


def by_role(pid: int, measure: Callable[[int], float], own_role: str = "worker") -> dict[str, float]:
    """A measure of each process in a tree, summed by role: the process itself (`own_role`) and its children."""
    totals: dict[str, float] = {}
    for member in process_tree(pid):
        role = own_role if member == pid else _role(member)
        totals[role] = totals.get(role, 0.0) + measure(member)
    return totals


def peak_rss_parts(pid: int) -> dict[str, float]:
    """Each process's peak in the worker's tree, by role."""
    return by_role(pid, lambda member: _status_mb(member, "VmHWM"))


def _role(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except FileNotFoundError:
        return "ended"
    return "reader process" if "worker.reader_main" in command else command[:40]


def rss_mb(pid: int) -> float:
    return sum(_status_mb(member, "VmRSS") for member in process_tree(pid))


def cpu_seconds(pid: int) -> float:
    """The user and system CPU a process has used (/proc/PID/stat), in seconds; 0 once it has ended."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after the command's name, which may hold spaces and parentheses
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_role(pids: list[int], broker, own_role: str = "worker") -> dict[str, float]:
    """The CPU seconds used so far by every process of a run, by role: the measured processes (`own_role`) and their
    children (reader processes), the broker, and this process, which replays the items and polls for the end."""
    used: dict[str, float] = {}
    for pid in pids:
        for role, seconds in by_role(pid, cpu_seconds, own_role).items():
            used[role] = used.get(role, 0.0) + seconds
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {**used, "broker": cpu_seconds(broker.process.pid), "bench (replays, polls)": own.ru_utime + own.ru_stime}


def cpu_between(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {role: seconds - before.get(role, 0.0) for role, seconds in after.items()}


@dataclasses.dataclass
class Run:
    items: int
    seconds: float
    peak_rss_mb: float
    #: Of one worker's tree, by role (worker, reader process...).
    peak_rss_parts: dict[str, float] = dataclasses.field(default_factory=dict)
    rss_samples: list[tuple[float, float]] = dataclasses.field(default_factory=list)
    #: CPU seconds used while the items were handled, by role (cpu_by_role).
    cpu: dict[str, float] = dataclasses.field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.items / self.seconds


async def wait_done(kafka: KafkaConnection, group: str, consumed: list[str], outputs: list[str], items: int,
                    alive, on_poll=None) -> None:
    """Until every item has an outcome and the group has committed everything it consumes."""
    while True:
        if not alive():
            raise RuntimeError("a process of the run exited")
        if on_poll:
            on_poll()
        done = sum((await end_offsets(kafka, outputs)).values())
        if done >= items and await group_lag(kafka, group, consumed) == 0:
            return
        await asyncio.sleep(POLL_SECONDS)


def run_settings(kafka: KafkaConnection, run_id: str) -> Settings:
    return dataclasses.replace(Settings.from_env(), kafka=kafka, topics=TopicNames.with_prefix(f"{run_id}."), app_id=run_id)


def run_workers(broker, documents: list[ArchivedDocument], workers: int, run_id: str, workdir: Path,
                rate: float | None = None) -> Run:
    kafka = broker.connection
    settings = run_settings(kafka, run_id)
    asyncio.run(ensure_topics(settings))
    env = {"PROTEST_TALLY_TOPIC_PREFIX": f"{run_id}.", "PROTEST_TALLY_APP_ID": run_id}
    processes = [WorkerProcess(kafka, workdir / f"{run_id}-{n}", workdir / f"{run_id}-{n}.log", env, loglevel="warn")
                 for n in range(workers)]
    for process in processes:
        process.start()
    try:
        asyncio.run(wait_group_stable(kafka, run_id, workers))
        samples: list[tuple[float, float]] = []
        pids = [p.process.pid for p in processes]
        cpu_before, started = cpu_by_role(pids, broker), time.monotonic()

        def sample() -> None:
            if not samples or time.monotonic() - started - samples[-1][0] >= 5:
                samples.append((time.monotonic() - started, sum(rss_mb(p.process.pid) for p in processes)))

        async def replay_and_wait() -> None:
            await replay(kafka, settings.topics.raw, documents, rate=rate)
            topics = settings.topics
            await wait_done(kafka, run_id, [topics.raw, topics.evidence], [topics.reports, topics.dead_letter],
                            len(documents), alive=lambda: all(p.process.poll() is None for p in processes), on_poll=sample)

        asyncio.run(replay_and_wait())
        seconds, cpu = time.monotonic() - started, cpu_between(cpu_before, cpu_by_role(pids, broker))
        return Run(len(documents), seconds, max(peak_rss_mb(p.process.pid) for p in processes),
                   peak_rss_parts(processes[0].process.pid), samples, cpu)
    finally:
        for process in processes:
            process.stop()


def run_bare(broker, documents: list[ArchivedDocument], run_id: str) -> Run:
    kafka = broker.connection
    settings = run_settings(kafka, run_id)
    asyncio.run(ensure_topics(settings))
    process = subprocess.Popen([sys.executable, "-m", "worker.bench.bare_loop", f"{run_id}.", run_id],
                               env={**os.environ, **kafka.as_env()})
    try:
        asyncio.run(wait_group_stable(kafka, run_id, 1))
        cpu_before, started = cpu_by_role([process.pid], broker, "bare loop"), time.monotonic()

        async def replay_and_wait() -> None:
            await replay(kafka, settings.topics.raw, documents)
            topics = settings.topics
            await wait_done(kafka, run_id, [topics.raw, topics.reports], [topics.reports], len(documents),
                            alive=lambda: process.poll() is None)

        asyncio.run(replay_and_wait())
        seconds, cpu = time.monotonic() - started, cpu_between(cpu_before, cpu_by_role([process.pid], broker, "bare loop"))
        return Run(len(documents), seconds, peak_rss_mb(process.pid), cpu=cpu)
    finally:
        process.terminate()
        process.wait(30)


def _median_line(label: str, runs: list[Run]) -> str:
    rates = [r.rate for r in runs]
    return (f"{label}: median {statistics.median(rates):,.0f} items/s over {len(runs)} runs "
            f"({', '.join(f'{r.rate:,.0f} items/s in {r.seconds:.1f} s' for r in runs)}); "
            f"peak RSS median {statistics.median(r.peak_rss_mb for r in runs):.0f} MB")


def cpu_line(label: str, runs: list[Run]) -> str:
    """Where the CPU went: medians of CPU seconds per 1,000 items by role, and of the cores kept busy. On a machine
    whose cores are all busy, only less CPU per item makes a run faster."""
    roles = list(dict.fromkeys(role for run in runs for role in run.cpu))
    per_thousand = {role: statistics.median(run.cpu.get(role, 0.0) * 1000 / run.items for run in runs) for role in roles}
    busy = statistics.median(sum(run.cpu.values()) / run.seconds for run in runs)
    return (f"{label} CPU, seconds per 1,000 items (medians): "
            f"{', '.join(f'{role} {seconds:.2f}' for role, seconds in per_thousand.items())}; "
            f"{busy:.2f} of {os.cpu_count()} cores busy")


def bench_pipeline(items: int, workers: int, runs: int, bare: bool, compare_one: bool) -> None:
    """The worker end to end on `items` synthetic items (and, in the same invocation, the bare loop)."""
    documents = synth_documents(items)
    with start_embedded_broker("kafka") as broker, tempfile.TemporaryDirectory() as workdir:
        print_conditions(broker, documents, Settings.from_env().partitions)
        measured: dict[str, Callable[[int], Run]] = {
            f"worker x{workers}": lambda run: run_workers(broker, documents, workers, f"pipeline{run}w{workers}",
                                                         Path(workdir))}
        if compare_one and workers != 1:
            measured["worker x1"] = lambda run: run_workers(broker, documents, 1, f"pipeline{run}w1", Path(workdir))
        if bare:
            measured["bare loop"] = lambda run: run_bare(broker, documents, f"bare{run}")
        results: dict[str, list[Run]] = {label: [] for label in measured}
        for run in range(runs):
            # Every other run in reverse order: what goes first in a run (a colder broker, a drifting machine) is
            # not always the same configuration.
            for label in (list(measured) if run % 2 == 0 else list(measured)[::-1]):
                results[label].append(measured[label](run))
            print(f"run {run + 1}: " + ", ".join(f"{label} {series[-1].rate:,.0f} items/s" for label, series in results.items()), flush=True)
    print(f"pipeline, {items:,} items, 1 worker process each:" if workers == 1 else f"pipeline, {items:,} items:")
    for label, series in results.items():
        print("  " + _median_line(label, series))
    for label, series in results.items():
        print("  " + cpu_line(label, series))
    worker_rates = [r.rate for r in results[f"worker x{workers}"]]
    if bare:
        ratios = [w / b.rate for w, b in zip(worker_rates, results["bare loop"])]
        print(f"  worker / bare loop, per run: {', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f}")
    if compare_one and workers != 1:
        ratios = [w / one.rate for w, one in zip(worker_rates, results["worker x1"])]
        print(f"  {workers} workers / 1 worker, per run: {', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f}")


def bench_bare(items: int, runs: int) -> None:
    documents = synth_documents(items)
    with start_embedded_broker("kafka") as broker:
        print_conditions(broker, documents, Settings.from_env().partitions)
        series = [run_bare(broker, documents, f"bare{run}") for run in range(runs)]
    print(f"bare loop, {items:,} items: " + _median_line("bare loop", series))
    print(cpu_line("bare loop", series))


def bench_memory(items: int) -> None:
    """The worker's resident memory while it handles `items` synthetic items, and its peak."""
    documents = synth_documents(items)
    with start_embedded_broker("kafka") as broker, tempfile.TemporaryDirectory() as workdir:
        print_conditions(broker, documents, Settings.from_env().partitions)
        run = run_workers(broker, documents, 1, "memory", Path(workdir))
    print("RSS over time: " + ", ".join(f"{t:.0f} s {mb:.0f} MB" for t, mb in run.rss_samples))
    parts = ", ".join(f"{role} {mb:.0f} MB" for role, mb in run.peak_rss_parts.items())
    print(f"memory: peak RSS {run.peak_rss_mb:.0f} MB after {items:,} items ({run.rate:,.0f} items/s): {parts}")


def bench_latency(rate: float, seconds: float) -> None:
    """Items published at `rate` per second for `seconds`: from an item's publish time (its row's last_updated) to
    its row's update being readable on protest.tally."""
    documents = synth_documents(int(rate * seconds))
    with start_embedded_broker("kafka") as broker, tempfile.TemporaryDirectory() as workdir:
        print_conditions(broker, documents, Settings.from_env().partitions)
        kafka = broker.connection
        settings = run_settings(kafka, "latency")
        latencies = asyncio.run(_measure_latency(kafka, settings, documents, rate, Path(workdir)))
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    print(f"latency at {rate:g} items/s for {seconds:g} s ({len(latencies):,} row updates): "
          f"p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms, max {latencies[-1] * 1000:.0f} ms")


async def _measure_latency(kafka, settings, documents, rate, workdir) -> list[float]:
    await ensure_topics(settings)
    env = {"PROTEST_TALLY_TOPIC_PREFIX": "latency.", "PROTEST_TALLY_APP_ID": "latency"}
    worker = WorkerProcess(kafka, workdir / "latency", workdir / "latency.log", env, loglevel="warn")
    worker.start()
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    latencies: list[float] = []
    try:
        await wait_group_stable(kafka, "latency", 1)
        partitions = await topic_partitions(kafka, [settings.topics.tally])
        await consumer.start()
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        publishing = asyncio.ensure_future(replay(kafka, settings.topics.raw, documents, rate=rate))
        quiet_since = None
        while not publishing.done() or quiet_since is None or time.monotonic() - quiet_since < 5:
            batches = await consumer.getmany(timeout_ms=200)
            received = time.time()
            for records in batches.values():
                for record in records:
                    if record.value is not None:
                        latencies.append(received - TallyRow.model_validate_json(record.value).last_updated.timestamp())
            quiet_since = None if batches else (quiet_since or time.monotonic())
        await publishing
    finally:
        await consumer.stop()
        worker.stop()
    return latencies


def bench_broker(items: int, runs: int) -> None:
    """The ceiling: raw aiokafka produce (acks=all) and consume of the same feed items, no processing."""
    documents = synth_documents(items)
    with start_embedded_broker("kafka") as broker:
        print_conditions(broker, documents, Settings.from_env().partitions)
        kafka = broker.connection
        produced, consumed = [], []
        for run in range(runs):
            settings = run_settings(kafka, f"broker{run}")
            asyncio.run(ensure_topics(settings))
            summary = asyncio.run(replay(kafka, settings.topics.raw, documents))
            produced.append(items / summary.seconds)
            consumed.append(items / asyncio.run(_consume_all(kafka, settings.topics.raw, items)))
    print(f"broker, {items:,} items: produce median {statistics.median(produced):,.0f} items/s "
          f"({', '.join(f'{r:,.0f}' for r in produced)}), consume median {statistics.median(consumed):,.0f} items/s "
          f"({', '.join(f'{r:,.0f}' for r in consumed)})")


async def _consume_all(kafka: KafkaConnection, topic: str, items: int) -> float:
    consumer = AIOKafkaConsumer(topic, **kafka.client_options(), group_id=None, auto_offset_reset="earliest",
                                max_partition_fetch_bytes=MAX_MESSAGE_BYTES)
    await consumer.start()
    try:
        started, count = time.monotonic(), 0
        while count < items:
            batches = await consumer.getmany(timeout_ms=500, max_records=5000)
            count += sum(len(records) for records in batches.values())
        return time.monotonic() - started
    finally:
        await consumer.stop()
def bench_restart(kills: int, kind: str) -> None:
    """Seconds from starting a worker after a SIGKILL until it reports again, on an embedded broker."""
    documents = read_archive(ROOT / "seeds")
    with start_embedded_broker(kind) as broker, tempfile.TemporaryDirectory() as workdir:
        settings = dataclasses.replace(Settings.from_env(), kafka=broker.connection, app_id="bench-restart")
        asyncio.run(ensure_topics(settings))
        env = {**broker.worker_env, "PROTEST_TALLY_APP_ID": settings.app_id}
        worker = WorkerProcess(broker.connection, Path(workdir) / "w", Path(workdir) / "w.log", env)
        worker.start()
        asyncio.run(replay(broker.connection, settings.topics.raw, documents))
        asyncio.run(wait_until_processed(broker.connection, settings.topics, settings.app_id, len(documents)))
        seconds = []
        for kill in range(kills):
            worker.stop(signal.SIGKILL)
            fresh = [ArchivedDocument(f"{d.doc_id}-r{kill}", d.text) for d in documents]
            before = asyncio.run(count_records(broker.connection, settings.topics.reports))
            asyncio.run(replay(broker.connection, settings.topics.raw, fresh))
            started = time.monotonic()
            worker = WorkerProcess(broker.connection, Path(workdir) / "w", Path(workdir) / "w.log", env)
            worker.start()
            while asyncio.run(count_records(broker.connection, settings.topics.reports)) == before:
                time.sleep(0.1)
            seconds.append(time.monotonic() - started)
            asyncio.run(wait_until_processed(broker.connection, settings.topics, settings.app_id,
                                             before + len(fresh)))
        worker.stop()
    print(f"restart after SIGKILL: median {statistics.median(seconds):.1f} s from start to the first report "
          f"({', '.join(f'{s:.1f}' for s in seconds)}; {kills} kills, {broker.kind})")


