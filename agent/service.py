"""`classguard-agent run`: the service, composed of its parts.

Threads: the sync loop (long-poll), the PAC server, the proxy watcher, and one
housekeeping loop here that ticks every second: status file, clock.json, desktop
apps, system settings, heartbeat, cache refresh. Offline, the last good cache is
enforced; a problem (an edited cache, a policy that does not load) is reported in the
status and the heartbeat, and never stops enforcement of what is known good.
"""

from __future__ import annotations

import collections
import logging
import threading
from pathlib import Path
from typing import Any

from agent.atomic import write_json_atomic
from agent.cache import CacheError, PolicyCache, SyncState
from agent.config import Config
from agent.console_client import ConsoleClient
from agent.errors import AgentError
from agent.identity import Identity, load_identity, update_identity
from agent.lesson_view import LessonView, lesson_view
from agent.lock import InstanceLock
from agent.pac_server import PacServer
from agent.paths import StatePaths
from agent.permissions import secure_state_dir
from agent.policy_files import drifted_files, write_clock, write_overrides, write_policy_dir
from agent.proxy_files import media_enforceable
from agent.proxy_supervisor import ProxyArgs, ProxySupervisor
from agent.status import exception_json, iso, lesson_json
from agent.sync import SyncLoop
from agent.timekeeping import Clock, TrustedTime
from policies.errors import PolicyError
from policies.model import Policy

log = logging.getLogger(__name__)
TICK_S = 1.0
CACHE_REFRESH_S = 300.0
STATUS_REFRESH_S = 30.0  # the status file is rewritten when it changes, and at least this often


