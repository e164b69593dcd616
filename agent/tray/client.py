"""The tray's side of the local socket: one JSON line out, one back."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any


class AgentUnavailable(Exception):
    pass


class TrayClient:
    def __init__(self, path: Path, timeout: float = 5.0) -> None:
        self.path = path
        self.timeout = timeout

    def call(self, action: str, **fields: str) -> dict[str, Any]:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(self.timeout)
                sock.connect(str(self.path))
                sock.sendall(json.dumps({"action": action, **fields}).encode("utf-8") + b"\n")
                data = sock.makefile("rb").readline(1 << 20)
        except OSError as exc:
            raise AgentUnavailable(str(exc)) from exc
        try:
            answer = json.loads(data)
        except ValueError as exc:
            raise AgentUnavailable("the agent's answer is not JSON") from exc
        if not isinstance(answer, dict):
            raise AgentUnavailable("the agent's answer is not an object")
        return answer

    def state(self) -> dict[str, Any] | None:
        try:
            answer = self.call("state")
        except AgentUnavailable:
            return None
        state = answer.get("state")
        return state if answer.get("ok") and isinstance(state, dict) else None
