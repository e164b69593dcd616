"""Closes blocked services' desktop apps during lessons: politely first (terminate),
then forcibly (kill) after a grace period, with a message for the tray.

What is blocked comes from the same lesson view as everything else (decide()), so an
exception token that opens a service in the browser also leaves its app alone. A
process is matched by its name and its executable's file name against the catalogue
(`apps` per operating system), case-insensitively; psutil reports names per system.
Processes are remembered by (pid, create time), so a reused pid is never killed.

Reading every process's name each second cost as much CPU as the rest of the idle
agent together, so a tick looks only at processes it has not seen before (and the
ones it is closing); all of them are looked at again every FULL_SCAN_S, which catches
a process that changed its name after it started (a launcher that execs the app).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]  # no stubs in the venv (types-psutil is not a dev dependency)

from agent.lesson_view import LessonView
from agent.timekeeping import Clock
from policies.model import AppNames, Policy

log = logging.getLogger(__name__)
_PROTECTED = {0, 1}
FULL_SCAN_S = 5.0
ATTRS = ["name", "exe", "create_time"]


def platform_key(platform: str = sys.platform) -> str:
    return "windows" if platform.startswith("win") else "macos" if platform == "darwin" else "linux"


def blocked_apps(policy: Policy, view: LessonView, platform: str = sys.platform) -> dict[str, str]:
    """Process name (casefolded) → service title, for the services blocked now."""
    key = platform_key(platform)
    found: dict[str, str] = {}
    for blocked in view.blocked:
        service = policy.services.get(blocked.name)
        apps: AppNames = service.apps if service is not None else AppNames()
        for name in getattr(apps, key):
            found[name.casefold()] = blocked.title
    return found


class AppGuard:
    def __init__(
        self,
        grace_s: float,
        clock: Clock,
        notify: Callable[[str], None],
    ) -> None:
        self.grace_s = grace_s
        self.clock = clock
        self.notify = notify
        self._closing: dict[tuple[int, float], float] = {}  # (pid, created) → when terminate was sent
        self._known_pids: set[int] = set()
        self._last_full_scan: float | None = None
        self.closed = 0

    def tick(self, agent: Any) -> None:
        view = agent.view()
        if view is None or agent.policy is None:
            return
        self.enforce(blocked_apps(agent.policy, view))

    def _processes(self, now: float) -> Iterable[Any]:
        """Processes to look at now, with .info filled in (see the module comment)."""
        pids = psutil.pids()
        full = self._last_full_scan is None or now - self._last_full_scan >= FULL_SCAN_S
        if full:
            self._last_full_scan = now
            wanted = pids
        else:
            closing = {pid for pid, _ in self._closing}
            wanted = [pid for pid in pids if pid not in self._known_pids or pid in closing]
        self._known_pids = set(pids)
        for pid in wanted:
            try:
                process = psutil.Process(pid)
                process.info = process.as_dict(ATTRS)
            except psutil.Error:
                continue
            yield process

    def enforce(self, apps: Mapping[str, str]) -> None:
        if not apps:
            self._closing.clear()
            self._last_full_scan = None  # the first tick of a lesson looks at everything
            return
        now = self.clock.monotonic()
        seen = set()
        for process in self._processes(now):
            try:
                title = self._match(process, apps)
                if title is None:
                    continue
                key = (process.pid, process.info.get("create_time") or 0.0)
                seen.add(key)
                if key not in self._closing:
                    process.terminate()
                    self._closing[key] = now
                    self.closed += 1
                    self.notify(f"{title} is gesloten: nu is het les.")
                    log.info("asked a %s app to close (pid %d)", title, process.pid)
                elif now - self._closing[key] >= self.grace_s:
                    process.kill()
                    log.info("killed a %s app that did not close (pid %d)", title, process.pid)
            except (psutil.NoSuchProcess, psutil.ZombieProcess):
                continue
            except psutil.AccessDenied:
                log.warning("not allowed to close pid %d", process.pid)
        self._closing = {key: when for key, when in self._closing.items() if key in seen}

    @staticmethod
    def _match(process: Any, apps: Mapping[str, str]) -> str | None:
        if process.pid in _PROTECTED or process.pid == os.getpid():
            return None
        info = process.info
        for candidate in (info.get("name"), Path(info["exe"]).name if info.get("exe") else None):
            if candidate and candidate.casefold() in apps:
                return apps[candidate.casefold()]
        return None