class Agent:
    def __init__(self, config: Config, clock: Clock, *, sync_wait: float = 25.0) -> None:
        self.config = config
        self.clock = clock
        self.paths = StatePaths(config.state_dir)
        self.lock = InstanceLock(self.paths.lock)
        self.time = TrustedTime(clock)
        self.problems: collections.deque[str] = collections.deque(maxlen=20)
        self.notices: collections.deque[tuple[float, str]] = collections.deque(maxlen=10)  # for the tray
        self.identity: Identity | None = None
        self.cache: PolicyCache | None = None
        self.state: SyncState | None = None
        self.policy: Policy | None = None
        self.proxy: ProxySupervisor | None = None
        self.pac: PacServer | None = None
        self.sync_wait = sync_wait
        self.sync: SyncLoop | None = None
        self.client: ConsoleClient | None = None
        self.tasks: list[Any] = []  # periodic duties with .tick(agent), added by build_tasks
        self._stop = threading.Event()
        self._apply_lock = threading.RLock()
        self._offset_written: float | None = None
        self._last_cache_save = 0.0
        self._status_written: tuple[dict[str, Any], float] | None = None  # (what, when)

    # -- start and stop ------------------------------------------------------
    def start(self) -> None:
        for problem in secure_state_dir(self.paths):  # before ensure(), which would hide a loosened mode
            self.report(problem)
        self.paths.ensure()
        self.lock.acquire()
        self.identity = load_identity(self.paths)
        self.cache = PolicyCache(
            self.paths.cache, self.paths.cache_good, self.identity.secret, self.identity.trusted_keys
        )
        try:
            self.pac = PacServer(self.config.pac_listen, self.config.proxy_address)
        except OSError as exc:
            self.lock.release()
            raise AgentError(f"cannot serve the PAC file on {self.config.pac_url}: {exc.strerror or exc}") from exc
        self._load_cache()
        self.pac.start()
        self.client = client = ConsoleClient(self.config.console_url, self.identity.secret)
        for task in self.tasks:
            start = getattr(task, "start", None)
            if start is not None:
                try:
                    start()
                except OSError as exc:  # e.g. the tray socket: the rest must still enforce
                    self.report(f"{type(task).__name__} did not start: {exc}")
        self.sync = SyncLoop(
            client,
            self.identity.trusted_keys,
            self.time,
            self.apply,
            self.report,
            current=self.state,
            wait=self.sync_wait,
            identity_update=self.update_identity,
        )
        threading.Thread(target=self.sync.run, name="sync", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        if self.sync is not None:
            self.sync.stop()
        # Under the apply lock: a sync that is applying right now finishes first, and
        # _ensure_proxy starts nothing once stopping (else its proxy would outlive us).
        with self._apply_lock:
            proxy, self.proxy = self.proxy, None
        if proxy is not None:
            proxy.stop()
        if self.pac is not None:
            self.pac.stop()
        for task in self.tasks:
            stop = getattr(task, "stop", None)
            if stop is not None:
                stop()
        self.lock.release()

    def run_forever(self) -> None:
        """The housekeeping loop, until stop() (from a signal handler) is called."""
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(TICK_S)

    def request_stop(self) -> None:
        self._stop.set()

    # -- state ---------------------------------------------------------------
    def report(self, problem: str) -> None:
        log.warning("%s", problem)
        self.problems.append(problem)

    def update_identity(self, group: str, public_keys: list[str]) -> tuple[Any, bool]:
        """Follow a group move or a key rotation from the console (called by the sync
        loop before it verifies the answer). Returns (trusted keys, whether the group moved)."""
        identity = self.identity
        assert identity is not None
        current = {p.read_text(encoding="ascii").strip() for p in identity.key_files}
        if group == identity.group and {k.strip() for k in public_keys} == current:
            return identity.trusted_keys, False
        try:
            updated = update_identity(self.paths, identity, group=group, public_keys=public_keys)
        except (ValueError, OSError) as exc:
            self.report(f"the console's new group or keys could not be taken: {exc}")
            return identity.trusted_keys, False
        with self._apply_lock:
            self.identity = updated
            if self.cache is not None:
                self.cache = PolicyCache(self.paths.cache, self.paths.cache_good, updated.secret, updated.trusted_keys)
        moved = updated.group != identity.group
        if moved:
            self.report(f"this device was moved from {identity.group} to {updated.group}")
        return updated.trusted_keys, moved

    def notify(self, message: str) -> None:
        """A message for the person at the laptop (the tray shows recent ones)."""
        self.notices.append((self.time.seconds(), message))

    def _load_cache(self) -> None:
        assert self.cache is not None
        try:
            loaded = self.cache.load()
        except CacheError as exc:
            self.report(f"the policy cache cannot be used ({exc}); waiting for the console")
            return
        if loaded is None:
            return
        state, last_trusted, problems = loaded
        for problem in problems:
            self.report(f"policy cache: {problem}")
        self.time.restore(last_trusted)
        self.apply(state, from_cache=True)

    def apply(self, state: SyncState, *, from_cache: bool = False) -> bool:
        """Put a verified sync into force: files for the proxy, PAC, cache. False when
        it could not be (the previous state stays in force; the sync loop retries)."""
        with self._apply_lock:
            try:
                policy = write_policy_dir(self.paths.policy_dir, state)
                write_overrides(self.paths, state)
            except PolicyError as exc:
                self.report(f"policy version {state.version} does not load; keeping the previous one: {exc}")
                return False
            except (ValueError, OSError) as exc:  # OSError: e.g. a full disk; atomic writes left the old files
                self.report(f"policy version {state.version} cannot be written; keeping the previous one: {exc}")
                return False
            if self.pac is not None:
                self.pac.update(policy)
            if not from_cache:
                self._save_cache(state)
            self._write_clock(force=True)
            self._ensure_proxy()
            self.state, self.policy = state, policy  # last: whoever sees the new state sees it all in force
            return True

    def _save_cache(self, state: SyncState) -> None:
        if self.cache is None:
            return
        try:
            self.cache.save(state, self.time.seconds())
        except OSError as exc:  # the previous cache files are whole (atomic writes): offline uses those
            self.report(f"the policy cache could not be written; the last good one is kept: {exc}")
        self._last_cache_save = self.clock.monotonic()

    def _ensure_proxy(self) -> None:
        assert self.identity is not None
        args = ProxyArgs(
            command=self.config.proxy_command,
            policy=self.paths.policy_file,
            group=self.identity.group,
            device=self.identity.device_id,
            listen=self.config.proxy_listen,
            data_dir=self.paths.proxy_dir,
            trust_keys=self.identity.key_files,
            overrides=self.paths.overrides,
            intercept=self.config.intercept,
        )
        if self._stop.is_set():
            return
        if self.proxy is None:
            self.proxy = ProxySupervisor(args)
            self.proxy.start()
        else:
            self.proxy.reconfigure(args)

    def _write_clock(self, force: bool = False) -> None:
        offset = self.time.report().offset_s
        if force or self._offset_written is None or abs(offset - self._offset_written) >= 0.5:
            write_clock(self.paths, offset)
            self._offset_written = offset

    # -- the housekeeping tick -----------------------------------------------
    def tick(self) -> None:
        self._write_clock()
        self._check_policy_files()
        for task in self.tasks:
            try:
                task.tick(self)
            except Exception as exc:  # a duty that fails must not stop the others
                log.exception("task %s failed", type(task).__name__)
                self.report(f"{type(task).__name__} failed: {exc}")
        due = self.clock.monotonic() - self._last_cache_save >= CACHE_REFRESH_S
        if self.state is not None and due:
            self._save_cache(self.state)  # moves the "never before" floor on
        self._write_status()

    def _write_status(self) -> None:
        """Only when something in it changed (or it is getting old): an fsynced write
        every second was a good part of the idle agent's CPU."""
        document, now = self.status(), self.clock.monotonic()
        compared = {**document, "updated_at": None, "clock_offset_s": round(document["clock_offset_s"], 1)}
        if self._status_written is not None:
            before, when = self._status_written
            if before == compared and now - when < STATUS_REFRESH_S:
                return
        try:
            write_json_atomic(self.paths.status, document, mode=0o644)
        except OSError as exc:
            log.warning("status file not written: %s", exc)
            return
        self._status_written = (compared, now)

    def _check_policy_files(self) -> None:
        with self._apply_lock:
            state = self.state
            if state is None:
                return
            drift = drifted_files(self.paths, state)
            if drift:
                self.report(
                    "files for the proxy were changed outside the agent and written again: "
                    + ", ".join(p.name for p in drift)
                )
                write_policy_dir(self.paths.policy_dir, state)
                write_overrides(self.paths, state)

    def view(self) -> LessonView | None:
        if self.policy is None or self.state is None or self.identity is None:
            return None
        return lesson_view(
            self.policy, self.identity.group, self.identity.device_id, self.state.overrides.overrides, self.time.now()
        )

    def not_enforceable(self) -> list[str]:
        items = []
        media_rule = self.policy is not None and self.policy.media_uploads == "block"
        if media_rule and not media_enforceable(self.paths.proxy_dir, self.config.intercept):
            items.append("regel 7 (foto/film uploaden): geen classguard-CA, de proxy kan uploads niet zien")
        if not self.config.apply_system_settings:
            items.append("systeeminstellingen (proxy, browserbeleid): niet afgedwongen, apply_system_settings is uit")
        for task in self.tasks:
            items.extend(getattr(task, "not_enforceable", lambda: [])())
        return items

    def status(self) -> dict[str, Any]:
        identity, view, times = self.identity, self.view(), self.time.report()
        return {
            "enrolled": identity is not None,
            "agent_running": True,
            "updated_at": iso(self.time.seconds()),
            "device_id": identity.device_id if identity else None,
            "group": identity.group if identity else None,
            "policy_version": self.state.version if self.state else None,
            "timezone": self.policy.timezone.key if self.policy is not None else None,
            "lesson": lesson_json(view),
            "exceptions": [exception_json(t) for t in view.exceptions] if view else [],
            "proxy": self.proxy.state() if self.proxy is not None else "down",
            "proxy_restarts": self.proxy.restarts if self.proxy is not None else 0,
            "console": "online" if self.sync is not None and self.sync.online else "offline",
            "last_sync": iso(self.sync.last_sync) if self.sync is not None else None,
            "clock_offset_s": times.offset_s,
            "clock_skewed": times.skewed,
            "not_enforceable": self.not_enforceable(),
            "problems": list(self.problems),
        }


def state_file(config: Config) -> Path:
    return StatePaths(config.state_dir).status
