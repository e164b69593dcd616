"""Carries out a plan: one step at a time, each recorded in the manifest as soon as it
is done; on a failure the steps of this run are undone backwards, so the machine is
left as it was. Uninstall undoes a manifest the same way, and is safe to repeat."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

from installer.errors import InstallError
from installer.layout import Layout
from installer.manifest import DoneStep, Manifest, Record, save
from installer.steps import Context, Step, StepFailed, remove_tree, sha256, write_bytes_atomic


class Pending(Exception):
    """A step that cannot be done yet (the CA before the proxy made it): not recorded,
    so running the same install again does it."""


def render(steps: Sequence[Step], layout: Layout, manifest: Manifest | None) -> str:
    lines = []
    for number, step in enumerate(steps, 1):
        done = manifest is not None and manifest.done(step.id)
        lines.append(f"{number:2}. {step.describe()}" + ("  [already done]" if done else ""))
        if not done:
            lines += [f"      {change}" for change in step.changes(layout)]
    return "\n".join(lines) + "\n"


def execute(steps: Sequence[Step], manifest: Manifest, ctx: Context) -> list[str]:
    """Apply the steps not yet in the manifest; return what is pending. Raises
    InstallError after rolling back this run's steps."""
    out, layout = ctx.runner.out, ctx.layout
    manifest_path = layout.at(layout.manifest(manifest.kind))
    todo = [s for s in steps if not manifest.done(s.id)]
    before = len(manifest.steps)
    pending = []
    for number, step in enumerate(todo, 1):
        out.write(f"[{number}/{len(todo)}] {step.describe()}\n")
        try:
            records = step.apply(ctx)
        except Pending as exc:
            out.write(f"  pending: {exc}\n")
            pending.append(str(exc))
            continue
        except (InstallError, OSError, StepFailed) as exc:
            partial = exc.records if isinstance(exc, StepFailed) else []
            cause = exc.__cause__ if isinstance(exc, StepFailed) else exc
            manifest.steps.append(DoneStep(step.id, step.describe(), partial))
            undone = rollback(manifest, before, ctx)
            raise InstallError(
                f"step {number} of {len(todo)} failed: {step.describe()}\n  {_reason(cause)}\n"
                f"rolled back the {undone} step(s) done in this run: the machine is as it was before."
            ) from exc
        manifest.steps.append(DoneStep(step.id, step.describe(), records))
        if manifest_path.parent.is_dir():
            save(manifest, manifest_path)
    return pending


def _reason(exc: BaseException | None) -> str:
    if isinstance(exc, PermissionError):
        return f"{exc}: run classguard-install as root (sudo)"
    return str(exc)


def rollback(manifest: Manifest, keep: int, ctx: Context) -> int:
    """Undo the steps after the first `keep` ones; return how many (without the failed one)."""
    undone = len(manifest.steps) - keep - 1
    while len(manifest.steps) > keep:
        for record in reversed(manifest.steps[-1].records):
            try:
                undo_record(record, ctx)
            except (InstallError, OSError) as exc:  # keep going: undo as much as possible
                ctx.runner.out.write(f"  could not undo {record.kind} {record.path}: {exc}\n")
        manifest.steps.pop()
    path = ctx.layout.at(ctx.layout.manifest(manifest.kind))
    if manifest.steps and path.parent.is_dir():
        save(manifest, path)
    return max(undone, 0)


def undo_all(manifest: Manifest, ctx: Context) -> None:
    """Uninstall: undo every step backwards, saving what is left after each, so an
    interrupted uninstall resumes where it stopped."""
    path = ctx.layout.at(ctx.layout.manifest(manifest.kind))
    while manifest.steps:
        step = manifest.steps[-1]
        ctx.runner.out.write(f"undo: {step.description}\n")
        for record in reversed(step.records):
            undo_record(record, ctx)
            step.records.remove(record)  # done; a resumed uninstall must not redo it
            if path.parent.is_dir():
                save(manifest, path)
        manifest.steps.pop()
        if manifest.steps and path.parent.is_dir():
            save(manifest, path)


def undo_record(record: Record, ctx: Context) -> None:
    layout = ctx.layout
    if record.kind == "command":
        if record.system:
            ctx.runner.system(record.undo, check=False)
        else:
            ctx.runner.local(record.undo, check=False)
        return
    path = layout.at(record.path)
    if record.kind == "data" and ctx.keep_data:
        ctx.runner.out.write(f"  kept {record.path}: the school's data (`uninstall --purge` removes it)\n")
    elif record.kind in ("tree", "data"):
        remove_tree(path)
    elif record.kind == "dir":
        if path.is_dir():
            try:
                path.rmdir()
            except OSError:
                ctx.runner.out.write(f"  kept {record.path}: it holds files classguard did not put there\n")
    elif record.kind == "file" and record.backup:
        _restore(path, layout.at(record.backup), record)
    elif record.kind == "file" and (path.exists() or path.is_symlink()):
        path.unlink()


def _restore(path: Path, backup: Path, record: Record) -> None:
    try:
        original = backup.read_bytes()
    except OSError as exc:
        if sha256(path.read_bytes()) == record.original_sha256 if path.exists() else False:
            return  # restored already (a repeated uninstall)
        raise InstallError(f"the backup of {record.path} is missing ({exc}): restore that file by hand") from exc
    if sha256(original) != record.original_sha256:
        raise InstallError(
            f"the backup of {record.path} does not match the original's hash: it was changed; "
            f"compare {backup} with what the file should be and restore it by hand"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, original, record.original_mode)


def command_line(argv: Sequence[str]) -> str:
    return shlex.join(argv)
