"""The soak's account of the workers' log lines at WARNING and above (worker.bench.soak.log_account)."""

from worker.bench.soak import log_account

LOG = """\
[2026-12-06 22:49:29,208] [21495] [ERROR] [^---AIOKafkaConsumerThread]: Stream has not started processing TP(topic='t.x', partition=1) (started 5.01 minutes ago).
There are multiple possible explanations for this:
[2026-12-06 22:49:30,470] [21495] [ERROR] [^---AIOKafkaConsumerThread]: Stream has not started processing TP(topic='t.x', partition=3) (started 5.03 minutes ago).
[2026-12-06 22:44:29,949] [21495] [ERROR] Group Coordinator Request failed: [Error 15] GroupCoordinatorNotAvailableError
[2026-12-06 22:44:30,001] [21495] [INFO] [^Worker]: Ready
{"error": "KafkaConnectionError", "down_seconds": 0.0, "event": "broker_unreachable", "level": "warning", "timestamp": "t"}
{"down_seconds": 20.0, "event": "broker_reachable", "level": "info", "timestamp": "t"}
"""


def test_lines_at_warning_and_above_are_counted_per_level_with_the_commonest_first(tmp_path):
    first, second = tmp_path / "worker-0.log", tmp_path / "worker-1.log"
    first.write_text(LOG)
    second.write_text(LOG.splitlines()[5] + "\n")
    account = log_account([first, second])
    assert account["log_lines"] == {"error": 3, "warning": 2}
    assert account["commonest_log_lines"] == [
        ("error Stream has not started processing TP(topic='t.x', partition=N) (started N.N minutes ago).", 2),
        ("warning broker_unreachable", 2),
        ("error Group Coordinator Request failed: [Error N] GroupCoordinatorNotAvailableError", 1)]
