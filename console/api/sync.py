"""GET /api/v1/sync?since=<version>[&wait=<seconds>]: the long-poll.

Answers at once when the device's version differs from `since` (or `since` is absent),
else waits until a change that concerns the device commits (the Notifier wakes it, then
the version is re-read from the database) or `wait` seconds pass (default and maximum
LONG_POLL_SECONDS, 25). The database connection is released while waiting."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue

from console import changes, context, db, sync_snapshot
from console.api import blueprint
from console.api.common import ApiError, current_device, device_required
from console.models import Device
from console.notifier import notifier
from policies.bundle import sign_bundle

RECHECK_SECONDS = 5.0  # re-read the version this often even without a wake-up (other processes)
MAX_WAIT = 25.0  # the contract's bound; the config's LONG_POLL_SECONDS may only shorten it


@blueprint.get("/sync")
@device_required
def sync() -> ResponseReturnValue:
    unknown = sorted(set(request.args) - {"since", "wait"})
    if unknown:  # a typo must not silently turn a long-poll into something else
        raise ApiError(400, f"unknown parameter {unknown[0][:40]!r}: sync takes since and wait")
    since = _int_arg("since", low=0, high=2**62)
    limit = min(MAX_WAIT, float(current_app.config["LONG_POLL_SECONDS"]))
    wait = _float_arg("wait", low=0.0, high=MAX_WAIT)
    wait = limit if wait is None else min(wait, limit)
    clock, session, device_id = context.clock(), db.session(), current_device().id
    deadline = clock.monotonic() + wait
    waker = notifier()
    while True:
        generation = waker.generation()
        device = session.get(Device, device_id)
        if device is None or device.retired_at is not None:
            raise ApiError(401, "this device was retired: enrol it again")
        version = changes.version_for(session, group=device.group, device_id=device.id)
        remaining = deadline - clock.monotonic()
        if since is None or version != since or remaining <= 0:
            break
        session.close()  # hold no connection (and no SQLite read snapshot) while waiting
        waker.wait(generation, min(remaining, RECHECK_SECONDS))
    return jsonify(_answer(device, version))


def _answer(device: Device, version: int) -> dict[str, Any]:
    session, now = db.session(), context.now()
    shared = sync_snapshot.snapshot(
        session,
        instance=context.instance(),
        database_url=current_app.config["DATABASE_URL"],
        group=device.group,
        now=now,
        monotonic=context.clock().monotonic(),
    )
    if shared is None:
        raise ApiError(503, "the console has no policy yet: an admin must import one first")
    bundle = sign_bundle(shared.key, version=version, policy_text=shared.policy_text, files=shared.files, now=int(now))
    if device.last_seen is None or now - device.last_seen > 60:
        device.last_seen = now
        session.commit()
    return {
        "version": version,
        "policy": bundle,
        "tokens": shared.tokens_for(device.id),
        "revoked": list(shared.revoked),
        "server_time": int(now),
        "group": device.group,
        "device_id": device.id,
        "public_keys": list(shared.public_keys),
    }


def _int_arg(name: str, *, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be a whole number, not {raw[:40]!r}") from None
    if not low <= value <= high:
        raise ApiError(400, f"{name} must be between {low} and {high}")
    return value


def _float_arg(name: str, *, low: float, high: float) -> float | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be a number of seconds, not {raw[:40]!r}") from None
    if not low <= value <= high:  # also refuses nan
        raise ApiError(400, f"{name} must be between {low:g} and {high:g} seconds")
    return value
