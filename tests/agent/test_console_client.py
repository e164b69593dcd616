from __future__ import annotations

import pytest

from agent.console_client import ConsoleClient, ConsoleOffline, ConsoleRejected
from tests.agent.conftest import free_port
from tests.agent.fakes import FakeConsole


def test_sync_with_the_device_secret(console: FakeConsole) -> None:
    answer = ConsoleClient(console.url, console.state.secret).sync(None, wait=1)
    assert answer["version"] == 1 and answer["server_time"] == console.state.server_time
    assert isinstance(answer["policy"], str) and answer["tokens"] == [] and answer["revoked"] == []


def test_a_wrong_secret_is_rejected_with_the_consoles_message(console: FakeConsole) -> None:
    with pytest.raises(ConsoleRejected, match=r"the console refused \(401\): unknown device") as caught:
        ConsoleClient(console.url, "wrong").sync(None, wait=1)
    assert caught.value.status == 401


def test_a_console_that_is_down_or_absent_is_offline(console: FakeConsole) -> None:
    console.state.down = True
    with pytest.raises(ConsoleOffline, match=r"failed \(503\): down"):
        ConsoleClient(console.url, console.state.secret).sync(None, wait=1)
    with pytest.raises(ConsoleOffline, match="cannot be reached"):
        ConsoleClient(f"http://127.0.0.1:{free_port()}", "x", timeout=2).heartbeat("0", {}, {})


def test_posts_carry_exactly_the_contract_fields(console: FakeConsole) -> None:
    client = ConsoleClient(console.url, console.state.secret)
    client.heartbeat("0.1.0", {"proxy": "running"}, {"youtube": {"2026-11-30T09": 3}})
    client.ask_exception("youtube", "voor het werkstuk")
    client.report_incident("iemand scheldt in de groepsapp")
    assert console.state.heartbeats == [
        {"agent_version": "0.1.0", "health": {"proxy": "running"}, "counters": {"youtube": {"2026-11-30T09": 3}}}
    ]
    assert console.state.requests == [{"service": "youtube", "message": "voor het werkstuk"}]
    assert console.state.incidents == [{"message": "iemand scheldt in de groepsapp"}]


def test_only_http_urls() -> None:
    with pytest.raises(ValueError, match="http"):
        ConsoleClient("file:///etc/passwd")
