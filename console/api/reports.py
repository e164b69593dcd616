"""What laptops report: heartbeats (health, aggregate counters), pupils' requests for
an exception, and incidents ("report a problem", protocol rule 5, for directie)."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from console import context, db, devices
from console.api import blueprint
from console.api.common import ApiError, current_device, device_required, json_body, rate_limit, text_field
from console.errors import ConsoleError
from console.models import Incident, PupilRequest
from console.notifier import commit

MAX_REQUEST_MESSAGE = 280
MAX_INCIDENT_MESSAGE = 2000


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
    if service not in context.policy().block:
        raise ApiError(400, f"{service!r} is not blocked by the school's policy, so there is nothing to ask for")
    rate_limit("requests", device.id)
    session = db.session()
    row = PupilRequest(
        device_id=device.id, group=device.group, service=service, message=message, created_at=context.now()
    )
    session.add(row)
    commit(session)
    return jsonify({"id": row.id, "status": "open"}), 201


@blueprint.post("/incidents")
@device_required
def report_incident() -> ResponseReturnValue:
    device = current_device()
    body = json_body("message")
    message = text_field(body, "message", max_length=MAX_INCIDENT_MESSAGE)
    rate_limit("incidents", device.id)
    session = db.session()
    row = Incident(source=f"device:{device.id}", group=device.group, message=message, created_at=context.now())
    session.add(row)
    commit(session)
    return jsonify({"id": row.id, "status": "open"}), 201
