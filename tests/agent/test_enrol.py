from __future__ import annotations

import stat
from pathlib import Path

import pytest

from agent.enrol import enrol, platform_name
from agent.errors import AgentError
from agent.paths import StatePaths
from tests.agent.conftest import free_port
from tests.agent.fakes import FakeConsole


def test_enrol_stores_identity_from_the_console(tmp_path: Path, console: FakeConsole) -> None:
    paths = StatePaths(tmp_path / "state")
    identity = enrol(paths, console.url, "ABC-123", hostname="laptop-07")
    assert console.state.enrolments == [{"code": "ABC-123", "hostname": "laptop-07", "platform": platform_name()}]
    assert (identity.device_id, identity.group, identity.secret) == ("dev-42", "groep-7", console.state.secret)
    assert stat.S_IMODE(paths.secret.stat().st_mode) == 0o600
    with pytest.raises(AgentError, match="already enrolled"):
        enrol(paths, console.url, "ABC-123")
    assert len(console.state.enrolments) == 1  # refused before asking the console


def test_a_wrong_code_stores_nothing(tmp_path: Path, console: FakeConsole) -> None:
    paths = StatePaths(tmp_path / "state")
    with pytest.raises(AgentError, match=r"enrolment failed: the console refused \(403\): unknown enrolment code"):
        enrol(paths, console.url, "WRONG")
    assert not paths.secret.exists()


def test_an_unreachable_console(tmp_path: Path) -> None:
    with pytest.raises(AgentError, match="cannot be reached"):
        enrol(StatePaths(tmp_path), f"http://127.0.0.1:{free_port()}", "X")


class Waiting:
    """A fake clock whose time passes only when the enrolment sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def wall_seconds(self) -> float:
        return 1_796_112_000.0 + self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_busy_console_is_asked_again_with_back_off(tmp_path: Path, console: FakeConsole) -> None:
    console.state.enrol_busy = 3
    waiting = Waiting()
    identity = enrol(StatePaths(tmp_path), console.url, "ABC-123", retry_for_s=300, clock=waiting, sleep=waiting.sleep)
    assert identity.device_id == "dev-42"
    assert len(console.state.enrolments) == 4 and len(waiting.slept) == 3
    assert all(0 < delay <= 30 for delay in waiting.slept)


def test_without_retry_for_a_busy_console_is_an_error_that_says_what_to_do(
    tmp_path: Path, console: FakeConsole
) -> None:
    console.state.enrol_busy = 1
    with pytest.raises(AgentError, match=r"refused \(429\).*--retry-for SECONDS"):
        enrol(StatePaths(tmp_path), console.url, "ABC-123")


def test_retrying_gives_up_in_time_and_never_retries_a_wrong_code(tmp_path: Path, console: FakeConsole) -> None:
    waiting = Waiting()
    with pytest.raises(AgentError, match=r"cannot be reached.*tried for 60 s"):
        enrol(StatePaths(tmp_path), f"http://127.0.0.1:{free_port()}", "X", retry_for_s=60, clock=waiting,
              sleep=waiting.sleep)  # fmt: skip
    assert waiting.now <= 60 and len(waiting.slept) >= 3
    waiting = Waiting()
    with pytest.raises(AgentError, match=r"\(403\)"):
        enrol(StatePaths(tmp_path), console.url, "WRONG", retry_for_s=60, clock=waiting, sleep=waiting.sleep)
    assert waiting.slept == []
