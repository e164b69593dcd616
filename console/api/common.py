"""What every API call shares: JSON bodies, device authentication, rate limits, errors."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from console import context, db, devices
from console.errors import ConsoleError
from console.models import Device
from console.ratelimit import LIMITS, Limit

F = TypeVar("F", bound=Callable[..., Any])
API_PREFIX = "/api/"


class ApiError(ConsoleError):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def json_body(*required: str) -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object (Content-Type: application/json)")
    missing = [key for key in required if key not in body]
    if missing:
        raise ApiError(400, f"the body lacks {', '.join(missing)}")
    return body


def text_field(body: dict[str, Any], key: str, *, max_length: int, min_length: int = 1) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise ApiError(400, f"{key} must be a string")
    value = value.strip(" \t\r\n")  # the same blanks as the OpenAPI pattern [^ \t\r\n]
    if not min_length <= len(value) <= max_length:
        raise ApiError(400, f"{key} must be {min_length} to {max_length} characters long")
    return value


def _limit(name: str) -> Limit:
    limit: Limit = current_app.config.get("RATE_LIMITS", {}).get(name) or LIMITS[name]
    return limit


def _too_many(wait: float) -> None:
    if wait:
        seconds = max(1, math.ceil(wait))
        raise ApiError(429, f"too many requests; try again in {seconds} s", {"Retry-After": str(seconds)})


def rate_limit(name: str, key: str) -> None:
    """Count one call against the limit; 429 when it is used up."""
    _too_many(context.limiter().allow(name, key, _limit(name), context.clock().monotonic()))


def rate_limit_open(name: str, key: str) -> None:
    """429 when the limit is used up, without counting this call (see count_failure)."""
    _too_many(context.limiter().waiting(name, key, _limit(name), context.clock().monotonic()))


def count_failure(name: str, key: str) -> None:
    """Count a failed call against a limit that only failures use."""
    context.limiter().allow(name, key, _limit(name), context.clock().monotonic())


def device_required[F: Callable[..., Any]](view: F) -> F:
    """Authenticate the bearer secret, rate-limit per device, put the device in g."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError(401, "send the device secret as 'Authorization: Bearer <device_secret>'", _challenge())
        device = devices.authenticate(db.session(), secret.strip())
        if device is None:
            raise ApiError(401, "unknown or retired device secret: enrol this device again", _challenge())
        rate_limit("device", device.id)
        g.device = device
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def current_device() -> Device:
    found: Device = g.device
    return found


def _challenge() -> dict[str, str]:
    return {"WWW-Authenticate": 'Bearer realm="classguard"'}


def init_errors(app: Flask) -> None:
    """JSON errors for everything under /api/, including 404/405 from routing."""

    @app.errorhandler(ConsoleError)
    def console_error(exc: ConsoleError) -> Any:
        if request.path.startswith(API_PREFIX):
            return error_response(exc.status, str(exc), getattr(exc, "headers", None))
        from console.web.errors import page_error
        from console.web.i18n import translate_error

        return page_error(exc.status, translate_error(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        if request.path.startswith(API_PREFIX):
            return error_response(exc.code or 500, _http_message(exc))
        return exc

    @app.errorhandler(500)
    def server_error(exc: Exception) -> Any:
        if request.path.startswith(API_PREFIX):
            return error_response(500, "the console failed; it has been logged, try again later")
        return exc


def _http_message(exc: HTTPException) -> str:
    messages = {
        404: f"there is no API call {request.method} {request.path}",
        405: f"{request.path} does not take {request.method}",
        413: "the body is too large",
    }
    return messages.get(exc.code or 0, (exc.description or exc.name or "error").strip())
