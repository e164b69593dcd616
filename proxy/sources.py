"""What the proxy enforces, read from files the agent keeps current.

The policy, the overrides (tokens and revocations), the trusted keys and the clock
offset are files, replaced atomically by the agent. `Sources.poll()` notices a
change by (inode, size, mtime) and reloads; a file that does not load leaves the
last good state in place and says why, once per change.
"""

from __future__ import annotations

import json
import logging
import math
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from policies.ed25519 import VerifyKey
from policies.errors import PolicyError
from policies.keys import key_id, load_public_key
from policies.loader import load_policy
from policies.model import Policy
from policies.overrides import NO_OVERRIDES, Overrides, load_overrides

log = logging.getLogger("classguard.proxy")

CLOCK_FILE = "clock.json"
MAX_OFFSET_S = 10 * 365 * 86400  # a trusted time this far off is a broken file, not a clock

Signature = tuple[int, int, int] | None


def signature(path: Path | None) -> Signature:
    if path is None:
        return None
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class Snapshot:
    """Everything a verdict depends on, swapped as one value."""

    policy: Policy
    overrides: Overrides = NO_OVERRIDES
    offset_s: float = 0.0
    trusted_keys: Mapping[str, VerifyKey] = field(default_factory=dict)


@dataclass
class Sources:
    policy_path: Path
    key_paths: tuple[Path, ...] = ()
    overrides_path: Path | None = None
    clock_path: Path | None = None
    on_error: Callable[[str], None] = log.warning
    _seen: dict[str, object] = field(default_factory=dict)
    current: Snapshot | None = None

    def load_initial(self) -> Snapshot:
        """First load: a policy or key that does not load is fatal (ValueError/PolicyError)."""
        self._seen = self._signatures()
        policy = self._read_policy()
        keys = read_keys(self.key_paths)
        self.current = Snapshot(policy, self._read_overrides(keys), self._read_offset(), keys)
        return self.current

    def poll(self) -> bool:
        """Reload what changed; True if the snapshot changed."""
        assert self.current is not None
        now_seen = self._signatures()
        changed = {name for name, sig in now_seen.items() if self._seen.get(name) != sig}
        if not changed:
            return False
        self._seen = now_seen
        old = self.current
        policy, keys = old.policy, old.trusted_keys
        if "policy" in changed:
            try:
                policy = self._read_policy()
            except (OSError, PolicyError, ValueError) as exc:
                self.on_error(f"the policy file did not load; the last good policy stays in force: {exc}")
        if "keys" in changed:
            try:
                keys = read_keys(self.key_paths)
            except (OSError, ValueError) as exc:
                self.on_error(f"a trusted key did not load; the previous keys stay in force: {exc}")
        overrides = old.overrides
        if changed & {"overrides", "keys"}:
            overrides = self._read_overrides(keys, fallback=old.overrides)
        offset = self._read_offset(fallback=old.offset_s) if "clock" in changed else old.offset_s
        self.current = Snapshot(policy, overrides, offset, keys)
        return self.current != old

    def _read_policy(self) -> Policy:
        check_not_writable_by_others(self.policy_path)
        return load_policy(self.policy_path)

    def _signatures(self) -> dict[str, object]:
        return {
            "policy": signature(self.policy_path),
            "keys": tuple(signature(p) for p in self.key_paths),
            "overrides": signature(self.overrides_path),
            "clock": signature(self.clock_path),
        }

    def _read_overrides(self, keys: Mapping[str, VerifyKey], fallback: Overrides = NO_OVERRIDES) -> Overrides:
        path = self.overrides_path
        if path is None or not path.exists():
            return NO_OVERRIDES
        try:
            check_not_writable_by_others(path)
            loaded = load_overrides(path, keys)
        except ValueError as exc:
            self.on_error(f"the overrides file did not load; the previous exceptions stay in force: {exc}")
            return fallback
        for line in loaded.rejected:
            self.on_error(f"an exception token was refused: {line}")
        return loaded.overrides

    def _read_offset(self, fallback: float = 0.0) -> float:
        path = self.clock_path
        if path is None or not path.exists():
            return fallback
        try:
            check_not_writable_by_others(path)
            offset = json.loads(path.read_text(encoding="utf-8"))["offset_s"]
            if isinstance(offset, bool) or not isinstance(offset, int | float) or not math.isfinite(offset):
                raise ValueError("offset_s must be a number of seconds")
            if abs(offset) > MAX_OFFSET_S:
                raise ValueError(f"offset_s {offset} is more than ten years")
            return float(offset)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.on_error(f"{path} did not load; the previous trusted time stays in force: {exc}")
            return fallback


def check_not_writable_by_others(path: Path) -> None:
    """A pupil must not be able to edit or replace what the proxy enforces: refuse a
    file, or a folder holding it, that users other than its owner may write to (a
    sticky folder such as /tmp is safe: others cannot replace a file they do not own)."""
    mode = path.stat().st_mode
    if mode & 0o022:
        raise ValueError(f"{path} is writable by other users; classguard will not trust it (chmod go-w)")
    folder = path.parent.stat().st_mode
    if folder & 0o022 and not folder & stat.S_ISVTX:
        raise ValueError(f"{path.parent} is writable by other users; classguard will not trust files in it")


def read_keys(paths: tuple[Path, ...]) -> dict[str, VerifyKey]:
    keys: dict[str, VerifyKey] = {}
    for path in paths:
        try:
            check_not_writable_by_others(path)
            key = load_public_key(path.read_bytes())
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from exc
        keys[key_id(key)] = key
    return keys
