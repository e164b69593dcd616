"""The heartbeat: POST /api/v1/heartbeat with health as flat scalars and the proxy's
aggregate counters. Nothing here names a host, a URL or a person."""

from __future__ import annotations

import logging
import platform
from typing import Any

from agent import __version__
from agent.console_client import ConsoleOffline, ConsoleRejected
from agent.proxy_files import blocked_counters, media_enforceable
from agent.timekeeping import Clock

log = logging.getLogger(__name__)


def heartbeat_body(agent: Any) -> tuple[dict[str, Any], dict[str, dict[str, int]]]:
    """Health as flat scalars (the console accepts short texts, numbers, booleans and
    null, keyed by plain names) and the proxy's aggregate counters."""
    status = agent.status()
    media_rule = agent.policy is not None and agent.policy.media_uploads == "block"
    health: dict[str, Any] = {
        "policy_version": status["policy_version"],
        "proxy": status["proxy"],
        "proxy_restarts": status["proxy_restarts"],
        "clock_offset_s": status["clock_offset_s"],
        "clock_skewed": status["clock_skewed"],
        "not_enforceable": len(status["not_enforceable"]),
        "media_enforceable": not media_rule or media_enforceable(agent.paths.proxy_dir, agent.config.intercept),
        "system_settings": agent.config.apply_system_settings,
        "problems": len(agent.problems),
        "platform": platform.system().lower(),
    }
    return health, blocked_counters(agent.paths.proxy_dir)


class Heartbeat:
    """POST /api/v1/heartbeat every `every` seconds: health and aggregate counters."""

    def __init__(self, every: float, clock: Clock) -> None:
        self.every = every
        self.clock = clock
        self._next = 0.0
        self.sent = 0

    def tick(self, agent: Any) -> None:
        if self.clock.monotonic() < self._next or agent.identity is None:
            return
        self._next = self.clock.monotonic() + self.every
        health, counters = heartbeat_body(agent)
        try:
            agent.client.heartbeat(__version__, health, counters)
            self.sent += 1
        except (ConsoleOffline, ConsoleRejected) as exc:
            log.info("heartbeat not sent: %s", exc)
