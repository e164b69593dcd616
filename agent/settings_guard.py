"""Re-asserts the system settings every minute and reports drift (someone, or some
other tool, changed a proxy setting or a browser policy)."""

from __future__ import annotations

import logging
import sys
from typing import Any

from agent import settings
from agent.timekeeping import Clock

log = logging.getLogger(__name__)


class SettingsGuard:
    def __init__(
        self,
        pac_url: str,
        root: Any,
        every: float,
        clock: Clock,
        platform: str | None = None,
        *,
        trust_ca: bool = False,
    ) -> None:
        self.plan = settings.proxy_plan(pac_url, platform or sys.platform, trust_ca)
        self.root = root
        self.every = every
        self.clock = clock
        self._next = 0.0
        self.runs = 0
        self.last_drift: list[str] = []

    def tick(self, agent: Any) -> None:
        if self.clock.monotonic() < self._next:
            return
        self._next = self.clock.monotonic() + self.every
        first = self.runs == 0
        self.runs += 1
        try:
            changed = settings.apply(self.plan, self.root)
        except OSError as exc:
            agent.report(f"system settings could not be set: {exc}")
            return
        self.last_drift = changed
        if changed and not first:
            agent.report("system settings had drifted and were set again: " + ", ".join(changed))

    def not_enforceable(self) -> list[str]:
        if self.plan.system != "linux":
            return [f"systeeminstellingen op {self.plan.system}: alleen als plan, de installer zet ze"]
        return []
