from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import AgentError
from agent.lock import InstanceLock, agent_running


def test_one_holder_at_a_time_and_released_on_exit(tmp_path: Path) -> None:
    path = tmp_path / "agent.lock"
    assert not agent_running(path)
    first = InstanceLock(path)
    first.acquire()
    assert agent_running(path)
    assert path.read_text().strip().isdigit()
    with pytest.raises(AgentError, match="already running"):
        InstanceLock(path).acquire()
    first.release()
    assert not agent_running(path)
    second = InstanceLock(path)
    second.acquire()
    second.release()
