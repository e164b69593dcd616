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
