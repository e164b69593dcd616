"""`console --instance DIR [--postgres URL]`: install the console server as a plan of
steps, with the same manifest and rollback as a laptop install (its own manifest:
`uninstall --console` undoes it)."""

from __future__ import annotations

import argparse
import os
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from typing import TextIO

from installer import manifest as manifests
from installer.commands import Runner
from installer.console_plan import KIND, ConsoleOptions, console_files, console_plan
from installer.errors import InstallError
from installer.executor import execute, render
from installer.laptop_commands import confirm, package_source, refuse_other_options
from installer.layout import Layout
from installer.manifest import Manifest
from installer.steps import Context
from policies.clock import system_now


def options_from(args: argparse.Namespace) -> ConsoleOptions:
    return ConsoleOptions(
        package_source(args, "console"),
        PurePosixPath(args.instance),
        args.postgres,
        args.bind,
        args.workers,
    )


def console(root: Path, args: argparse.Namespace, out: TextIO) -> int:
    layout = Layout(root)
    ctx = Context(layout, Runner(out, layout.real), KIND)
    options = options_from(args)
    installed = manifests.load(layout.at(layout.manifest(KIND)))
    refuse_other_options(
        installed,
        options.recorded(),
        "the classguard console",
        "`classguard-install uninstall --console` first (it keeps the instance)",
    )
    if layout.real and os.geteuid() != 0 and not args.dry_run:
        raise InstallError("installing needs root: run it again with sudo")
    steps = console_plan(layout, options)
    out.write(f"classguard-install: installing the classguard console {version('classguard')} under {root}\n")
    out.write(render(steps, layout, installed))
    if args.dry_run:
        out.write("dry run: nothing was changed\n")
        return 0
    confirm(args, out)
    record = installed or Manifest(KIND, version("classguard"), options.recorded(), system_now().isoformat())
    execute(steps, record, ctx)
    _, nginx, _ = console_files(layout)
    out.write(
        f"the classguard console {record.version} is installed: gunicorn on {options.bind}, "
        f"database {options.shown_database}.\n"
        f"Next: put nginx with TLS in front ({nginx}), import the school's policy "
        f"(`{layout.console_venv}/bin/classguard-console --instance {options.instance} policy import FILE`), "
        "and back up the database daily (docs/it-guide.md).\n"
    )
    return 0
