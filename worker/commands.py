"""Commands for people, on Faust's own CLI: `python -m worker <command>` (also `protest-tally <command>`)."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import get_args

import click
from aiokafka.errors import KafkaConnectionError, NodeNotReadyError
from faust.cli import argument, option
from rich.console import Console
from rich.live import Live
from rich.table import Table

from schemas import MESSAGE_MODELS, TallyRow
from schemas.report import Wave
from worker.analyze_command import print_reports
from worker.app import app, settings
from worker.broker import start_embedded_broker
from worker.broker.embedded import free_port, port_is_free
from worker.feed import read_archive, replay as replay_archive
from worker.settings import BROKER_ADDRESS_FILE
from worker.stages.supervision import EXIT_NO_BROKER, end_process
from worker.synth import synth_archive, write_archive
from worker.tally_topic import apply_change, follow_tally, read_tally, wait_group_stable, wait_until_processed
from worker.terminal import ROW_ORDERS, is_selected, print_tally, select_rows, stdout_console, tally_table
from worker.topics import ensure_topics
from worker.worker_process import WorkerProcess

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas" / "json"
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
#: A folder of .txt, one .txt or a JSONL file: one that is not there is a usage error (click's message, status 2).
AN_ARCHIVE = click.Path(exists=True)


def needs_a_broker(command):
    """A command that talks to the cluster and finds no broker there ends with one sentence saying what to do, and
    status 69 (EX_UNAVAILABLE), instead of Faust's two tracebacks of the same connection error."""
    @functools.wraps(command)
    async def run(self, *args, **kwargs):
        try:
            return await command(self, *args, **kwargs)
        except KafkaConnectionError:
            print(f"no broker answers at {settings.kafka.bootstrap_servers}: start one (python -m worker broker), or set "
                  f"KAFKA_BOOTSTRAP_SERVERS to your cluster's", file=sys.stderr)
        except NodeNotReadyError:
            print(f"a broker answered at {settings.kafka.bootstrap_servers}, but not at the address it gives for itself: "
                  f"check its advertised listeners", file=sys.stderr)
        end_process(EXIT_NO_BROKER)
    return run


@app.command(option("--kind", type=str, default="auto", help="auto (Apache Kafka, else tansu), kafka or tansu."),
             option("--data-dir", type=str, default=None, help="Keep the broker's data here (default: a temporary folder)."))
async def broker(self, kind: str, data_dir: str | None) -> None:
    """Run the embedded broker in the foreground and print its bootstrap address.

    Apache Kafka (a single KRaft node from the cached jars) when Java 17+ is at hand, else tansu. Other commands on
    this machine find it by themselves; Ctrl-C stops it.

    \b
    Example:
      python -m worker broker --data-dir ~/protest-kafka
    """
    embedded = start_embedded_broker(kind, Path(data_dir) if data_dir else None)
    BROKER_ADDRESS_FILE.parent.mkdir(parents=True, exist_ok=True)
    BROKER_ADDRESS_FILE.write_text(json.dumps({"bootstrap_servers": embedded.bootstrap_servers, "kind": embedded.kind,
                                               "worker_env": dict(embedded.worker_env)}))
    # What a worker started elsewhere needs (tansu: one record a batch), for users who export these.
    worker_env = {"KAFKA_BOOTSTRAP_SERVERS": embedded.bootstrap_servers, **embedded.worker_env}
    # Blocked before the ready line (not before the broker starts: its process would inherit the mask), so that a
    # signal sent as soon as a user or a test reads it waits for sigwait rather than for the blocked event loop.
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    print(f"{embedded.kind} broker ready: {' '.join(f'{name}={value}' for name, value in worker_env.items())}", flush=True)
    try:
        signal.sigwait(stop_signals)
    finally:
        BROKER_ADDRESS_FILE.unlink(missing_ok=True)
        embedded.stop()


@app.command(argument("path", type=AN_ARCHIVE, required=False, default=str(SEEDS_DIR)),
             option("--rate", type=float, default=None, help="Items per second (default: as fast as possible)."),
             option("--loop", "loops", type=int, default=1, help="Replay the archive this many times."),
             option("--limit", type=int, default=None, help="Stop after this many items."))
@needs_a_broker
async def replay(self, path: str, rate: float | None, loops: int, limit: int | None) -> None:
    """Publish an archive (folder of .txt, or JSONL of FeedItems) onto feed.raw as a live feed.

    PATH is a folder of .txt (doc id = file stem), one .txt, or a JSONL file of {"doc_id", "text"} (default:
    seeds/). A progress bar with the rate and the time left is drawn on a terminal; one summary line at the end.

    \b
    Example:
      python -m worker replay seeds/ --rate 2 --loop 3
    """
    await ensure_topics(settings)
    summary = await replay_archive(settings.kafka, settings.topics.raw, read_archive(Path(path)), rate=rate, loops=loops,
                                   limit=limit, progress=sys.stderr.isatty())
    print(summary.line())


