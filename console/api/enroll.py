"""POST /api/v1/enroll: a one-time code, hostname and platform → the device's identity."""

from __future__ import annotations

import re

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from console import context, db, devices, keyring
from console.api import blueprint
from console.api.common import ApiError, count_failure, json_body, rate_limit_open, text_field
from console.errors import Forbidden
from console.notifier import commit

PLATFORM = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
CODE = re.compile(r"[A-Za-z0-9 -]{1,64}")
HOSTNAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}")


@blueprint.post("/enroll")
def enroll() -> ResponseReturnValue:
    address = request.remote_addr or "?"
    rate_limit_open("enroll", address)  # only wrong codes count (console/ratelimit.py)
    body = json_body("code", "hostname", "platform")
    code = text_field(body, "code", max_length=64)
    hostname = text_field(body, "hostname", max_length=253)
    platform = text_field(body, "platform", max_length=32).lower()
    if not CODE.fullmatch(code):
        raise ApiError(400, "code holds characters no enrolment code has (letters, digits and dashes only)")
    if not HOSTNAME.fullmatch(hostname):
        raise ApiError(400, "hostname must be a host name: letters, digits, dots, dashes, underscores")
    if not PLATFORM.fullmatch(platform):
        raise ApiError(400, "platform must be a short lowercase word such as linux, windows or macos")
    session, now = db.session(), context.now()
    try:
        device, secret = devices.enrol(session, code=code, hostname=hostname, platform=platform, now=now)
    except Forbidden:
        count_failure("enroll", address)
        raise
    public_keys = keyring.public_keys(context.instance(), session, now)
    commit(session)
    answer = {"device_id": device.id, "device_secret": secret, "group": device.group, "public_keys": public_keys}
    return jsonify(answer), 201
