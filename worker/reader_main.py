"""`python -P -m worker.reader_main MODULE:FUNCTION`: the reader process (worker.readers.ReaderChild starts it).

Its stdout is where it answers the worker, so before anything is imported (a module may print as it loads) that
descriptor is set aside for the answers and stdout is pointed at stderr; Ctrl-C, which reaches the worker's whole
process group, is ignored from the start: the worker stops and closes its reader (a KeyboardInterrupt in the middle
of a batch would come back as that batch's answer)."""

import os
import signal
import sys

answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
signal.signal(signal.SIGINT, signal.SIG_IGN)

from worker.readers import serve  # noqa: E402 - after the descriptors are set

serve(sys.argv[1], sys.stdin.buffer, answers)
