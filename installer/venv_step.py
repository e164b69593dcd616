"""The application in its own virtual environment, one per version
(/opt/classguard/releases/<version>, in use through /opt/classguard/current).

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
from installer.release import CURRENT, RELEASES, release_dir, switch_current
from installer.steps import Context, StepFailed, make_parents, remove_tree


@dataclass(frozen=True)
class PackageSource:
    python: str  # the interpreter the venv is made from
    extras: str  # e.g. "agent,proxy"
    version: str  # pinned: the installer installs its own version unless told otherwise
    wheels: str | None = None  # offline wheelhouse
    deps_from: str | None = None  # an existing venv whose site-packages hold the dependencies

    @property
    def requirement(self) -> str:
        # with --deps-from the extras' dependencies come from that venv, so none are named
        extras = "" if self.deps_from else f"[{self.extras}]"
        return f"classguard{extras}=={self.version}"

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
    """The application folder with its first release, and `current` pointing at it."""

    app_dir: PurePosixPath
    source: PackageSource

    @property
    def id(self) -> str:
        return f"venv:{self.app_dir}"

    def describe(self) -> str:
        return f"install {self.source.requirement} in its own virtual environment {self.app_dir}"

    def changes(self, layout: Layout) -> list[str]:
        origin = f"wheels from {self.source.wheels}" if self.source.wheels else "the package index"
        lines = [
            f"creates {self.app_dir}/ (removed on uninstall): {RELEASES}/{self.source.version}/, a venv made with "
            f"{self.source.python}, and the link {CURRENT} -> {RELEASES}/{self.source.version}",
            f"pip installs from {origin}",
        ]
        if self.source.deps_from:
            lines.append(f"takes the dependencies from {self.source.deps_from} (a .pth file)")
        return lines

    def apply(self, ctx: Context) -> list[Record]:
        records = make_parents(ctx, self.app_dir)
        path = ctx.layout.at(self.app_dir)
        if path.exists() or path.is_symlink():
            raise InstallError(f"{self.app_dir} already exists: uninstall first or remove it")
        path.mkdir(mode=0o755)
        records.append(Record("tree", str(self.app_dir)))
        try:
            build_release(ctx, path, self.source.version, self.source)
            switch_current(path, self.source.version)
        except (InstallError, OSError) as exc:
            raise StepFailed(records) from exc
        return records


def build_release(ctx: Context, app_dir: Path, version: str, source: PackageSource) -> Path:
    """A new venv in releases/<version>, beside the one in use; removed again if pip fails."""
    path = release_dir(app_dir, version)
    path.parent.mkdir(mode=0o755, exist_ok=True)
    try:
        fill_venv(ctx, path, source)
    except BaseException:
        remove_tree(path)
        raise
    return path


def fill_venv(ctx: Context, path: Path, source: PackageSource) -> None:
    ctx.runner.local([source.python, "-m", "venv", "--without-pip", str(path)])
    if source.deps_from:
        site = next(path.glob("lib/python3*/site-packages"))
        (site / "classguard-deps.pth").write_text(f"{deps_site_packages(source.deps_from)}\n", encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", str(path / "bin" / "python")]
    ctx.runner.local([*pip, "install", "--no-input", "--quiet", *source.pip_arguments()])
