"""This device's identity after enrolment: id, group, device secret, trusted keys.

The secret is created with O_EXCL and mode 0600 from the first byte; trusted keys are
stored one PEM per key id, because the proxy takes them as `--trust-key FILE` each.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from agent.atomic import create_secret, write_atomic, write_json_atomic
from agent.errors import AgentError
from agent.paths import StatePaths
from policies.ed25519 import VerifyKey
from policies.keys import key_id, load_public_key


@dataclass(frozen=True)
class Identity:
    device_id: str
    group: str
    console_url: str
    secret: str
    trusted_keys: Mapping[str, VerifyKey]
    key_files: tuple[Path, ...]


class NotEnrolled(AgentError):
    pass


def save_identity(
    paths: StatePaths, *, device_id: str, group: str, console_url: str, secret: str, public_keys: list[str]
) -> Identity:
    """Store a fresh enrolment. Refuses to overwrite an existing one (enrolling again
    means removing the old identity on purpose first)."""
    keys = {}
    for pem in public_keys:
        key = load_public_key(pem)
        keys[key_id(key)] = (key, pem)
    if not keys:
        raise AgentError("the console sent no public keys; cannot verify anything it signs")
    paths.ensure()
    try:
        create_secret(paths.secret, secret)
    except FileExistsError as exc:
        raise AgentError(f"this device is already enrolled ({paths.secret} exists)") from exc
    for kid, (_, pem) in keys.items():
        # public keys: 0644, the proxy child reads them by path
        write_atomic(paths.keys / f"{kid}.pem", pem if pem.endswith("\n") else pem + "\n", mode=0o644)
    write_json_atomic(
        paths.device, {"device_id": device_id, "group": group, "console_url": console_url, "key_ids": sorted(keys)}
    )
    return load_identity(paths)


def load_identity(paths: StatePaths) -> Identity:
    if not paths.device.exists() or not paths.secret.exists():
        raise NotEnrolled("this device is not enrolled yet: run `classguard-agent enrol --console URL --code CODE`")
    try:
        device = json.loads(paths.device.read_text(encoding="utf-8"))
        secret = paths.secret.read_text(encoding="utf-8").strip()
        key_ids = device["key_ids"]
        keys: dict[str, VerifyKey] = {}
        files = []
        for kid in key_ids:
            file = paths.keys / f"{kid}.pem"
            key = load_public_key(file.read_bytes())
            if key_id(key) != kid:
                raise ValueError(f"{file} does not hold key {kid}")
            keys[kid] = key
            files.append(file)
        return Identity(
            str(device["device_id"]), str(device["group"]), str(device["console_url"]), secret, keys, tuple(files)
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AgentError(f"the enrolment in {paths.root} is damaged ({exc}); enrol this device again") from exc


def update_identity(paths: StatePaths, identity: Identity, *, group: str, public_keys: list[str]) -> Identity:
    """The console moved the device to another group or rotated its keys (sync answer).
    The key list replaces the old one: a key the console no longer lists is no longer
    trusted. ValueError for a key that is not Ed25519 (then nothing changes)."""
    keys = {key_id(load_public_key(pem)): pem for pem in public_keys}
    if not keys:
        raise ValueError("the console listed no public keys")
    for kid, pem in keys.items():
        write_atomic(paths.keys / f"{kid}.pem", pem if pem.endswith("\n") else pem + "\n", mode=0o644)
    write_json_atomic(
        paths.device,
        {"device_id": identity.device_id, "group": group, "console_url": identity.console_url, "key_ids": sorted(keys)},
    )
    for stale in paths.keys.glob("*.pem"):
        if stale.stem not in keys:
            stale.unlink()
    return load_identity(paths)
