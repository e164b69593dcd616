"""`upgrade`: a new version in place, keeping enrolment, policy cache and CA (they live
in the state folder, which an upgrade does not touch), or the old version back.

1. build the new version's venv in /opt/classguard/releases/<new>, beside the running one;
2. switch /opt/classguard/current to it and restart the agent;
3. wait for it to be healthy (installer/agent_health.py);
4. healthy: remove the old release and note the new version in the manifest;
   not healthy: switch back, restart, remove the new release, say what was seen.

The releases live inside /opt/classguard, which the manifest records as one tree, so
uninstall removes whatever version is installed."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TextIO

from installer import manifest as manifests
from installer.agent_health import SERVICE, AgentService, Health, SystemdAgent, wait_healthy
from installer.commands import Runner
from installer.errors import InstallError
from installer.laptop_commands import KIND, confirm, package_source
from installer.layout import Layout
from installer.release import current_version, release_dir, switch_current
from installer.status import agent_status
from installer.steps import Context, remove_tree
from installer.venv_step import PackageSource, build_release

SETTLE_S = 3.0  # healthy this long without a break: three of the agent's status ticks


@dataclass(frozen=True)
class Upgrade:
    old: str
    new: str
    source: PackageSource
    device: str | None  # the enrolment the new version must keep (None: not enrolled)
    timeout_s: float
    settle_s: float = SETTLE_S


def upgrade(root: Path, args: argparse.Namespace, out: TextIO) -> int:
    layout = Layout(root)
    runner = Runner(out, layout.real)
    ctx = Context(layout, runner, KIND)
    manifest_path = layout.at(layout.manifest(KIND))
    installed = manifests.load(manifest_path)
    old = current_version(layout.at(layout.app_dir))
    if installed is None or old is None:
        raise InstallError(f"classguard is not installed under {root}: run `classguard-install install` first")
    new = args.to or version("classguard")
    plan = Upgrade(old, new, package_source(args, "agent,proxy", new), _enrolled_device(layout, runner), args.timeout)
    if plan.new == plan.old:
        out.write(f"classguard {plan.old} is installed already: nothing to do\n")
        return 0
    if layout.real and os.geteuid() != 0 and not args.dry_run:
        raise InstallError("upgrading needs root: run it again with sudo")
    out.write(describe(plan, layout))
    if args.dry_run:
        out.write("dry run: nothing was changed\n")
        return 0
    confirm(args, out)
    service: AgentService = getattr(args, "agent_service", None) or SystemdAgent(runner)
    health = carry_out(plan, ctx, service)
    installed.version = plan.new
    manifests.save(installed, manifest_path)
    out.write(f"upgraded classguard {plan.old} to {plan.new}: {health.seen}\n")
    return 0


def _enrolled_device(layout: Layout, runner: Runner) -> str | None:
    device = agent_status(layout, runner).get("device_id")
    return str(device) if device else None


def describe(plan: Upgrade, layout: Layout) -> str:
    app = layout.app_dir
    keep = f"device {plan.device}, running proxy" if plan.device else "running (not enrolled)"
    return (
        f"classguard-install: upgrading classguard {plan.old} to {plan.new}\n"
        f" 1. install {plan.source.requirement} in {app}/releases/{plan.new}, beside {plan.old}\n"
        f" 2. point {app}/current at it and restart {SERVICE}\n"
        f" 3. wait up to {plan.timeout_s:g} s for a healthy agent ({keep}, for {plan.settle_s:g} s)\n"
        f" 4. healthy: remove {app}/releases/{plan.old}; else point current back at {plan.old}, restart, "
        f"remove {plan.new}\n"
        f"    kept as they are: {layout.state_dir} (enrolment, policy cache, CA) and {layout.config_dir}\n"
    )


def carry_out(plan: Upgrade, ctx: Context, service: AgentService) -> Health:
    """Returns the new version's health, or raises InstallError after rolling back."""
    out, layout = ctx.runner.out, ctx.layout
    app = layout.at(layout.app_dir)
    new_release = release_dir(app, plan.new)
    remove_tree(new_release)  # a leftover of an interrupted upgrade: start afresh
    out.write(f"[1/4] installing {plan.source.requirement} beside {plan.old}\n")
    try:
        build_release(ctx, app, plan.new, plan.source)
    except InstallError as exc:
        raise InstallError(
            f"{exc}\nclassguard {plan.new} could not be installed; nothing was changed and {plan.old} keeps "
            "running. Check that the wheelhouse or package index has that version (--wheels, --to)."
        ) from exc
    try:
        out.write(f"[2/4] switching to {plan.new} and restarting {SERVICE}\n")
        health = _switch_and_check(plan.new, plan, ctx, service, "[3/4] ")
    except BaseException:  # Ctrl-C or a crash half-way: the old version must be running again
        _switch_and_check(plan.old, plan, ctx, service, "rollback: ")
        remove_tree(new_release)
        raise
    if health.healthy:
        out.write(f"[4/4] healthy: removing {plan.old}\n")
        remove_tree(release_dir(app, plan.old))
        return health
    out.write(f"[4/4] not healthy ({health.seen}): rolling back to {plan.old} and restarting {SERVICE}\n")
    back = _switch_and_check(plan.old, plan, ctx, service, "rollback: ")
    remove_tree(new_release)
    after = "it runs healthy again" if back.healthy else f"but it is not healthy either: {back.seen}"
    raise InstallError(
        f"classguard {plan.new} did not come up healthy within {plan.timeout_s:g} s: {health.seen}\n"
        f"rolled back to {plan.old}; {after}.\n"
        "Enrolment, policy cache and CA are as they were. See why the new version failed with "
        f"`journalctl -u {SERVICE}`, and report it before trying that version again."
    )


def _switch_and_check(release: str, plan: Upgrade, ctx: Context, service: AgentService, label: str) -> Health:
    out, layout = ctx.runner.out, ctx.layout
    switch_current(layout.at(layout.app_dir), release)
    service.restart()
    if not service.observable:
        return Health(True, "health not checked (staging root: the service does not run here)")
    out.write(f"{label}waiting for a healthy agent (up to {plan.timeout_s:g} s)\n")
    return wait_healthy(lambda: agent_status(layout, ctx.runner), plan.device, plan.timeout_s, plan.settle_s)
