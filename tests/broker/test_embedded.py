"""The embedded broker's own pieces that need no broker."""

from __future__ import annotations

import re
import socket

from worker.broker.embedded import new_cluster_id, port_is_free


def test_cluster_ids_never_start_with_a_dash():
    # One raw id in 64 starts with "-", and the storage tool then reads it as an option and fails to format:
    # 3,000 ids would show such a slip with near certainty.
    ids = [new_cluster_id() for _ in range(3000)]
    assert all(re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]{21}", cluster_id) for cluster_id in ids)
    assert len(set(ids)) == len(ids)


def test_a_port_is_taken_where_a_server_could_not_bind_it_and_free_once_let_go():
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen(1)
        port = held.getsockname()[1]
        assert not port_is_free("127.0.0.1", port)
        assert not port_is_free("0.0.0.0", port), "every IPv4 address includes the one held"
        assert not port_is_free("localhost", port)
        assert port_is_free("::", port), "an IPv6 server binds IPv6 alone, as asyncio's create_server does"
    assert port_is_free("127.0.0.1", port)
    assert port_is_free("0.0.0.0", port)
