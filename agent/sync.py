"""The sync loop: long-poll the console, verify what it sends, hand it to the agent.

Nothing unverified is used or cached: the bundle's signature and every token are
checked against the keys from enrolment. A bundle older than the one in force is
refused (a replayed old policy must not undo a newer one). When the console is down
the loop backs off exponentially with jitter and the agent enforces its cache.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from agent.backoff import Backoff
from agent.cache import SyncState, verify_sync
from agent.console_client import ConsoleClient, ConsoleOffline, ConsoleRejected
from agent.timekeeping import TrustedTime
from policies.bundle import BundleError
from policies.yamlnodes import NAME

log = logging.getLogger(__name__)


class SyncLoop:
    def __init__(
        self,
        client: ConsoleClient,
        keys: Any,
        trusted_time: TrustedTime,
        apply: Callable[[SyncState], bool | None],
        report: Callable[[str], None],
        *,
        current: SyncState | None = None,
        backoff: Backoff | None = None,
        wait: float = 25.0,
        identity_update: Callable[[str, list[str]], Any] | None = None,
    ) -> None:
        self.client = client
        self.keys = keys
        self.time = trusted_time
        self.apply = apply
        self.report = report
        self.current = current
        self.backoff = backoff or Backoff()
        self.wait = wait
        self.identity_update = identity_update  # (group, public keys) → the trusted keys from now on
        self._moved = False
        self.online = False
        self.last_sync: float | None = None  # trusted Unix seconds
        self.last_error: str | None = None
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        while not self._stop.is_set():
            delay = self.once()
            if delay:
                self._stop.wait(delay)

    def once(self) -> float:
        """One sync; returns how long to wait before the next (0 after a success:
        the long-poll itself is the wait)."""
        since = self.current.version if self.current is not None else None
        try:
            answer = self.client.sync(since, wait=self.wait)
        except (ConsoleOffline, ConsoleRejected) as exc:
            self.online = False
            if isinstance(exc, ConsoleRejected) and str(exc) != self.last_error:
                self.report(f"the console does not accept this device: {exc}")  # once per new message
            self.last_error = str(exc)
            delay = self.backoff.next_delay()
            log.info("sync failed (%s); next try in %.1f s", exc, delay)
            return delay
        try:
            in_force = self._take(answer)
        except (BundleError, ValueError) as exc:
            self.online = True  # reachable, but what it sent is refused
            self.last_error = f"the console sent something that does not verify: {exc}"
            self.report(self.last_error)
            return self.backoff.next_delay()  # no reset: a console that keeps sending junk is not hammered
        if not in_force:  # verified but not put into force (disk full, does not load): again later
            self.online = True
            return self.backoff.next_delay()
        self.backoff.reset()
        self.last_error = None
        self.online = True  # after the answer is in force: "online" implies time and policy are current
        return 0.0

    def _follow_identity(self, answer: dict[str, Any]) -> None:
        """A group move or a key rotation, as the sync answer states them. Taken only
        over an authenticated channel (https, or a console on this machine): the keys
        decide what this laptop trusts. Keys first, so a bundle signed with a new key
        verifies."""
        self._moved = False
        group, keys = answer.get("group"), answer.get("public_keys")
        if self.identity_update is None or not isinstance(group, str) or not NAME.fullmatch(group):
            return
        if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
            return
        if not _trusted_channel(self.client.base_url):
            return
        before = self.keys
        self.keys, self._moved = self.identity_update(group, keys)
        if set(self.keys) != set(before):
            self.report(f"the console's signing keys changed: now trusting {', '.join(sorted(self.keys))}")

    def _take(self, answer: dict[str, Any]) -> bool:
        server_time = answer.get("server_time")
        if not isinstance(server_time, int | float) or isinstance(server_time, bool):
            raise ValueError("the answer has no server_time")
        self.time.anchor(float(server_time))
        self.last_sync = self.time.seconds()
        self._follow_identity(answer)
        policy = answer.get("policy")
        if not policy and self.current is not None:
            policy = self.current.bundle.raw  # "nothing new" may come without the bundle
        if not isinstance(policy, str):
            raise ValueError("the answer has no policy bundle")
        state = verify_sync(policy, answer.get("tokens", []), answer.get("revoked", []), server_time, self.keys)
        if state.overrides.rejected:
            self.report(f"{len(state.overrides.rejected)} token(s) rejected: " + "; ".join(state.overrides.rejected))
        if self.current is not None and state.version < self.current.version:
            raise ValueError(f"policy version {state.version} is older than the one in force ({self.current.version})")
        changed = self.current is None or state != self.current or self._moved
        if changed and self.apply(state) is False:
            return False  # self.current stays: the next sync asks for this again
        self.current = state
        return True


def _trusted_channel(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    try:
        return parts.hostname == "localhost" or ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        return False
