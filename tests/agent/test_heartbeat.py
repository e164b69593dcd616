from __future__ import annotations

import json

from agent.heartbeat import Heartbeat
from agent.service import Agent
from tests.agent.fakes import FakeConsole, wait_for


def test_heartbeat_sends_health_and_only_aggregate_counters(agent: Agent, console: FakeConsole) -> None:
    assert wait_for(lambda: agent.state is not None)
    counters = {
        "version": 1,
        "hours": {
            "2026-11-30T09": {"youtube": {"blocked": 3, "allowed_by_token": 1, "media_refused": 0}},
            "not-an-hour": {"youtube": {"blocked": 9}},
            "2026-11-30T10": {"https://evil.example/x": {"blocked": 1}},
        },
    }
    (agent.paths.proxy_dir / "counters.json").write_text(json.dumps(counters))
    heartbeat = Heartbeat(300, agent.clock)
    heartbeat.tick(agent)
    heartbeat.tick(agent)  # not due again yet
    assert heartbeat.sent == 1
    [sent] = console.state.heartbeats
    assert sent["counters"] == {"youtube": {"2026-11-30T09": 3}}
    assert sent["agent_version"] and sent["health"]["policy_version"] == 1
    assert "device_id" not in json.dumps(sent["health"])
    # the console's check: plain keys, short scalar values only
    for key, value in sent["health"].items():
        assert not any(c in key for c in "./:") and len(key) <= 64
        assert isinstance(value, str | int | float | bool | type(None)) and len(str(value)) <= 200, key
