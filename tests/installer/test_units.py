"""The installed units pass `systemd-analyze verify`; the agent's and the console's
exposure scores are printed (and held at "OK" or better)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from installer.layout import Layout
from installer.units import agent_unit, console_unit, purge_unit, timer_unit
from tests.installer.conftest import VENV, Run

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


def exposure(unit: Path) -> float:
    security = analyze("security", "--offline=yes", str(unit))
    score = re.search(rf"Overall exposure level for {unit.name}: ([0-9.]+) (\w+)", security.stdout)
    assert score is not None, security.stdout + security.stderr
    print(f"\nsystemd-analyze security {unit.name}: {score[1]} {score[2]}")
    return float(score[1])


def test_the_console_units_verify_and_are_hardened(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    (tmp_path / "opt/classguard-console").mkdir(parents=True)
    (tmp_path / "opt/classguard-console/current").symlink_to(VENV)  # a venv with gunicorn and classguard-console
    instance, env = str(tmp_path / "srv/classguard"), str(tmp_path / "etc/classguard-console/console.env")
    units = {
        "classguard-console.service": console_unit(layout, instance, env, "classguard-console", "127.0.0.1:5080", 2),
        "classguard-console-purge.service": purge_unit(layout, instance, env, "classguard-console"),
        "classguard-console-purge.timer": timer_unit("purge", "*-*-* 03:30"),
    }
    for name, text in units.items():
        (tmp_path / name).write_text(text)
    verified = analyze("verify", *(str(tmp_path / name) for name in units))
    assert (verified.returncode, verified.stderr) == (0, "")
    assert exposure(tmp_path / "classguard-console.service") <= 2.5
    assert "CapabilityBoundingSet=\n" in units["classguard-console.service"]  # no capability at all
