"""The README's consumer example runs against the broker and sees the tally rows; its table of a worker's exit
statuses has every status the worker can end with."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_consumer_example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return next(b for b in blocks if "AIOKafkaConsumer" in b)


def interruptible() -> None:
    """Ctrl-C as in a terminal: a test run started in the background by a shell ignores SIGINT, and so would the
    example, which stops on it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_readme_consumer_example_prints_the_rows(pipeline, seed_documents, tmp_path):
    pipeline.start_worker()
    pipeline.replay(seed_documents)
    pipeline.wait(len(seed_documents))
    rows = pipeline.tally()
    code = readme_consumer_example().replace('"protest.tally"', repr(pipeline.settings.topics.tally))
    script = tmp_path / "consumer.py"
    script.write_text(code)
    out = tmp_path / "out.txt"
    with out.open("w") as sink:
        consumer = subprocess.Popen([sys.executable, str(script)], env={**os.environ, **pipeline.kafka.as_env()},
                                    stdout=sink, stderr=subprocess.STDOUT, preexec_fn=interruptible)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(out.read_text().splitlines()) < len(rows):
            time.sleep(0.5)
        consumer.send_signal(signal.SIGINT)
        consumer.wait(20)
    rows_printed = [re.match(r"^(\S+/.+) \d+ \S+ \d+$", line) for line in out.read_text().splitlines()]
    printed = {m.group(1) for m in rows_printed if m}
    assert printed == set(rows)


def test_every_exit_status_of_a_worker_has_its_row_in_the_readme_with_the_event_it_logs():
    import inspect

    from worker.stages import supervision

    statuses = {name: value for name, value in vars(supervision).items() if name.startswith("EXIT_")}
    rows = dict(re.findall(r"^\| (\d+) \| `(\w+)` \|", (ROOT / "README.md").read_text(), re.M))
    logged = {}  # status -> the event its function logs before it ends the process
    for function in vars(supervision).values():
        if inspect.isfunction(function) and function.__module__ == supervision.__name__:
            source = inspect.getsource(function)
            for name, status in statuses.items():
                if f"end_process({name})" in source:
                    logged[str(status)] = re.search(r'log\.\w+\("(\w+)"', source).group(1)
    assert set(logged) == {str(status) for status in statuses.values()}, "a status no function ends with"
    assert rows == logged
