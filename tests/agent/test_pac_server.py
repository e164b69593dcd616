from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from agent.pac_server import NO_POLICY_PAC, PAC_TYPE, PacServer
from policies.model import Policy
from tests.agent.conftest import free_port


@pytest.fixture
def server() -> Iterator[PacServer]:
    pac = PacServer(("127.0.0.1", free_port()), "127.0.0.1:3128")
    pac.start()
    yield pac
    pac.stop()


def fetch(server: PacServer, path: str = "/proxy.pac") -> tuple[str, str]:
    host, port = server.address
    with urllib.request.urlopen(f"http://{host}:{port}{path}", timeout=5) as response:
        return response.headers["Content-Type"], response.read().decode()


def test_before_a_policy_everything_goes_direct(server: PacServer) -> None:
    assert fetch(server) == (PAC_TYPE, NO_POLICY_PAC)


def test_the_pac_follows_the_policy(server: PacServer, basic_policy: Policy) -> None:
    server.update(basic_policy)
    content_type, text = fetch(server)
    assert content_type == PAC_TYPE
    assert '"youtube.com":1' in text and "PROXY 127.0.0.1:3128" in text
    assert "PROXY 127.0.0.1:3128; DIRECT" not in text  # guarded domains fail closed


def test_other_paths_are_not_found(server: PacServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        fetch(server, "/etc/passwd")
    assert caught.value.code == 404
