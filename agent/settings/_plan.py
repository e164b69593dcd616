"""What a system-settings plan is made of: files, registry values, commands. Plans are
data, so every operating system's plan is unit-tested anywhere; applying writes under
a root directory, so tests write into a tmp dir and never touch the real system."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from agent.atomic import write_atomic


@dataclass(frozen=True)
class ManagedFile:
    path: PurePosixPath  # relative to the root
    content: str
    mode: int = 0o644


@dataclass(frozen=True)
class RegistryValue:
    key: str  # e.g. HKLM\SOFTWARE\Policies\Google\Chrome
    name: str
    kind: str  # REG_SZ | REG_DWORD
    value: str | int


@dataclass(frozen=True)
class Plan:
    system: str
    files: tuple[ManagedFile, ...] = ()
    registry: tuple[RegistryValue, ...] = ()
    after_change: tuple[tuple[str, ...], ...] = ()  # run (only on the real root) when a file changed


def json_text(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def file_drift(plan: Plan, root: Path) -> list[str]:
    """The managed files that are missing or differ from the plan."""
    drift = []
    for item in plan.files:
        target = root.joinpath(*item.path.parts)
        try:
            # bytes, not text: reading text would turn a .reg file's CRLF into LF and never match
            same = target.read_bytes() == item.content.encode("utf-8") and (target.stat().st_mode & 0o777) == item.mode
        except OSError:
            same = False
        if not same:
            drift.append(f"/{item.path}")
    return drift


def apply_files(plan: Plan, root: Path) -> list[str]:
    """Write what drifted; run the plan's follow-up commands on the real system only."""
    drift = file_drift(plan, root)
    for item in plan.files:
        if f"/{item.path}" in drift:
            write_atomic(root.joinpath(*item.path.parts), item.content, mode=item.mode)
    if drift and root == Path("/"):
        for command in plan.after_change:
            subprocess.run(command, check=False, timeout=60, capture_output=True)  # noqa: S603
    return drift
