"""The tray application (pystray)."""

from __future__ import annotations

from pathlib import Path

from agent.errors import AgentError


def run_tray(socket_path: Path) -> int:
    raise AgentError("the tray is not available in this build yet")
