"""The steps a plan is made of. A step says what it will do (`describe`, `changes`,
both shown by --dry-run) and does it (`apply`), returning the records that let
uninstall or a rollback undo it (installer/manifest.py). Undo is driven by records,
not by the step, so an uninstall months later needs only the manifest."""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from installer.commands import Runner
from installer.layout import Layout
from installer.manifest import Record


@dataclass
class Context:
    layout: Layout
    runner: Runner
    kind: str  # "laptop" | "console": where backups and the manifest go
    # uninstall without --purge keeps "data" records (the console's database and keys);
    # a rollback never keeps them: what a failed run made has no value yet
    keep_data: bool = False


class Step(Protocol):
    @property
    def id(self) -> str: ...

    def describe(self) -> str: ...

    def changes(self, layout: Layout) -> list[str]: ...

    def apply(self, ctx: Context) -> list[Record]: ...


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_parents(ctx: Context, target: PurePosixPath) -> list[Record]:
    """Create the missing parent directories (0755, root's); record each one made."""
    records = []
    missing = [p for p in reversed(target.parents) if str(p) != "/" and not ctx.layout.at(p).exists()]
    for directory in missing:
        ctx.layout.at(directory).mkdir(mode=0o755)
        ctx.layout.at(directory).chmod(0o755)
        records.append(Record("dir", str(directory)))
    return records


def write_bytes_atomic(path: Path, data: bytes, mode: int) -> None:
    temp = path.with_name(f".{path.name}.classguard-tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
    try:
        os.write(fd, data)
        os.fchmod(fd, mode)
        os.fsync(fd)
    finally:
        os.close(fd)
    temp.replace(path)


@dataclass(frozen=True)
class WriteFile:
    """Write one file; an existing original is copied to the backup area first."""

    target: PurePosixPath
    content: bytes
    mode: int
    why: str

    @property
    def id(self) -> str:
        return f"file:{self.target}"

    def describe(self) -> str:
        return f"write {self.target} ({self.why})"

    def changes(self, layout: Layout) -> list[str]:
        if layout.at(self.target).exists():
            return [f"replaces {self.target} (the original is kept and restored on uninstall)"]
        return [f"creates {self.target} (mode {self.mode:04o})"]

    def apply(self, ctx: Context) -> list[Record]:
        layout = ctx.layout
        records = make_parents(ctx, self.target)
        path = layout.at(self.target)
        backup, original_sha, original_mode = "", "", 0
        if path.exists() or path.is_symlink():
            original = path.read_bytes()
            original_sha, original_mode = sha256(original), path.stat().st_mode & 0o7777
            backup_target = layout.backup_dir(ctx.kind) / self.target.relative_to("/")
            records += make_parents(ctx, backup_target)
            write_bytes_atomic(layout.at(backup_target), original, 0o600)
            backup = str(backup_target)
            records.append(Record("file", str(backup_target), sha256(original), 0o600))
        write_bytes_atomic(path, self.content, self.mode)
        records.append(
            Record(
                "file",
                str(self.target),
                sha256(self.content),
                self.mode,
                backup=backup,
                original_sha256=original_sha,
                original_mode=original_mode,
            )
        )
        return records


@dataclass(frozen=True)
class MakeTree:
    """A directory that belongs to classguard with everything in it (state, run dir)."""

    target: PurePosixPath
    mode: int
    why: str

    @property
    def id(self) -> str:
        return f"tree:{self.target}"

    def describe(self) -> str:
        return f"create {self.target} ({self.why})"

    def changes(self, layout: Layout) -> list[str]:
        if layout.at(self.target).exists():
            return [f"takes over {self.target}, which exists: uninstall removes it with its contents"]
        return [f"creates {self.target}/ (mode {self.mode:04o}; removed with its contents on uninstall)"]

    def apply(self, ctx: Context) -> list[Record]:
        records = make_parents(ctx, self.target)
        path = ctx.layout.at(self.target)
        path.mkdir(mode=self.mode, exist_ok=True)
        path.chmod(self.mode)
        return [*records, Record("tree", str(self.target))]


@dataclass(frozen=True)
class SystemCommand:
    """A command on the live system and the command that undoes it (staged under a
    staging root), e.g. useradd / userdel."""

    run: tuple[str, ...]
    undo: tuple[str, ...]
    why: str

    @property
    def id(self) -> str:
        return "command:" + " ".join(self.run)

    def describe(self) -> str:
        return f"run {' '.join(self.run)} ({self.why})"

    def changes(self, layout: Layout) -> list[str]:
        return [_runs(self.run, layout), f"undone by `{' '.join(self.undo)}`"]

    def apply(self, ctx: Context) -> list[Record]:
        ctx.runner.system(self.run)
        return [Record("command", undo=self.undo)]


Command = tuple[str, ...]


@dataclass(frozen=True)
class FilesInForce:
    """Files plus the system commands that put them in force, undone in the only order
    that works: `undo_first` (stop the service), remove or restore the files, then
    `undo_last` (daemon-reload, update-ca-certificates --fresh, dconf update)."""

    name: str
    files: tuple[WriteFile, ...]
    run: tuple[Command, ...]
    undo_first: tuple[Command, ...] = ()
    undo_last: tuple[Command, ...] = ()

    @property
    def id(self) -> str:
        return f"in-force:{self.name}"

    def describe(self) -> str:
        return self.name

    def changes(self, layout: Layout) -> list[str]:
        lines = [line for f in self.files for line in f.changes(layout)]
        lines += [_runs(command, layout) for command in self.run]
        undo = [*self.undo_first, ("(remove the files)",), *self.undo_last]
        return [*lines, "undone by " + ", then ".join(f"`{' '.join(c)}`" for c in undo)]

    def apply(self, ctx: Context) -> list[Record]:
        records = [Record("command", undo=c) for c in reversed(self.undo_last)]
        for item in self.files:
            records += item.apply(ctx)
        records += [Record("command", undo=c) for c in reversed(self.undo_first)]
        for command in self.run:
            try:
                ctx.runner.system(command)
            except Exception as exc:
                raise StepFailed(records) from exc
        return records


class StepFailed(Exception):
    """A step that failed after changing something carries its records, so the
    rollback undoes the half it did."""

    def __init__(self, records: list[Record]) -> None:
        super().__init__("step failed")
        self.records = records


def _runs(command: Command, layout: Layout) -> str:
    return f"runs `{' '.join(command)}`" + ("" if layout.real else " (staging root: listed, not run)")


def remove_tree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
