"""What every laptop of a group gets from a sync, computed once and shared.

A grant wakes every laptop of a group at once: a thousand syncs that would each read
the policy, the signing key, the trusted keys and the group's tokens from the database.
Those depend only on the group, on the changes recorded so far (every grant, revocation,
policy and key rotation records one: console/changes.py) and on time (tokens expire).
So they are kept per process, keyed by (database, newest change, group), for at most
FRESH_S: a token that expires is dropped within that second (laptops check `exp`
themselves anyway). Only plain values are kept, never database objects."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console import grants, keyring, policy_store
from console.models import Change

FRESH_S: Final = 1.0
_MAX_ENTRIES: Final = 256


@dataclass(frozen=True)
class GroupToken:
    raw: str
    devices: tuple[str, ...]  # empty: every device of the group


@dataclass(frozen=True)
class GroupSnapshot:
    policy_text: str
    files: dict[str, str]
    key: Ed25519PrivateKey
    public_keys: list[str]
    tokens: tuple[GroupToken, ...]
    revoked: list[str]

    def tokens_for(self, device_id: str) -> list[str]:
        return [t.raw for t in self.tokens if not t.devices or device_id in t.devices]


_cache: dict[tuple[str, int, str], tuple[float, GroupSnapshot]] = {}
_lock = threading.Lock()


def snapshot(
    db: Session, *, instance: Path, database_url: str, group: str, now: float, monotonic: float
) -> GroupSnapshot | None:
    """The group's share of a sync answer; None while there is no policy."""
    newest = int(db.scalar(select(func.coalesce(func.max(Change.id), 0))) or 0)
    key = (database_url, newest, group)
    with _lock:
        found = _cache.get(key)
    if found is not None and monotonic - found[0] < FRESH_S:
        return found[1]
    made = _make(db, instance, database_url, group, now)
    if made is not None:
        with _lock:
            if len(_cache) >= _MAX_ENTRIES:
                _cache.clear()
            _cache[key] = (monotonic, made)
    return made


def _make(db: Session, instance: Path, database_url: str, group: str, now: float) -> GroupSnapshot | None:
    found = policy_store.current_policy(db, database_url)
    if found is None:
        return None
    version, _policy = found
    _kid, signing_key = keyring.active_key(instance, db)
    tokens = tuple(
        GroupToken(g.raw, tuple(g.devices or ())) for g in grants.active(db, now, [group]) if group in g.groups
    )
    return GroupSnapshot(
        policy_text=version.text,
        files=policy_store.files_for(db, version.text),  # once per group and change, not per sync
        key=signing_key,
        public_keys=keyring.public_keys(instance, db, now),
        tokens=tokens,
        revoked=grants.revoked_unexpired(db, now, group),
    )
