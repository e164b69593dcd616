"""Releases: one virtual environment per version in APP_DIR/releases/<version>, and
the relative link APP_DIR/current naming the one in use. Services, config and the
tray's autostart name paths through `current`, so switching versions is one atomic
rename of that link, and switching back is the same rename again. The link is
relative so that a staging root (--root) is self-contained."""

from __future__ import annotations

import re
from pathlib import Path

RELEASES = "releases"
CURRENT = "current"
# A version becomes a folder name: PEP 440's characters only, never a path.
_VERSION = re.compile(r"^[0-9][0-9A-Za-z.+!_-]*$")


def valid_version(text: str) -> bool:
    return bool(_VERSION.match(text)) and ".." not in text


def release_dir(app_dir: Path, version: str) -> Path:
    if not valid_version(version):
        raise ValueError(f"not a version: {version!r}")
    return app_dir / RELEASES / version


def current_version(app_dir: Path) -> str | None:
    """The version `current` points at, or None when there is no such link."""
    link = app_dir / CURRENT
    if not link.is_symlink():
        return None
    return link.readlink().name


def switch_current(app_dir: Path, version: str) -> None:
    """Point `current` at releases/<version>: a new link renamed over the old one, so a
    service starting at any moment finds one whole release, never none."""
    target = release_dir(app_dir, version)
    if not target.is_dir():
        raise FileNotFoundError(f"{target} is not there")
    temp = app_dir / f".{CURRENT}.classguard-tmp"
    if temp.is_symlink() or temp.exists():
        temp.unlink()
    temp.symlink_to(f"{RELEASES}/{version}")
    temp.replace(app_dir / CURRENT)