@app.command(option("--wave", type=click.Choice(get_args(Wave)), default=None, help="Only the rows of this wave."),
             option("--place", type=str, default=None, help="Only the rows of this place: a city, or nationwide (any case)."),
             option("--sort", type=click.Choice(list(ROW_ORDERS)), default="place", show_default=True,
                    help="Order within each wave: place (nationwide, then A-Z), detained or reports (largest first)."),
             option("--follow", is_flag=True, default=False,
                    help="Keep going: a table redrawn as rows change on a terminal, else one line per change."),
             option("--json", "as_json", is_flag=True, default=False, help="Print the rows as JSON lines, one a row."))
@needs_a_broker
async def tally(self, wave: str | None, place: str | None, sort: str, follow: bool, as_json: bool) -> None:
    """Print the current tally read from protest.tally, or follow its changes.

    Rows stay grouped by wave; --wave and --place keep some of them (with --follow, only their changes). Colours
    and rules on a terminal only: piped, it prints plain columns, one row a line.

    \b
    Examples:
      python -m worker tally --wave anti-war-2022 --sort detained
      python -m worker tally --place moscow --json
      python -m worker tally --follow
    """
    def selected(rows: Iterable[TallyRow]) -> list[TallyRow]:
        return select_rows(rows, wave=wave, place=place, order=sort)

    console = stdout_console()
    if follow and console.is_terminal and not as_json:
        await follow_live_table(selected, console)
        return
    if follow:
        await follow_change_lines(wave, place, as_json)
        return
    every_row = (await read_tally(settings.kafka, settings.topics)).values()
    rows = selected(every_row)
    if not rows:
        # On stderr: stdout stays the table (or the JSON lines) that scripts read.
        print(f"no row of {len(every_row)} matches --wave/--place" if every_row else
              f"{settings.topics.tally} holds no row yet: is a worker running, and has anything been replayed?",
              file=sys.stderr)
    if as_json:
        for row in rows:
            print(row.model_dump_json())
    else:
        print_tally(rows)


async def follow_live_table(selected: Callable[[Iterable[TallyRow]], list[TallyRow]], console: Console) -> None:
    """On a terminal: the table of the selected rows, redrawn in place as rows change, until Ctrl-C."""
    rows: dict[str, TallyRow] = {}
    # rich redraws from its own thread a few times a second: it copies the rows under the lock, never mid-change,
    # and only when it redraws (a copy per record would make reading a long topic quadratic).
    lock = threading.Lock()

    def current_table() -> Table:
        with lock:
            current = tuple(rows.values())
        table = tally_table(selected(current), terminal=True)
        table.caption = f"following {settings.topics.tally}: Ctrl-C to stop"
        return table

    with Live(console=console, get_renderable=current_table):
        async for key, row in follow_tally(settings.kafka, settings.topics, follow=True):
            with lock:
                apply_change(rows, key, row)


async def follow_change_lines(wave: str | None, place: str | None, as_json: bool) -> None:
    """Piped (or --json): one line per change of a selected row, until stopped."""
    async for key, row in follow_tally(settings.kafka, settings.topics, follow=True):
        # A tombstone has no row: its key, "{wave}/{place}", says which row it removes.
        row_wave, _, row_place = key.partition("/")
        if not is_selected(row_wave, row_place, only_wave=wave, only_place=place):
            continue
        if row is None:
            print(json.dumps({"key": key, "removed": True}) if as_json else f"{key}: removed", flush=True)
        else:
            print(row.model_dump_json() if as_json else f"{key}: reports={row.reports} detained={row.detained_low} v{row.version}", flush=True)


@app.command(argument("paths", type=AN_ARCHIVE, nargs=-1, required=True),
             option("--pretty", is_flag=True, default=False, help="Indented JSON for people."))
async def analyze(self, paths: tuple[str, ...], pretty: bool) -> None:
    """Read files or folders of .txt and print one Report per document as a JSON line.

    No broker needed: the reading of each document (wave, places, detention figures) as the worker would do it.

    \b
    Example:
      python -m worker analyze seeds/ --pretty
    """
    print_reports(list(paths), pretty)


@app.command(option("--count", type=int, default=2000, help="Items to write."),
             option("--seed", type=int, default=7, help="Random seed: the same seed gives the same archive."),
             option("--out", type=str, default="synth.jsonl", help="The JSONL file to write."))
