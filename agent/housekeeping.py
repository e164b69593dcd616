"""The agent's once-a-second duties: the trusted clock offset for the proxy, files for
the proxy that someone edited, the periodic tasks (desktop apps, system settings,
heartbeat, outbox, tray), the cache's "never before" floor, and the status file."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

from agent.atomic import write_json_atomic
from agent.policy_files import drifted_files, write_clock, write_overrides, write_policy_dir
from agent.status_document import status_document

if TYPE_CHECKING:
    from agent.service import Agent

log = logging.getLogger(__name__)
CACHE_REFRESH_S: Final = 300.0
STATUS_REFRESH_S: Final = 30.0  # the status file is rewritten when it changes, and at least this often
CLOCK_STEP_S: Final = 0.5  # a smaller change of the offset is not worth a file write


class Housekeeping:
    def __init__(self) -> None:
        self._offset_written: float | None = None
        self._status_written: tuple[dict[str, Any], float] | None = None  # (what, when)

    def tick(self, agent: Agent) -> None:
        self.write_clock(agent)
        self._check_policy_files(agent)
        for task in agent.tasks:
            try:
                task.tick(agent)
            except Exception as exc:  # a duty that fails must not stop the others
                log.exception("task %s failed", type(task).__name__)
                agent.report(f"{type(task).__name__} failed: {exc}")
        if agent.state is not None and agent.clock.monotonic() - agent.last_cache_save >= CACHE_REFRESH_S:
            agent.save_cache(agent.state)  # moves the "never before" floor on
        self._write_status(agent)

    def write_clock(self, agent: Agent, force: bool = False) -> None:
        offset = agent.time.report().offset_s
        if force or self._offset_written is None or abs(offset - self._offset_written) >= CLOCK_STEP_S:
            write_clock(agent.paths, offset)
            self._offset_written = offset

    def _check_policy_files(self, agent: Agent) -> None:
        with agent.apply_lock:
            state = agent.state
            if state is None:
                return
            drift = drifted_files(agent.paths, state)
            if drift:
                agent.report(
                    "files for the proxy were changed outside the agent and written again: "
                    + ", ".join(p.name for p in drift)
                )
                write_policy_dir(agent.paths.policy_dir, state)
                write_overrides(agent.paths, state)

    def _write_status(self, agent: Agent) -> None:
        """Only when something in it changed (or it is getting old): an fsynced write
        every second was a good part of the idle agent's CPU."""
        document, now = status_document(agent), agent.clock.monotonic()
        compared = {**document, "updated_at": None, "clock_offset_s": round(document["clock_offset_s"], 1)}
        if self._status_written is not None:
            before, when = self._status_written
            if before == compared and now - when < STATUS_REFRESH_S:
                return
        try:
            write_json_atomic(agent.paths.status, document, mode=0o644)
        except OSError as exc:
            log.warning("status file not written: %s", exc)
            return
        self._status_written = (compared, now)
