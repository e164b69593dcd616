"""Enrolment: trade a one-time code from IT for a device id, secret, group and the
console's public keys; store them (the secret 0600 from its first byte).

An unattended install of a whole school enrols hundreds of laptops at once, often
through one address; with `retry_for_s` a console that is busy (429, 503) or briefly
unreachable is asked again, with back-off and jitter, for that long. A refused code is
never retried."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any, Final

from agent.backoff import Backoff
from agent.console_client import ConsoleClient, ConsoleOffline, ConsoleRejected
from agent.errors import AgentError
from agent.identity import Identity, save_identity
from agent.paths import StatePaths
from agent.timekeeping import Clock, SystemClock

RETRY_STATUSES: Final = frozenset({429, 503})


def platform_name() -> str:
    import platform  # only at enrolment, not in the long-running service

    system = platform.system().lower()
    return {"darwin": "macos"}.get(system, system)


def enrol(
    paths: StatePaths,
    console_url: str,
    code: str,
    *,
    hostname: str | None = None,
    retry_for_s: float = 0.0,
    clock: Clock | None = None,
    sleep: Callable[[float], None] = time.sleep,
    backoff: Backoff | None = None,
) -> Identity:
    if paths.secret.exists():
        raise AgentError(f"this device is already enrolled ({paths.secret} exists)")
    client = ConsoleClient(console_url)
    clock = clock or SystemClock()
    backoff = backoff or Backoff(base=2.0, cap=30.0)
    give_up_at = clock.monotonic() + retry_for_s
    while True:
        try:
            answer = client.enroll(code, hostname or socket.gethostname(), platform_name())
            break
        except (ConsoleOffline, ConsoleRejected) as exc:
            retryable = isinstance(exc, ConsoleOffline) or exc.status in RETRY_STATUSES
            delay = backoff.next_delay()
            if not retryable or clock.monotonic() + delay > give_up_at:
                raise AgentError(f"enrolment failed: {exc}{_hint(exc, retry_for_s)}") from exc
            sleep(delay)
    return _store(paths, console_url, answer)


def _hint(exc: Exception, retry_for_s: float) -> str:
    if isinstance(exc, ConsoleRejected) and exc.status not in RETRY_STATUSES:
        return ""
    if retry_for_s:
        return f" (tried for {retry_for_s:g} s)"
    return "; for unattended installs, let it try again for a while with --retry-for SECONDS"


def _store(paths: StatePaths, console_url: str, answer: dict[str, Any]) -> Identity:
    fields = {key: answer.get(key) for key in ("device_id", "device_secret", "group")}
    keys = answer.get("public_keys")
    missing = [key for key, value in fields.items() if not isinstance(value, str) or not value]
    if missing or not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise AgentError(f"the console's enrolment answer lacks {', '.join(missing) or 'public_keys'}")
    try:
        return save_identity(
            paths,
            device_id=str(fields["device_id"]),
            group=str(fields["group"]),
            console_url=console_url,
            secret=str(fields["device_secret"]),
            public_keys=keys,
        )
    except ValueError as exc:
        raise AgentError(f"the console sent a public key that is not Ed25519: {exc}") from exc
