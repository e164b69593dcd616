"""The upgrade's go/no-go on scripted agent answers and a fake clock: healthy means
running, the same device, proxy running, and staying so."""

from __future__ import annotations

from typing import Any

from installer.agent_health import unhealthy_because, wait_healthy

UP = {"agent_running": True, "device_id": "dev-42", "group": "groep-7", "proxy": "running", "problems": []}
DOWN = {**UP, "proxy": "down", "problems": ["de proxy start niet"]}


class Script:
    """Answers in turn (the last one repeats); each look or sleep moves the fake clock."""

    def __init__(self, *answers: dict[str, Any]) -> None:
        self.answers = list(answers)
        self.now = 0.0
        self.looks = 0

    def read(self) -> dict[str, Any]:
        self.looks += 1
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def wait(self, device: str | None = "dev-42", timeout: float = 5, settle: float = 2) -> tuple[bool, str]:
        health = wait_healthy(self.read, device, timeout, settle, sleep=self.sleep, monotonic=lambda: self.now)
        return health.healthy, health.seen


def test_what_counts_as_unhealthy() -> None:
    assert unhealthy_because(UP, "dev-42") is None
    assert unhealthy_because(DOWN, "dev-42") == "the proxy is down (de proxy start niet)"
    assert (
        unhealthy_because({**UP, "device_id": "dev-7"}, "dev-42") == "the enrolment is gone: device dev-7, was dev-42"
    )
    assert unhealthy_because({**UP, "agent_running": False}, None) == "the agent is not running"
    assert unhealthy_because({"error": "no such file"}, None) == "`classguard-agent status` failed: no such file"
    # a laptop that was never enrolled has no policy and so no proxy: running is enough
    assert unhealthy_because({**DOWN, "device_id": None}, None) is None


def test_healthy_only_after_staying_healthy() -> None:
    script = Script(DOWN, DOWN, UP, UP, DOWN, UP)  # a flicker restarts the settle time
    assert script.wait() == (True, "the agent runs, device dev-42 in group groep-7, proxy running")
    assert script.now == 4.5  # healthy at 2.5 s, then 2 s without a break


def test_never_healthy_says_what_it_last_saw() -> None:
    script = Script(DOWN)
    assert script.wait(timeout=5) == (False, "the proxy is down (de proxy start niet)")
    assert script.now == 5.0


def test_healthy_at_the_deadline_gets_its_settle_time() -> None:
    script = Script(*[DOWN] * 10, UP)  # up at 5 s exactly: came up in time, then must stay up
    assert script.wait(timeout=5)[0] is True
    assert script.now == 7.0
