"""The files the proxy watches: the policy directory, the overrides file, clock.json.

Each file is replaced atomically, because the proxy re-reads a file within a second of
a rename. In the policy directory the timetables go first and policy.yaml last, so the
proxy never reads a policy whose iCalendar file is not there yet. Names come from the
signed bundle and are still checked (safe_relative_path): a bundle must not write
outside its directory.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from pathlib import Path

from agent.atomic import write_atomic, write_json_atomic
from agent.cache import SyncState
from agent.paths import StatePaths
from policies.bundle import POLICY_NAME, safe_relative_path
from policies.loader import load_policy
from policies.model import Policy


def write_policy_dir(directory: Path, state: SyncState) -> Policy:
    """Write the bundle's files, then policy.yaml; return the policy as loaded from
    there (PolicyError if the console sent one that does not load: nothing changes)."""
    # Check before writing: a policy that does not load must not replace a good one.
    staged = {safe_relative_path(name): text for name, text in state.bundle.files.items()}
    _check_loads(directory, state)
    for relative, text in staged.items():
        write_atomic(directory.joinpath(*relative.parts), text, mode=0o644)
    write_atomic(directory / POLICY_NAME, state.bundle.policy_text, mode=0o644)
    _remove_stale(directory, {directory.joinpath(*r.parts) for r in staged} | {directory / POLICY_NAME})
    return load_policy(directory / POLICY_NAME)


def _check_loads(directory: Path, state: SyncState) -> None:
    """Load the policy from a scratch directory beside the live one."""
    scratch = Path(tempfile.mkdtemp(prefix=".staging-", dir=directory.parent))
    try:
        for name, text in state.bundle.files.items():
            target = scratch.joinpath(*safe_relative_path(name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        (scratch / POLICY_NAME).write_text(state.bundle.policy_text, encoding="utf-8")
        load_policy(scratch / POLICY_NAME)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _remove_stale(directory: Path, keep: set[Path]) -> None:
    for path in sorted(directory.rglob("*"), reverse=True):
        if path.is_file() and path not in keep and not path.name.startswith("."):
            path.unlink()
        elif path.is_dir():
            with contextlib.suppress(OSError):
                path.rmdir()  # only when empty


def write_overrides(paths: StatePaths, state: SyncState) -> None:
    write_json_atomic(paths.overrides, state.overrides_document(), mode=0o644)


def write_clock(paths: StatePaths, offset_s: float) -> None:
    """clock.json for the proxy: trusted time = its system time + offset_s."""
    write_json_atomic(paths.clock, {"offset_s": offset_s}, mode=0o644)


def drifted_files(paths: StatePaths, state: SyncState) -> list[Path]:
    """The files the proxy reads that no longer hold what the agent wrote (edited by
    someone else, or deleted): the agent writes them again and reports it."""
    expected: dict[Path, str | None] = {paths.policy_file: state.bundle.policy_text, paths.overrides: None}
    for name, text in state.bundle.files.items():
        expected[paths.policy_dir.joinpath(*safe_relative_path(name).parts)] = text
    drift = []
    for path, wanted in expected.items():
        try:
            if wanted is None:
                same = json.loads(path.read_text(encoding="utf-8")) == state.overrides_document()
            else:
                same = path.read_text(encoding="utf-8") == wanted
        except (OSError, UnicodeDecodeError, ValueError):
            same = False
        if not same:
            drift.append(path)
    return drift
