"""The application in its own virtual environment (/opt/classguard).

In production pip installs classguard with the laptop extras from the package index or
from an offline wheelhouse (--wheels DIR, for schools without internet for laptops).
For tests and development, --deps-from VENV reuses the dependencies of an existing
venv through a .pth file and installs only classguard itself: 1-2 s instead of
minutes of downloads. The installer's own pip fills the new venv (`pip --python`),
so the venv needs no pip of its own."""

from __future__ import annotations

import stat
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from installer.errors import InstallError
from installer.layout import Layout
from installer.manifest import Record
from installer.steps import Context, StepFailed, make_parents


@dataclass(frozen=True)
class PackageSource:
    python: str  # the interpreter the venv is made from
    requirement: str  # e.g. classguard[agent,proxy]==0.1.0
    wheels: str | None = None  # offline wheelhouse
    deps_from: str | None = None  # an existing venv whose site-packages hold the dependencies

    def pip_arguments(self) -> list[str]:
        args = ["--no-index", "--find-links", self.wheels] if self.wheels else []
        if self.deps_from:
            args += ["--no-deps", "--ignore-installed"]  # classguard itself may be in that venv too
        return [*args, self.requirement]


def default_python() -> str:
    return str(getattr(sys, "_base_executable", sys.executable))


def deps_site_packages(venv: str) -> Path:
    """The site-packages of --deps-from, refused when others could write to it: the
    agent runs as root and would import whatever a pupil put there."""
    found = sorted(Path(venv).glob("lib/python3*/site-packages"))
    if not found:
        raise InstallError(f"--deps-from {venv}: no lib/python3*/site-packages there; name a virtual environment")
    site = found[-1].resolve()
    for path in (site, *site.parents):
        info = path.stat()
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not info.st_mode & stat.S_ISVTX:
            raise InstallError(
                f"--deps-from {venv}: {path} is writable by other users, so the agent (root) would run "
                "code they put there; use a venv only root can write to"
            )
    return site


@dataclass(frozen=True)
class CreateVenv:
    target: PurePosixPath
    source: PackageSource

    @property
    def id(self) -> str:
        return f"venv:{self.target}"

    def describe(self) -> str:
        return f"install {self.source.requirement} in its own virtual environment {self.target}"

    def changes(self, layout: Layout) -> list[str]:
        origin = f"wheels from {self.source.wheels}" if self.source.wheels else "the package index"
        lines = [
            f"creates {self.target}/ with {self.source.python} (removed on uninstall)",
            f"pip installs from {origin}",
        ]
        if self.source.deps_from:
            lines.append(f"takes the dependencies from {self.source.deps_from} (a .pth file)")
        return lines

    def apply(self, ctx: Context) -> list[Record]:
        records = make_parents(ctx, self.target)
        path = ctx.layout.at(self.target)
        if path.exists():
            raise InstallError(f"{self.target} already exists: uninstall first or remove it")
        records.append(Record("tree", str(self.target)))
        try:
            fill_venv(ctx, path, self.source)
        except InstallError as exc:
            raise StepFailed(records) from exc
        return records


def fill_venv(ctx: Context, path: Path, source: PackageSource) -> None:
    ctx.runner.local([source.python, "-m", "venv", "--without-pip", str(path)])
    if source.deps_from:
        site = next(path.glob("lib/python3*/site-packages"))
        (site / "classguard-deps.pth").write_text(f"{deps_site_packages(source.deps_from)}\n", encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", str(path / "bin" / "python")]
    ctx.runner.local([*pip, "install", "--no-input", "--quiet", *source.pip_arguments()])
