"""What laptops report: heartbeats (health, aggregate counters), pupils' requests for
an exception, and incidents ("report a problem", protocol rule 5, for directie)."""

from __future__ import annotations

import re
from typing import Any, cast

from flask import jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from console import context, db, devices
from console.api import blueprint
from console.api.common import ApiError, current_device, device_required, json_body, rate_limit, text_field
from console.errors import ConsoleError
from console.models import Incident, PupilRequest
from console.notifier import commit

MAX_REQUEST_MESSAGE = 280
MAX_INCIDENT_MESSAGE = 2000
CLIENT_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


def client_id_of(body: dict[str, Any]) -> str | None:
    """The laptop's own id for a queued message (optional). A laptop that lost the
    answer sends the message again with the same id; it must not reach the teacher twice."""
    value = body.get("client_id")
    if value is None:
        return None
    if not isinstance(value, str) or not CLIENT_ID.fullmatch(value):
        raise ApiError(400, "client_id must be 8 to 64 letters, digits or dashes")
    return value


def already_received(
    model: type[PupilRequest] | type[Incident], owner: Any, client_id: str | None
) -> ResponseReturnValue | None:
    """The answer for a message received before (200 with its id), or None."""
    if client_id is None:
        return None
    found = db.session().scalars(select(model).where(owner, model.client_id == client_id)).first()
    row = cast("PupilRequest | Incident | None", found)
    return (jsonify({"id": row.id, "status": row.status}), 200) if row is not None else None


def store(row: PupilRequest | Incident, owner: Any) -> ResponseReturnValue:
    """Add the row; a copy that raced in at the same moment wins (the unique constraint)."""
    session = db.session()
    session.add(row)
    try:
        commit(session)
    except IntegrityError:
        session.rollback()
        answer = already_received(type(row), owner, row.client_id)
        if answer is None:
            raise
        return answer
    return jsonify({"id": row.id, "status": "open"}), 201


@blueprint.post("/heartbeat")
@device_required
def heartbeat() -> ResponseReturnValue:
    body = json_body("agent_version")
    agent_version = text_field(body, "agent_version", max_length=64)
    try:
        health = devices.check_health(body.get("health", {}))
        counters = devices.check_counters(body.get("counters", {}))
    except ConsoleError as exc:
        raise ApiError(400, str(exc)) from exc
    session = db.session()
    devices.heartbeat(
        session, current_device(), agent_version=agent_version, health=health, counters=counters, now=context.now()
    )
    commit(session)
    return jsonify({"ok": True})


@blueprint.post("/requests")
@device_required
def ask_exception() -> ResponseReturnValue:
    device = current_device()
    body = json_body("service", "message")
    service = text_field(body, "service", max_length=64)
    message = text_field(body, "message", max_length=MAX_REQUEST_MESSAGE, min_length=0)
    client_id = client_id_of(body)
    if service not in context.policy().block:
        raise ApiError(400, f"{service!r} is not blocked by the school's policy, so there is nothing to ask for")
    owner = PupilRequest.device_id == device.id
    answer = already_received(PupilRequest, owner, client_id)  # before the rate limit: a retry is free
    if answer is not None:
        return answer
    rate_limit("requests", device.id)
    row = PupilRequest(
        device_id=device.id,
        group=device.group,
        service=service,
        message=message,
        created_at=context.now(),
        client_id=client_id,
    )
    return store(row, owner)


@blueprint.post("/incidents")
@device_required
def report_incident() -> ResponseReturnValue:
    device = current_device()
    body = json_body("message")
    message = text_field(body, "message", max_length=MAX_INCIDENT_MESSAGE)
    client_id = client_id_of(body)
    source = f"device:{device.id}"
    owner = Incident.source == source
    answer = already_received(Incident, owner, client_id)
    if answer is not None:
        return answer
    rate_limit("incidents", device.id)
    row = Incident(source=source, group=device.group, message=message, created_at=context.now(), client_id=client_id)
    return store(row, owner)
