"""`uninstall [--console [--purge]]`: undo what `install` (or `console`) did, from its
manifest; safe to run twice. The console's instance (its database and signing keys) is
the school's data, so it stays unless --purge."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from installer import manifest as manifests
from installer.commands import Runner
from installer.executor import undo_all
from installer.laptop_commands import confirm
from installer.layout import Layout
from installer.steps import Context


def uninstall(root: Path, args: argparse.Namespace, out: TextIO) -> int:
    kind = "console" if args.console else "laptop"
    what = "the classguard console" if args.console else "classguard"
    layout = Layout(root)
    ctx = Context(layout, Runner(out, layout.real), kind, keep_data=not args.purge)
    installed = manifests.load(layout.at(layout.manifest(kind)))
    if installed is None:
        out.write(f"{what} is not installed under {root} (no manifest): nothing to do\n")
        return 0
    out.write(f"classguard-install: removing {what} {installed.version} (installed {installed.installed_at})\n")
    if args.dry_run:
        out.writelines(f"  undo: {step.description}\n" for step in reversed(installed.steps))
        out.write("dry run: nothing was changed\n")
        return 0
    confirm(args, out)
    undo_all(installed, ctx)
    out.write(f"{what} is removed; every file it replaced is back as it was.\n")
    return 0
