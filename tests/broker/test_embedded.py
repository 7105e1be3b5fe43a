"""The embedded broker's own pieces that need no broker."""

from __future__ import annotations

import re

from worker.broker.embedded import new_cluster_id


def test_cluster_ids_never_start_with_a_dash():
    # One raw id in 64 starts with "-", and the storage tool then reads it as an option and fails to format:
    # 3,000 ids would show such a slip with near certainty.
    ids = [new_cluster_id() for _ in range(3000)]
    assert all(re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]{21}", cluster_id) for cluster_id in ids)
    assert len(set(ids)) == len(ids)
