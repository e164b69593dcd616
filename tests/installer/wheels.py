"""Real classguard wheels for the installer's tests, built from a copy of this
checkout: building in the checkout itself would share its build/ folder between
pytest workers (and with a developer's own build). A copy can also carry another
version number or a deliberate fault, for the upgrade tests."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

SOURCES = ("setup.cfg", "pyproject.toml", "README.md", "policies", "proxy", "agent", "console", "installer")


def source_copy(dest: Path, version: str | None = None) -> Path:
    """What a wheel is built from, optionally with another version in setup.cfg."""
    dest.mkdir(parents=True)
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, dest / name)
    if version:
        config = dest / "setup.cfg"
        text, count = re.subn(r"(?m)^version = .*$", f"version = {version}", config.read_text())
        assert count == 1, "setup.cfg has no version line"
        config.write_text(text)
    return dest


def build_wheel(source: Path, out: Path) -> Path:
    """pip wheel without the network or build isolation (~2 s)."""
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), "."],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out
