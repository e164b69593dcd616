"""What laptops must hear about, and the sync version that counts it.

Every change that concerns devices (a policy, a token, a revocation, a key, a device's
group) adds a row; a device's version is the highest row id that concerns it, so it
only ever grows, also across a move to another group (the move is itself a change).
Waiting for changes is the Notifier's job (notifier.py)."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from console.models import Change
from console.notifier import mark_changed

KINDS = ("policy", "token", "revoke", "keys", "device")


def record(db: Session, *, kind: str, at: float, group: str | None = None, device_id: str | None = None) -> None:
    """`group` None and `device_id` None: a change for every device."""
    if kind not in KINDS:
        raise ValueError(f"unknown change kind {kind!r}")
    db.add(Change(kind=kind, group=group, device_id=device_id, at=at))
    mark_changed(db)


def record_groups(db: Session, *, kind: str, at: float, groups: list[str]) -> None:
    for group in groups:
        record(db, kind=kind, at=at, group=group)


def version_for(db: Session, *, group: str, device_id: str) -> int:
    concerns = or_(
        (Change.group.is_(None) & Change.device_id.is_(None)), Change.group == group, Change.device_id == device_id
    )
    return int(db.scalar(select(func.coalesce(func.max(Change.id), 0)).where(concerns)) or 0)
