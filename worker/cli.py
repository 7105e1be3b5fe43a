"""The command line: Faust's own CLI, except `analyze`, which is routed before Faust is imported (fast start), and
`--version`, which names this project (Faust's would name only Faust)."""

import sys
from importlib.metadata import version


def main() -> None:
    # `analyze --help` is Faust's, like every other command's help (with its example).
    if sys.argv[1:2] == ["analyze"] and "--help" not in sys.argv[2:]:
        from worker.analyze_command import main as analyze_main

        analyze_main(sys.argv[2:])
    elif sys.argv[1:] == ["--version"]:
        print(f"protest-tally {version('protest-tally')} (faust-streaming {version('faust-streaming')}, "
              f"aiokafka {version('aiokafka')}, Python {sys.version.split()[0]})")
    else:
        from worker.app import main as faust_main

        faust_main()
