"""`status`: what is installed, its version, the service, enrolment (from the
installed agent's `status --json`) and drift: files that differ from the manifest.
Exit 0 when installed without drift, 1 otherwise (for monitoring at scale)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from installer import manifest as manifests
from installer.agent_steps import agent_command
from installer.commands import Runner
from installer.errors import InstallError
from installer.layout import Layout
from installer.manifest import Manifest
from installer.steps import sha256


def drift(manifest: Manifest, layout: Layout) -> list[str]:
    lines = []
    for record in manifest.files():
        path = layout.at(record.path)
        if not path.exists():
            lines.append(f"{record.path}: missing")
            continue
        if sha256(path.read_bytes()) != record.sha256:
            lines.append(f"{record.path}: changed since install")
        elif path.stat().st_mode & 0o7777 != record.mode:
            lines.append(f"{record.path}: mode {path.stat().st_mode & 0o7777:04o}, installed as {record.mode:04o}")
    return lines


def installed_version(layout: Layout, runner: Runner) -> str:
    python = layout.live(layout.venv / "bin" / "python")
    try:
        code = "import importlib.metadata as m; print(m.version('classguard'))"
        return runner.local([python, "-I", "-c", code]).strip()  # -I: not the caller's folder first
    except InstallError:
        return "unknown (the virtual environment does not run)"


def service_state(layout: Layout, runner: Runner) -> str:
    if not layout.real:
        return "not checked (staging root)"
    try:
        return runner.local(["systemctl", "is-active", "classguard-agent.service"], check=False).strip() or "unknown"
    except InstallError as exc:
        return f"unknown ({exc})"


def agent_status(layout: Layout, runner: Runner) -> dict[str, object]:
    try:
        found: dict[str, object] = json.loads(runner.local(agent_command(layout, "status", "--json")))
        return found
    except (InstallError, ValueError) as exc:
        return {"error": str(exc).splitlines()[0]}


def status(root: Path, args: argparse.Namespace, out: TextIO) -> int:
    layout = Layout(root)
    runner = Runner(out, layout.real)
    installed = manifests.load(layout.at(layout.manifest("laptop")))
    if installed is None:
        out.write(f"classguard is not installed under {root}\n")
        return 1
    agent = agent_status(layout, runner)
    changed = drift(installed, layout)
    ca = (
        "not asked"
        if not installed.options.get("with_ca")
        else ("trusted" if installed.done("trust-ca") else "pending")
    )
    if "error" in agent:
        enrolment = f"unknown: {agent['error']}"
    elif agent.get("enrolled"):
        enrolment = f"device {agent.get('device_id')}, group {agent.get('group')}"
    else:
        enrolment = "not enrolled"
    out.write(
        f"installed:  classguard {installed.version} on {installed.installed_at}, in {layout.app_dir}\n"
        f"running:    classguard {installed_version(layout, runner)}\n"
        f"service:    classguard-agent {service_state(layout, runner)}\n"
        f"agent:      {'running' if agent.get('agent_running') else 'not running'}, proxy {agent.get('proxy', '?')}\n"
        f"enrolment:  {enrolment}\n"
        f"console:    {installed.options.get('console_url') or 'not set'}\n"
        f"proxy CA:   {ca}\n"
        f"drift:      {'none' if not changed else len(changed)}\n"
    )
    out.writelines(f"  {line}\n" for line in changed)
    return 0 if not changed else 1
