"""Writing files so that a reader (the proxy, the status command, the agent after a
crash) sees either the old content or the new, never half of one.

Temp file in the same directory, fsync, rename, fsync the directory. The temp file is
created with its final mode, so a secret is never readable by others, not even briefly.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path


def write_atomic(path: Path, data: bytes | str, mode: int = 0o600) -> None:
    """Replace `path` with `data` in one step."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
            out.flush()
            os.fsync(out.fileno())
        tmp.chmod(mode)  # the umask may have narrowed it at creation
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def write_json_atomic(path: Path, document: object, mode: int = 0o600) -> None:
    write_atomic(path, json.dumps(document, indent=2, sort_keys=True) + "\n", mode)


def create_secret(path: Path, data: bytes | str) -> None:
    """Create a new file readable by its owner only (O_EXCL: never follow or reuse one
    that someone placed there first). FileExistsError if it exists."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(raw)
        out.flush()
        os.fsync(out.fileno())
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
