"""Laptops: enrolment with a one-time code, bearer-secret authentication, heartbeats
with aggregate counters. The secret is 256 random bits, so a SHA-256 of it is a safe
thing to store (no dictionary to try)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console import audit, changes
from console.errors import ConsoleError, Forbidden, NotFound
from console.models import Counter, Device, EnrolCode

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a classroom
SERVICE_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
HOUR_KEY = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")
_HOSTLIKE = re.compile(r"[./:]")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).upper()


def create_code(db: Session, *, group: str, uses: int, hours: float, actor: str, now: float) -> str:
    if uses < 1 or uses > 1000:
        raise ConsoleError("--uses must be between 1 and 1000")
    if hours <= 0 or hours > 24 * 30:
        raise ConsoleError("--hours must be more than 0 and at most 720 (30 days)")
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    code = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
    db.add(
        EnrolCode(
            code_hash=digest(raw), hint=raw[:4], group=group, uses_left=uses, expires_at=now + hours * 3600,
            created_at=now, created_by=actor,
        )
    )  # fmt: skip
    audit.record(db, at=now, actor=actor, action="enrol-code", detail=f"{group}, {uses} uses, {hours:g} h, {raw[:4]}…")
    return code


def enrol(db: Session, *, code: str, hostname: str, platform: str, now: float) -> tuple[Device, str]:
    found = db.get(EnrolCode, digest(normalise_code(code)))
    if found is None or found.uses_left < 1 or found.expires_at <= now:
        raise Forbidden("this enrolment code is unknown, used up or expired; ask IT for a new one")
    found.uses_left -= 1
    secret = secrets.token_urlsafe(32)
    device = Device(
        id=f"dev-{secrets.token_hex(8)}", secret_hash=digest(secret), group=found.group, hostname=hostname,
        platform=platform, enrolled_at=now, last_seen=now,
    )  # fmt: skip
    db.add(device)
    changes.record(db, kind="device", at=now, device_id=device.id)
    audit.record(db, at=now, actor=f"device:{device.id}", action="enrolled", detail=f"{found.group} ({found.hint}…)")
    return device, secret


def authenticate(db: Session, secret: str) -> Device | None:
    if not secret:
        return None
    wanted = digest(secret)
    device = db.scalar(select(Device).where(Device.secret_hash == wanted))
    if device is None or not hmac.compare_digest(device.secret_hash, wanted):
        return None
    return device


def check_counters(counters: object) -> dict[str, dict[str, int]]:
    """{service: {hour: n}} or ConsoleError. Anything that looks like a host or URL is
    refused outright: the console must never receive browsing history."""
    if not isinstance(counters, dict):
        raise ConsoleError("counters must be an object {service: {hour: count}}")
    result: dict[str, dict[str, int]] = {}
    for service, hours in counters.items():
        if _HOSTLIKE.search(service):
            raise ConsoleError(f"counter key {service!r} looks like a host or URL: send service names only")
        if not SERVICE_KEY.fullmatch(service):
            raise ConsoleError(f"counter key {service!r} is not a service name ([a-z0-9-])")
        if not isinstance(hours, dict):
            raise ConsoleError(f"counters.{service} must be an object {{hour: count}}")
        for hour, count in hours.items():
            if _HOSTLIKE.search(hour) or not HOUR_KEY.fullmatch(hour):
                raise ConsoleError(f"counters.{service}: {hour!r} is not a UTC hour like 2026-12-01T09")
            if isinstance(count, float) and count.is_integer():
                count = int(count)  # JSON does not tell 3 from 3.0
            if not isinstance(count, int) or isinstance(count, bool) or count < 0 or count > 10**7:
                raise ConsoleError(f"counters.{service}.{hour} must be a whole number from 0 to 10000000")
            result.setdefault(service, {})[hour] = count
    if sum(len(h) for h in result.values()) > 20_000:
        raise ConsoleError("too many counters in one heartbeat (at most 20000)")
    return result


def check_health(health: object) -> dict[str, Any]:
    if not isinstance(health, dict):
        raise ConsoleError("health must be an object")
    if len(health) > 50:
        raise ConsoleError("health has more than 50 entries")
    for key, value in health.items():
        if _HOSTLIKE.search(key) or len(key) > 64:
            raise ConsoleError(f"health key {key!r} looks like a host or URL")
        if not isinstance(value, str | int | float | bool | type(None)) or (
            isinstance(value, str) and len(value) > 200
        ):
            raise ConsoleError(f"health.{key} must be a short text, a number, true/false or null")
    return health


def heartbeat(
    db: Session,
    device: Device,
    *,
    agent_version: str,
    health: dict[str, Any],
    counters: dict[str, dict[str, int]],
    now: float,
) -> None:
    device.agent_version, device.health_json, device.last_seen = agent_version, json.dumps(health), now
    for service, hours in counters.items():
        for hour, count in hours.items():
            row = db.get(Counter, (device.id, service, hour))
            if row is None:
                db.add(Counter(device_id=device.id, service=service, hour=hour, group=device.group, blocked=count))
            else:
                row.blocked = count


def move(db: Session, device_id: str, group: str, *, actor: str, now: float) -> Device:
    device = db.get(Device, device_id)
    if device is None:
        raise NotFound(f"there is no device {device_id!r}")
    old, device.group = device.group, group
    changes.record(db, kind="device", at=now, device_id=device.id)
    audit.record(db, at=now, actor=actor, action="device-moved", detail=f"{device.id}: {old} → {group}")
    return device


def retire(db: Session, device_id: str, *, actor: str, now: float) -> Device:
    device = db.get(Device, device_id)
    if device is None:
        raise NotFound(f"there is no device {device_id!r}")
    device.retired_at = now
    device.secret_hash = f"retired-{device.id}"  # the secret stops working; the row stays for the record
    audit.record(db, at=now, actor=actor, action="device-retired", detail=device.id)
    return device
