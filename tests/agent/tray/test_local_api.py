from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import pytest

from agent.tray.client import AgentUnavailable, TrayClient
from agent.tray.local_api import LocalApi
from agent.tray.texts import ASK_MESSAGES, REPORT_MESSAGES
from tests.agent.fakes import FakeClock
from tests.agent.tray.fakes import RecordingBackend

NOBODY = 65534


def test_state_is_readable_and_the_caller_is_known_by_the_kernel(api: LocalApi) -> None:
    state = TrayClient(api.path).state()
    assert state is not None and state["blocked"][0]["title"] == "YouTube"
    uid, pid, action = api.callers[-1]
    assert (uid, pid, action) == (os.getuid(), os.getpid(), "state")


def test_the_socket_is_open_to_every_local_user(api: LocalApi) -> None:
    info = api.path.stat()
    assert stat.S_ISSOCK(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o666


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")  # the child only uses a socket
def test_another_user_is_seen_as_that_user_whatever_it_claims(api: LocalApi) -> None:
    child = os.fork()
    if child == 0:  # the pupil: a normal account that claims to be root
        code = 1
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(5)
                sock.connect(str(api.path))
                sock.sendall(json.dumps({"action": "state", "uid": 0}).encode() + b"\n")
                code = 0 if json.loads(sock.makefile().readline())["ok"] else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert api.callers[-1][0] == NOBODY and api.callers[-1][1] == child


def test_asks_and_reports_pass_with_fixed_texts_only(api: LocalApi, backend: RecordingBackend) -> None:
    client = TrayClient(api.path)
    assert client.call("ask", service="youtube", message=ASK_MESSAGES[0]) == {"ok": True}
    assert client.call("report", message=REPORT_MESSAGES[0]) == {"ok": True}
    assert backend.asks == [("youtube", ASK_MESSAGES[0])] and backend.reports == [REPORT_MESSAGES[0]]
    assert client.call("ask", service="youtube", message="mijn naam is Sanne") == {
        "ok": False,
        "error": "unknown message",
    }
    assert client.call("ask", service="not-a-service", message=ASK_MESSAGES[0])["error"] == "unknown service"
    assert backend.asks == [("youtube", ASK_MESSAGES[0])]


@pytest.mark.parametrize(
    "request_",
    [
        {"action": "stop"},
        {"action": "set_policy", "policy": "block: []"},
        {"action": "apply", "tokens": ["eyJ..."]},
        ["state"],
    ],
)
def test_nothing_else_is_accepted(api: LocalApi, backend: RecordingBackend, request_: object) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(5)
        sock.connect(str(api.path))
        sock.sendall(json.dumps(request_).encode() + b"\n")
        assert json.loads(sock.makefile().readline()) == {"ok": False, "error": "unknown action"}
    assert backend.asks == [] and backend.reports == []


def test_too_large_or_garbage_requests(api: LocalApi) -> None:
    for payload in (b"x" * 10_000 + b"\n", b"{not json\n"):
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(str(api.path))
            sock.sendall(payload)
            assert json.loads(sock.makefile().readline())["ok"] is False


def test_asks_are_rate_limited_per_user(socket_dir: Path, backend: RecordingBackend) -> None:
    clock = FakeClock()
    api = LocalApi(socket_dir / "agent.sock", backend, clock)
    api.start()
    try:
        client = TrayClient(api.path)
        answers = [client.call("report", message=REPORT_MESSAGES[1])["ok"] for _ in range(4)]
        assert answers == [True, True, True, False]
        assert client.call("ask", service="youtube", message=ASK_MESSAGES[0]) == {"ok": False, "error": "too many"}
        clock.advance(601)
        assert client.call("ask", service="youtube", message=ASK_MESSAGES[0]) == {"ok": True}
        assert len(backend.reports) == 3
    finally:
        api.stop()


def test_a_silent_caller_does_not_block_others(api: LocalApi) -> None:
    with socket.socket(socket.AF_UNIX) as idle:
        idle.connect(str(api.path))  # connects and says nothing
        assert TrayClient(api.path, timeout=2).state() is not None


def test_a_planted_file_is_not_replaced(socket_dir: Path, backend: RecordingBackend) -> None:
    socket_dir.mkdir(parents=True)
    planted = socket_dir / "agent.sock"
    planted.write_text("mine")
    with pytest.raises(OSError, match="not a socket"):
        LocalApi(planted, backend, FakeClock()).start()
    assert planted.read_text() == "mine"


def test_no_agent_means_unavailable(tmp_path: Path) -> None:
    client = TrayClient(tmp_path / "absent.sock")
    assert client.state() is None
    with pytest.raises(AgentUnavailable):
        client.call("state")
