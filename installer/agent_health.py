"""Is the agent healthy? Asked of the agent itself (`classguard-agent status --json`)
after a restart, for upgrade's go/no-go. Healthy means: the agent runs, it is still the
same enrolled device, and (when enrolled) its proxy runs, and that stays so for a few
seconds. The staying matters: just after a restart the status file may still be the
old process's last word, so a moment of "running" proves nothing; the new agent
writes its own within a second of starting and again on every change, so a few
seconds without a break are its own word.

How the agent is restarted is a service runner: systemd on a laptop, a foreground
process in the tests (tests/installer/fakes.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from installer.commands import Runner
from policies import clock

SERVICE = "classguard-agent.service"
POLL_S = 0.5


class AgentService(Protocol):
    @property
    def observable(self) -> bool:
        """False under a staging root: nothing runs, so health cannot be checked."""
        ...

    def restart(self) -> None: ...


@dataclass
class SystemdAgent:
    runner: Runner

    @property
    def observable(self) -> bool:
        return self.runner.real

    def restart(self) -> None:
        self.runner.system(("systemctl", "restart", SERVICE))


@dataclass(frozen=True)
class Health:
    healthy: bool
    seen: str  # what the last look found, in words for IT


def unhealthy_because(status: dict[str, Any], device: str | None) -> str | None:
    """None when healthy; else why not. `device` is the enrolment to keep (None: the
    laptop was not enrolled, so there is no policy yet and no proxy to expect)."""
    if "error" in status:
        return f"`classguard-agent status` failed: {status['error']}"
    problems = "; ".join(str(p) for p in status.get("problems") or [])
    detail = f" ({problems})" if problems else ""
    if not status.get("agent_running"):
        return f"the agent is not running{detail}"
    if device is None:
        return None
    if status.get("device_id") != device:
        return f"the enrolment is gone: device {status.get('device_id')}, was {device}"
    if status.get("proxy") != "running":
        return f"the proxy is {status.get('proxy')}{detail}"
    return None


def wait_healthy(
    read_status: Callable[[], dict[str, Any]],
    device: str | None,
    timeout_s: float,
    settle_s: float,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = clock.monotonic,
) -> Health:
    """Healthy within `timeout_s`, then without a break for `settle_s` more."""
    deadline = monotonic() + timeout_s
    healthy_since: float | None = None
    seen = "no answer yet"
    while True:
        status = read_status()
        now = monotonic()
        reason = unhealthy_because(status, device)
        if reason is not None:
            healthy_since, seen = None, reason
        elif healthy_since is None:
            healthy_since = now
        elif now - healthy_since >= settle_s:
            return Health(True, describe_healthy(status, device))
        if now >= deadline and healthy_since is None:
            return Health(False, seen)
        sleep(POLL_S)


def describe_healthy(status: dict[str, Any], device: str | None) -> str:
    if device is None:
        return "the agent runs (not enrolled: no proxy until it is)"
    return f"the agent runs, device {device} in group {status.get('group')}, proxy running"
