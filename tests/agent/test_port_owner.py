from __future__ import annotations

import os
import socket

from agent.port_owner import describe, listener_pids
from tests.agent.conftest import free_port


def test_the_listening_process_is_named() -> None:
    port = free_port()
    assert listener_pids("127.0.0.1", port) == set()
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
        server.listen()
        assert listener_pids("127.0.0.1", port) == {os.getpid()}
    assert describe(os.getpid()).startswith(f"pid {os.getpid()} (")
