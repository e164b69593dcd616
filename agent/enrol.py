"""Enrolment: trade a one-time code from IT for a device id, secret, group and the
console's public keys; store them (the secret 0600 from its first byte)."""

from __future__ import annotations

import socket

from agent.console_client import ConsoleClient, ConsoleOffline, ConsoleRejected
from agent.errors import AgentError
from agent.identity import Identity, save_identity
from agent.paths import StatePaths


def platform_name() -> str:
    import platform  # only at enrolment, not in the long-running service

    system = platform.system().lower()
    return {"darwin": "macos"}.get(system, system)


def enrol(paths: StatePaths, console_url: str, code: str, *, hostname: str | None = None) -> Identity:
    if paths.secret.exists():
        raise AgentError(f"this device is already enrolled ({paths.secret} exists)")
    client = ConsoleClient(console_url)
    try:
        answer = client.enroll(code, hostname or socket.gethostname(), platform_name())
    except (ConsoleOffline, ConsoleRejected) as exc:
        raise AgentError(f"enrolment failed: {exc}") from exc
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
