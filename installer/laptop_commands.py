"""plan and install for a laptop: build the plan, show it, carry it out."""

from __future__ import annotations

import argparse
import os
import sys
from importlib.metadata import version
from pathlib import Path
from typing import TextIO

from installer import manifest as manifests
from installer.commands import Runner
from installer.errors import InstallError
from installer.executor import execute, render
from installer.laptop_plan import LaptopOptions, laptop_plan
from installer.layout import Layout
from installer.manifest import Manifest
from installer.steps import Context
from installer.venv_step import PackageSource
from policies.clock import system_now

KIND = "laptop"


def package_source(args: argparse.Namespace, extras: str, pinned: str | None = None) -> PackageSource:
    """classguard with `extras`, of this installer's own version unless `pinned`."""
    wheels = str(Path(args.wheels).resolve()) if args.wheels else None
    deps = str(Path(args.deps_from).resolve()) if args.deps_from else None
    return PackageSource(args.python, extras, pinned or version("classguard"), wheels, deps)


def options_from(args: argparse.Namespace) -> LaptopOptions:
    return LaptopOptions(
        package_source(args, "agent,proxy"),
        args.console.rstrip("/") if args.console else None,
        args.code,
        args.with_ca,
        args.proxy_port,
        args.pac_port,
    )


def _prepare(root: Path, args: argparse.Namespace, out: TextIO) -> tuple[Context, LaptopOptions, Manifest | None]:
    layout = Layout(root)
    ctx = Context(layout, Runner(out, layout.real), KIND)
    options = options_from(args)
    installed = manifests.load(layout.at(layout.manifest(KIND)))
    refuse_other_options(installed, options.recorded(), "classguard", "`classguard-install uninstall` first")
    return ctx, options, installed


def refuse_other_options(installed: Manifest | None, wanted: dict[str, object], product: str, undo: str) -> None:
    """Installing again is a no-op with the same options; with others, say how to change them."""
    if installed is not None and installed.options != wanted:
        raise InstallError(
            f"{product} {installed.version} is already installed here with other options "
            f"({differences(installed.options, wanted)}): run {undo}, or install with the same options"
        )


def differences(old: dict[str, object], new: dict[str, object]) -> str:
    return ", ".join(f"{key} {old.get(key)!r} now {new.get(key)!r}" for key in new if old.get(key) != new.get(key))


def plan(root: Path, args: argparse.Namespace, out: TextIO) -> int:
    ctx, options, installed = _prepare(root, args, out)
    steps = laptop_plan(ctx.layout, options, ctx.runner)
    out.write(f"classguard-install: plan for a laptop under {root}\n")
    out.write(render(steps, ctx.layout, installed))
    return 0


def install(root: Path, args: argparse.Namespace, out: TextIO) -> int:
    ctx, options, installed = _prepare(root, args, out)
    if ctx.layout.real and os.geteuid() != 0 and not args.dry_run:
        raise InstallError("installing needs root: run it again with sudo")
    steps = laptop_plan(ctx.layout, options, ctx.runner)
    out.write(f"classguard-install: installing classguard {version('classguard')} under {root}\n")
    out.write(render(steps, ctx.layout, installed))
    if args.dry_run:
        out.write("dry run: nothing was changed\n")
        return 0
    confirm(args, out)
    record = installed or Manifest(KIND, version("classguard"), options.recorded(), system_now().isoformat())
    pending = execute(steps, record, ctx)
    if pending:
        out.write("installed, with a step still to do:\n" + "".join(f"  - {p}\n" for p in pending))
    else:
        out.write(f"classguard {record.version} is installed. `classguard-install status` shows how it is doing.\n")
    return 0


def confirm(args: argparse.Namespace, out: TextIO) -> None:
    if args.unattended or not sys.stdin.isatty():
        return
    out.write("Proceed? [y/N] ")
    out.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes", "j", "ja"):
        raise InstallError("stopped at your request: nothing was changed")
