"""The manifest: what install did, step by step, so uninstall undoes exactly that.

Written after every step (a crash half-way still leaves an uninstallable record).
Each step keeps its records in the order they must be undone backwards:

    {"kind": "dir",  "path": "/etc/chromium"}                 created; removed if empty
    {"kind": "tree", "path": "/opt/classguard"}               created; removed with contents
    {"kind": "file", "path": ..., "sha256", "mode",           written; the original (if any)
     "backup": "/var/lib/classguard-install/backup/...",      is restored from the backup,
     "original_sha256", "original_mode"}                      checked against its hash
    {"kind": "command", "undo": [...], "system": true}        a command to run on undo;
                                                              "system": false when it only
                                                              touches files under the root
                                                              (certutil on an NSS database),
                                                              so it runs under --root too
    {"kind": "data", "path": "/srv/classguard"}               created; holds the school's
                                                              data (the console's instance):
                                                              removed by a rollback or
                                                              `uninstall --purge`, else kept
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from installer.errors import InstallError

FORMAT = 1


@dataclass(frozen=True)
class Record:
    kind: str
    path: str = ""
    sha256: str = ""
    mode: int = 0
    backup: str = ""
    original_sha256: str = ""
    original_mode: int = 0
    undo: tuple[str, ...] = ()
    system: bool = True

    def to_json(self) -> dict[str, Any]:
        full = asdict(self)
        # only what is set, so the manifest stays readable for IT
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in full.items() if v or k in ("kind", "system")}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        return cls(**{**data, "undo": tuple(data.get("undo", ()))})


@dataclass
class DoneStep:
    id: str
    description: str
    records: list[Record] = field(default_factory=list)


@dataclass
class Manifest:
    kind: str  # "laptop" | "console"
    version: str
    options: dict[str, Any]
    installed_at: str
    steps: list[DoneStep] = field(default_factory=list)

    def done(self, step_id: str) -> bool:
        return any(step.id == step_id for step in self.steps)

    def files(self) -> list[Record]:
        return [r for step in self.steps for r in step.records if r.kind == "file"]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kind": self.kind,
            "version": self.version,
            "options": self.options,
            "installed_at": self.installed_at,
            "steps": [
                {"id": s.id, "description": s.description, "records": [r.to_json() for r in s.records]}
                for s in self.steps
            ],
        }


def save(manifest: Manifest, path: Path) -> None:
    """Atomically, root-only (0600): it lists backups and what to run on uninstall."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(manifest.to_json(), out, indent=2, sort_keys=True)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    temp.replace(path)


def load(path: Path) -> Manifest | None:
    """The manifest, or None when nothing is installed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
        steps = [
            DoneStep(s["id"], s["description"], [Record.from_json(r) for r in s["records"]]) for s in data["steps"]
        ]
        return Manifest(data["kind"], data["version"], data["options"], data["installed_at"], steps)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InstallError(
            f"the install manifest {path} cannot be read ({exc}): restore it from a backup, "
            "or remove classguard by hand as docs/install.md describes"
        ) from exc
