"""The console's agent API over HTTP(S), standard library only (urllib).

Two kinds of failure, because the agent reacts differently: ConsoleOffline (network,
timeout, 5xx: back off and keep enforcing the cache) and ConsoleRejected (4xx: the
console said no, e.g. a wrong enrolment code or a revoked device secret). Bodies and
errors never carry hosts or URLs a pupil visited; there are none to carry.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Final
from urllib.parse import urlencode

API: Final = "/api/v1"
LONG_POLL_S: Final = 25  # the console answers a sync within this
_MAX_BODY: Final = 8 * 1024 * 1024


class ConsoleOffline(Exception):
    """The console could not be reached or failed; try again later."""


class ConsoleRejected(Exception):
    """The console answered with a 4xx and an error message."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(f"the console refused ({status}): {message}")


class ConsoleClient:
    def __init__(self, base_url: str, secret: str | None = None, *, timeout: float = 15.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("the console URL must start with http:// or https://")
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.timeout = timeout

    def enroll(self, code: str, hostname: str, platform: str) -> dict[str, Any]:
        return self._call("POST", "/enroll", {"code": code, "hostname": hostname, "platform": platform})

    def sync(self, since: int | None, wait: float = LONG_POLL_S) -> dict[str, Any]:
        query = urlencode({"since": since}) if since is not None else ""
        return self._call("GET", f"/sync?{query}" if query else "/sync", None, timeout=wait + 10)

    def heartbeat(self, agent_version: str, health: dict[str, Any], counters: dict[str, dict[str, int]]) -> None:
        self._call("POST", "/heartbeat", {"agent_version": agent_version, "health": health, "counters": counters})

    # `extra`: fields the contract allows beyond its own (the outbox's client_id, queued_at)
    def ask_exception(self, service: str, message: str, **extra: object) -> None:
        self._call("POST", "/requests", {**extra, "service": service, "message": message})

    def report_incident(self, message: str, **extra: object) -> None:
        self._call("POST", "/incidents", {**extra, "message": message})

    def _call(
        self, method: str, path: str, body: dict[str, Any] | None, timeout: float | None = None
    ) -> dict[str, Any]:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(f"{self.base_url}{API}{path}", data=data, method=method)  # noqa: S310
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.secret:
            request.add_header("Authorization", f"Bearer {self.secret}")
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:  # noqa: S310
                raw = response.read(_MAX_BODY + 1)
        except urllib.error.HTTPError as exc:
            message = _error_message(exc)
            if 400 <= exc.code < 500:
                raise ConsoleRejected(exc.code, message) from exc
            raise ConsoleOffline(f"the console failed ({exc.code}): {message}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise ConsoleOffline(f"the console cannot be reached: {getattr(exc, 'reason', exc)}") from exc
        if len(raw) > _MAX_BODY:
            raise ConsoleOffline("the console's answer is too large")
        if not raw.strip():
            return {}
        try:
            answer = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConsoleOffline("the console's answer is not JSON") from exc
        if not isinstance(answer, dict):
            raise ConsoleOffline("the console's answer is not a JSON object")
        return answer


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        document = json.loads(exc.read(64 * 1024) or b"{}")
    except (OSError, ValueError):
        return exc.reason if isinstance(exc.reason, str) else "error"
    if isinstance(document, dict) and isinstance(document.get("error"), str):
        return str(document["error"])[:300]
    return str(exc.reason)