async def synth(self, count: int, seed: int, out: str) -> None:
    """Write a synthetic archive of news-style items, each with its expected reading, as JSONL.

    The file can be replayed as it is (`replay FILE`).

    \b
    Example:
      python -m worker synth --count 500 --seed 1 --out synth.jsonl
    """
    items = synth_archive(count, seed)
    write_archive(items, Path(out))
    print(f"wrote {len(items)} items ({len({i['doc_id'] for i in items})} distinct doc ids) to {out}")


@app.command()
async def export_schemas(self) -> None:
    """Write the JSON Schema of every message model to schemas/json/.

    No options; run it after changing a model in schemas/ (a test fails while the files drift).

    \b
    Example:
      python -m worker export-schemas
    """
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for name, model in MESSAGE_MODELS.items():
        (SCHEMA_DIR / f"{name}.schema.json").write_text(json.dumps(model.model_json_schema(), indent=2) + "\n")
    print(f"wrote {len(MESSAGE_MODELS)} schemas to {SCHEMA_DIR}")


@app.command(argument("path", type=AN_ARCHIVE, required=False, default=str(SEEDS_DIR)),
             option("--kind", type=str, default="auto", help="Embedded broker: auto, kafka or tansu."),
             option("--keep", is_flag=True, default=False,
                    help="After the table, keep the broker and the worker running and print the dashboard's URL; "
                         "Ctrl-C stops both."))
async def demo(self, path: str, kind: str, keep: bool) -> None:
    """Start the embedded broker and a worker, replay the archive, print the tally, stop everything.

    PATH is what to replay (default: seeds/). With --keep the worker's web server stays up on
    PROTEST_TALLY_WEB_PORT (6066 unless set, or a free port when 6066 is taken).

    \b
    Examples:
      python -m worker demo
      python -m worker demo --keep
    """
    started = time.monotonic()
    documents = read_archive(Path(path))
    with start_embedded_broker(kind) as embedded, tempfile.TemporaryDirectory(prefix="protest-tally-demo-") as workdir:
        kafka = embedded.connection
        demo_settings = dataclasses.replace(settings, kafka=kafka)
        await ensure_topics(demo_settings)
        worker_log = Path(workdir) / "worker.log"
        web_port = dashboard_port(settings.web_host, settings.web_port, "PROTEST_TALLY_WEB_PORT" in os.environ) if keep else free_port()
        worker_env = {**embedded.worker_env, "PROTEST_TALLY_WEB_PORT": str(web_port)}
        with WorkerProcess(kafka, Path(workdir), worker_log, extra_env=worker_env) as process:
            def running() -> bool:
                return process.poll() is None

            try:
                # Once the worker has joined its group, the group's coordinator is known: reading its progress
                # then draws no "coordinator not available" errors from the client library.
                await wait_group_stable(kafka, settings.app_id, 1, alive=running)
                summary = await replay_archive(kafka, settings.topics.raw, documents, progress=sys.stderr.isatty())
                print(summary.line(), flush=True)
                await wait_until_processed(kafka, settings.topics, settings.app_id, len(documents), alive=running)
            except (TimeoutError, RuntimeError):
                print(worker_log.read_text()[-3000:], file=sys.stderr)
                raise
            print_tally(select_rows((await read_tally(kafka, settings.topics)).values()))
            print(f"demo done in {time.monotonic() - started:.1f} s on {embedded.kind} ({kafka.bootstrap_servers})", flush=True)
            if keep:
                browse_host = "127.0.0.1" if settings.web_host in ("0.0.0.0", "::", "") else settings.web_host
                print(f"dashboard: http://{browse_host}:{web_port}/  (Ctrl-C stops the worker and the broker)", flush=True)
                await until_the_worker_exits(process, worker_log)


def dashboard_port(host: str, configured: int, chosen_by_the_user: bool) -> int:
    """`demo --keep`'s web port: the configured one (PROTEST_TALLY_WEB_PORT, else 6066), unless it is only the
    default and something holds it already: then any free port."""
    if chosen_by_the_user or port_is_free(host, configured):
        return configured
    return free_port()


async def until_the_worker_exits(process, worker_log: Path) -> None:
    """Wait. Ctrl-C or SIGTERM ends the wait: Faust's command runner then cancels this command, and the with-blocks
    around it stop the worker and the broker. A worker that dies on its own ends the demo with its log."""
    while process.poll() is None:
        await asyncio.sleep(1.0)
    print(worker_log.read_text()[-3000:], file=sys.stderr)
    raise RuntimeError(f"the worker exited with code {process.returncode}")
