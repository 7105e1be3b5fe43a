"""`python -m worker worker` as a child process against a given broker (the demo and the tests run it so)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from worker.broker.embedded import free_port, stop_process
from worker.settings import KafkaConnection


class WorkerProcess:
    """A worker child process; stopped with SIGTERM on exit, or killed with `kill()`."""

    def __init__(self, kafka: KafkaConnection, data_dir: Path, log_path: Path, extra_env: dict[str, str] | None = None,
                 module: str = "worker", loglevel: str = "info", options: tuple[str, ...] = ()) -> None:
        self.env = {**os.environ, **kafka.as_env(), "PROTEST_TALLY_DATA_DIR": str(data_dir),
                    "PROTEST_TALLY_WEB_PORT": str(free_port()), **(extra_env or {})}
        self.log_path = log_path
        self.module = module
        self.loglevel = loglevel
        #: Faust's worker options after `-l` (`--web-port`, `--without-web`...).
        self.options = options
        self.process: subprocess.Popen | None = None

    def start(self) -> subprocess.Popen:
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen([sys.executable, "-m", self.module, "worker", "-l", self.loglevel, *self.options], env=self.env,
                                            stdout=log_file, stderr=subprocess.STDOUT)
        return self.process

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        assert self.process is not None
        return stop_process(self.process, sig, timeout)

    def __enter__(self) -> subprocess.Popen:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
