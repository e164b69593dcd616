"""The audit log: who did what, when. Rows are added, read and (by retention) deleted,
never edited; details name groups, services and ids, never pupils, hosts or URLs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import AuditEntry

ACTIONS = (
    "login", "login-failed", "logout", "password-changed", "user-added", "user-changed",
    "grant", "extend", "revoke", "lesson-start", "request-declined", "request-approved",
    "policy-changed", "timetable-changed", "enrol-code", "enrolled", "device-moved", "device-retired",
    "key-created", "key-rotated", "incident-closed", "protocol-acknowledged", "privacy-export",
    "privacy-purge", "settings-changed",
)  # fmt: skip


def record(db: Session, *, at: float, actor: str, action: str, detail: str = "") -> AuditEntry:
    """Add an entry to the caller's transaction, so an action and its entry commit together."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(at=at, actor=actor[:80], action=action, detail=detail[:2000])
    db.add(entry)
    return entry


def entries(
    db: Session, *, action: str | None = None, actor: str | None = None, since: float | None = None, limit: int = 500
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action == action)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    return list(db.scalars(query))
