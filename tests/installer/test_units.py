"""The installed units pass `systemd-analyze verify`; the agent's exposure score is
printed (and held at "OK" or better)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from installer.layout import Layout
from installer.units import agent_unit
from tests.installer.conftest import Run

pytestmark = pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")


def analyze(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["systemd-analyze", *args], capture_output=True, text=True, timeout=60, check=False)


def test_the_agent_unit_verifies_and_is_hardened(run: Run, staging: Path, install_args: list[str]) -> None:
    assert run("--root", str(staging), "--unattended", "install", *install_args)[0] == 0
    unit = staging / "etc/systemd/system/classguard-agent.service"
    verified = analyze("verify", str(unit))
    assert (verified.returncode, verified.stderr) == (0, "")
    security = analyze("security", "--offline=yes", str(unit))
    score = re.search(r"Overall exposure level for classguard-agent.service: ([0-9.]+) (\w+)", security.stdout)
    assert score is not None, security.stdout + security.stderr
    print(f"\nsystemd-analyze security classguard-agent.service: {score[1]} {score[2]}")
    assert float(score[1]) <= 2.5


def test_verify_notices_a_unit_whose_program_is_missing(tmp_path: Path) -> None:
    """The check above can fail: the same unit without the installed venv does not verify."""
    unit = tmp_path / "classguard-agent.service"
    unit.write_text(agent_unit(Layout(tmp_path)))
    verified = analyze("verify", str(unit))
    assert "is not executable" in verified.stderr


def test_the_unit_gives_the_agent_what_it_needs() -> None:
    text = agent_unit(Layout(Path("/")))
    assert "ExecStart=/opt/classguard/current/bin/classguard-agent --config /etc/classguard/agent.yaml run\n" in text
    assert "RuntimeDirectory=classguard\nRuntimeDirectoryMode=0755\n" in text
    assert "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_KILL\n" in text
    assert "ReadWritePaths=/var/lib/classguard -/etc/chromium/policies/managed" in text
