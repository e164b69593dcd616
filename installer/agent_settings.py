"""What the agent will set on this system (browser policies, GNOME proxy), asked from
the agent itself: `classguard-agent --config FILE settings plan --json`. One source of
truth: the installer lays down, records and later restores exactly these files."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from installer.commands import Runner
from installer.errors import InstallError


def installer_agent() -> Path:
    """The classguard-agent of the same version as this installer (same environment)."""
    return Path(sys.executable).parent / "classguard-agent"


def settings_plan(runner: Runner, config_text: str, platform: str, agent: Path | None = None) -> dict[str, Any]:
    agent = agent or installer_agent()
    if not agent.exists():
        raise InstallError(
            f"{agent} is missing: install classguard with its agent extra (pip install 'classguard[agent]')"
        )
    with tempfile.TemporaryDirectory(prefix="classguard-install-") as scratch:
        config = Path(scratch) / "agent.yaml"
        config.write_text(config_text, encoding="utf-8")
        output = runner.local(
            [str(agent), "--config", str(config), "settings", "plan", "--platform", platform, "--json"]
        )
    try:
        document: dict[str, Any] = json.loads(output)
        if document.get("format") != 1:
            raise ValueError(f"format {document.get('format')!r}")
    except ValueError as exc:
        raise InstallError(
            f"`classguard-agent settings plan` answered something unexpected ({exc}): upgrade classguard"
        ) from exc
    return document
