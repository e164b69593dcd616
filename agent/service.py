"""`classguard-agent run`: the service, composed of its parts.

Threads: the sync loop (long-poll), the PAC server, the proxy watcher, and one
housekeeping loop here that ticks every second (agent/housekeeping.py): status file,
clock.json, desktop apps, system settings, heartbeat, cache refresh. Offline, the last good cache is
enforced; a problem (an edited cache, a policy that does not load) is reported in the
status and the heartbeat, and never stops enforcement of what is known good.
"""

from __future__ import annotations

import collections
import logging
import threading
from pathlib import Path
from typing import Any

from agent.cache import CacheError, PolicyCache, SyncState
from agent.config import Config
from agent.console_client import ConsoleClient
from agent.errors import AgentError
from agent.housekeeping import Housekeeping
from agent.identity import Identity, load_identity, update_identity
from agent.lesson_view import LessonView, lesson_view
from agent.lock import InstanceLock
from agent.pac_server import PacServer
from agent.paths import StatePaths
from agent.permissions import secure_state_dir
from agent.policy_files import write_overrides, write_policy_dir
from agent.proxy_supervisor import ProxyArgs, ProxySupervisor
from agent.status_document import status_document
from agent.sync import SyncLoop
from agent.timekeeping import Clock, TrustedTime
from policies.errors import PolicyError
from policies.model import Policy

log = logging.getLogger(__name__)
TICK_S = 1.0


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
        self.apply_lock = threading.RLock()
        self.housekeeping = Housekeeping()
        self.last_cache_save = 0.0

    # -- start and stop ------------------------------------------------------
    def start(self) -> None:
        for problem in secure_state_dir(self.paths):  # before ensure(), which would hide a loosened mode
            self.report(problem)
        self.paths.ensure()
        self.lock.acquire()
        # The status file left by the previous agent said "running" for a proxy that is
        # gone: until this agent writes its own, `status` must say it has none yet.
        self.paths.status.unlink(missing_ok=True)
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
        with self.apply_lock:
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
        with self.apply_lock:
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
        with self.apply_lock:
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
                self.save_cache(state)
            self.housekeeping.write_clock(self, force=True)
            self._ensure_proxy()
            self.state, self.policy = state, policy  # last: whoever sees the new state sees it all in force
            return True

    def save_cache(self, state: SyncState) -> None:
        if self.cache is None:
            return
        try:
            self.cache.save(state, self.time.seconds())
        except OSError as exc:  # the previous cache files are whole (atomic writes): offline uses those
            self.report(f"the policy cache could not be written; the last good one is kept: {exc}")
        self.last_cache_save = self.clock.monotonic()

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

    # -- the housekeeping tick (agent/housekeeping.py) -------------------------
    def tick(self) -> None:
        self.housekeeping.tick(self)

    def view(self) -> LessonView | None:
        if self.policy is None or self.state is None or self.identity is None:
            return None
        return lesson_view(
            self.policy, self.identity.group, self.identity.device_id, self.state.overrides.overrides, self.time.now()
        )

    def status(self) -> dict[str, Any]:
        return status_document(self)


def state_file(config: Config) -> Path:
    return StatePaths(config.state_dir).status
