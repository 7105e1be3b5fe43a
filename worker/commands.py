"""Commands for people, on Faust's own CLI: `python -m worker <command>` (also `protest-tally <command>`)."""

from __future__ import annotations

import dataclasses
import json
import signal
import sys
import tempfile
import time
from pathlib import Path

from faust.cli import argument, option

from schemas import MESSAGE_MODELS
from worker.analyze_command import print_reports
from worker.app import app, settings
from worker.broker import start_embedded_broker
from worker.feed import read_archive, replay as replay_archive
from worker.settings import BROKER_ADDRESS_FILE
from worker.synth import synth_archive, write_archive
from worker.tally_topic import follow_tally, format_table, read_tally, wait_until_processed
from worker.topics import ensure_topics
from worker.worker_process import WorkerProcess

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas" / "json"
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"


@app.command(option("--kind", type=str, default="auto", help="auto (Apache Kafka, else tansu), kafka or tansu."),
             option("--data-dir", type=str, default=None, help="Keep the broker's data here (default: a temporary folder)."))
async def broker(self, kind: str, data_dir: str | None) -> None:
    """Run the embedded broker in the foreground and print its bootstrap address."""
    embedded = start_embedded_broker(kind, Path(data_dir) if data_dir else None)
    BROKER_ADDRESS_FILE.parent.mkdir(parents=True, exist_ok=True)
    BROKER_ADDRESS_FILE.write_text(json.dumps({"bootstrap_servers": embedded.bootstrap_servers, "kind": embedded.kind,
                                               "worker_env": embedded.worker_env}))
    print(f"{embedded.kind} broker ready: KAFKA_BOOTSTRAP_SERVERS={embedded.bootstrap_servers}", flush=True)
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        BROKER_ADDRESS_FILE.unlink(missing_ok=True)
        embedded.stop()


@app.command(argument("path", type=str, required=False, default=str(SEEDS_DIR)),
             option("--rate", type=float, default=None, help="Items per second (default: as fast as possible)."),
             option("--loop", "loops", type=int, default=1, help="Replay the archive this many times."),
             option("--limit", type=int, default=None, help="Stop after this many items."))
async def replay(self, path: str, rate: float | None, loops: int, limit: int | None) -> None:
    """Publish an archive (folder of .txt, or JSONL of FeedItems) onto feed.raw as a live feed."""
    await ensure_topics(settings)
    summary = await replay_archive(settings.kafka, settings.topics.raw, read_archive(Path(path)), rate=rate, loops=loops,
                                   limit=limit, progress=sys.stderr.isatty())
    print(summary.line())


@app.command(option("--follow", is_flag=True, default=False, help="Keep printing changes."),
             option("--json", "as_json", is_flag=True, default=False, help="Print rows as JSON lines."))
async def tally(self, follow: bool, as_json: bool) -> None:
    """Print the current tally read from protest.tally (sorted), or follow its changes."""
    if follow:
        async for key, row in follow_tally(settings.kafka, settings.topics, follow=True):
            if row is None:
                print(json.dumps({"key": key, "removed": True}) if as_json else f"{key}: removed", flush=True)
            else:
                print(row.model_dump_json() if as_json else f"{key}: reports={row.reports} detained={row.detained_low} v{row.version}", flush=True)
        return
    rows = await read_tally(settings.kafka, settings.topics)
    if as_json:
        for row in sorted(rows.values(), key=lambda r: r.key):
            print(row.model_dump_json())
    else:
        print(format_table(rows))


@app.command(argument("paths", nargs=-1, required=True),
             option("--pretty", is_flag=True, default=False, help="Indented JSON for people."))
async def analyze(self, paths: tuple[str, ...], pretty: bool) -> None:
    """Read files or folders of .txt and print one Report per document as a JSON line."""
    print_reports(list(paths), pretty)


@app.command(option("--count", type=int, default=2000, help="Items to write."),
             option("--seed", type=int, default=7, help="Random seed: the same seed gives the same archive."),
             option("--out", type=str, default="synth.jsonl", help="The JSONL file to write."))
async def synth(self, count: int, seed: int, out: str) -> None:
    """Write a synthetic archive of news-style items, each with its expected reading, as JSONL."""
    items = synth_archive(count, seed)
    write_archive(items, Path(out))
    print(f"wrote {len(items)} items ({len({i['doc_id'] for i in items})} distinct doc ids) to {out}")


@app.command()
async def export_schemas(self) -> None:
    """Write the JSON Schema of every message model to schemas/json/."""
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for name, model in MESSAGE_MODELS.items():
        (SCHEMA_DIR / f"{name}.schema.json").write_text(json.dumps(model.model_json_schema(), indent=2) + "\n")
    print(f"wrote {len(MESSAGE_MODELS)} schemas to {SCHEMA_DIR}")


@app.command(argument("path", type=str, required=False, default=str(SEEDS_DIR)),
             option("--kind", type=str, default="auto", help="Embedded broker: auto, kafka or tansu."))
async def demo(self, path: str, kind: str) -> None:
    """Start the embedded broker and a worker, replay the archive, print the tally, stop everything."""
    started = time.monotonic()
    documents = read_archive(Path(path))
    with start_embedded_broker(kind) as embedded, tempfile.TemporaryDirectory(prefix="protest-tally-demo-") as workdir:
        kafka = embedded.connection
        demo_settings = dataclasses.replace(settings, kafka=kafka)
        await ensure_topics(demo_settings)
        worker_log = Path(workdir) / "worker.log"
        with WorkerProcess(kafka, Path(workdir), worker_log, extra_env=embedded.worker_env) as process:
            summary = await replay_archive(kafka, settings.topics.raw, documents, progress=sys.stderr.isatty())
            print(summary.line(), flush=True)
            try:
                await wait_until_processed(kafka, settings.topics, settings.app_id, len(documents), alive=lambda: process.poll() is None)
            except (TimeoutError, RuntimeError):
                print(worker_log.read_text()[-3000:], file=sys.stderr)
                raise
            rows = await read_tally(kafka, settings.topics)
        print(format_table(rows))
        print(f"demo done in {time.monotonic() - started:.1f} s on {embedded.kind} ({kafka.bootstrap_servers})")
