"""The benchmarks' CPU accounting (worker.bench.pipeline): /proc's figures for a process, by role."""

import os
import resource
import subprocess
import sys

from worker.bench.pipeline import cpu_between, cpu_seconds


def test_a_process_cpu_is_what_the_kernel_says_and_nothing_once_it_has_ended():
    busy = subprocess.Popen([sys.executable, "-c", "import time\nend = time.process_time() + 0.5\n"
                             "while time.process_time() < end: pass\ninput()"], stdin=subprocess.PIPE)
    try:
        while cpu_seconds(busy.pid) < 0.5:
            assert busy.poll() is None
        assert cpu_seconds(busy.pid) < 5
    finally:
        busy.communicate(b"\n")
    assert cpu_seconds(busy.pid) == 0.0
    own = resource.getrusage(resource.RUSAGE_SELF)
    assert abs(cpu_seconds(os.getpid()) - (own.ru_utime + own.ru_stime)) < 0.1


def test_cpu_between_counts_a_role_that_appeared_from_zero():
    assert cpu_between({"worker": 1.0}, {"worker": 3.5, "reader process": 2.0}) == {"worker": 2.5, "reader process": 2.0}
