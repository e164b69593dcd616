"""The state directory belongs to the service user alone: 0700 directories, 0600 files
(public keys and the files the proxy reads may be 0644 inside them). A mode that was
loosened is put back and reported, so a pupil cannot read the device secret or edit
the cache through a gap someone left."""

from __future__ import annotations

import os
import stat

from agent.paths import StatePaths

_PRIVATE_FILES = ("device.json", "device-secret", "cache.json", "cache.good.json", "agent.lock")


def secure_state_dir(paths: StatePaths) -> list[str]:
    """Fix ownership-independent modes; return one line per thing that was wrong."""
    problems = []
    me = os.geteuid()
    for directory in (paths.root, paths.keys, paths.policy_dir, paths.proxy_dir):
        if not directory.exists():
            continue
        info = directory.lstat()
        if stat.S_ISLNK(info.st_mode):
            problems.append(f"{directory} is a symbolic link; refusing to trust it")
            continue
        if info.st_uid != me:
            problems.append(f"{directory} is owned by uid {info.st_uid}, not the service user ({me})")
        if stat.S_IMODE(info.st_mode) != 0o700:
            problems.append(f"{directory} had mode {stat.S_IMODE(info.st_mode):o}; set back to 700")
            directory.chmod(0o700)
    for name in _PRIVATE_FILES:
        path = paths.root / name
        if not path.exists():
            continue
        info = path.lstat()
        if info.st_uid != me:
            problems.append(f"{path} is owned by uid {info.st_uid}, not the service user ({me})")
        if stat.S_IMODE(info.st_mode) & 0o077:
            problems.append(f"{path} had mode {stat.S_IMODE(info.st_mode):o}; set back to 600")
            path.chmod(0o600)
    return problems
