from __future__ import annotations

from pathlib import Path

from agent.settings_guard import SettingsGuard
from tests.agent.fakes import FakeClock

PAC = "http://127.0.0.1:8079/proxy.pac"


class Reports:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def report(self, problem: str) -> None:
        self.problems.append(problem)


def test_reasserted_every_interval_and_drift_reported(tmp_path: Path) -> None:
    clock = FakeClock()
    guard = SettingsGuard(PAC, tmp_path, 60, clock, platform="linux")
    agent = Reports()
    guard.tick(agent)
    assert guard.runs == 1 and agent.problems == []  # the first write is no drift
    firefox = tmp_path / "etc/firefox/policies/policies.json"
    firefox.write_text("{}")
    guard.tick(agent)
    assert guard.runs == 1  # not due yet
    clock.advance(60)
    guard.tick(agent)
    assert agent.problems == ["system settings had drifted and were set again: /etc/firefox/policies/policies.json"]
    assert '"AutoConfigURL"' in firefox.read_text()


def test_plans_elsewhere_are_reported_as_not_enforced_live(tmp_path: Path) -> None:
    assert SettingsGuard(PAC, tmp_path, 60, FakeClock(), platform="win32").not_enforceable()
    assert SettingsGuard(PAC, tmp_path, 60, FakeClock(), platform="linux").not_enforceable() == []
