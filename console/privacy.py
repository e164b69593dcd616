"""Privacy (protocol rule 2, the AVG): what is kept about a laptop, and retention.

Kept per laptop: its id, group, host name, platform, agent version and health, blocked
attempts per service per hour, and the requests and incidents sent from it. Never
hosts, URLs or pupils' names. `purge` applies the policy's privacy section."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from console import audit
from console.errors import NotFound
from console.models import AuditEntry, Counter, Device, Incident, PupilRequest
from policies.model import PrivacySettings


def export_device(db: Session, device_id: str) -> dict[str, Any]:
    device = db.get(Device, device_id)
    if device is None:
        raise NotFound(f"there is no device {device_id!r}")
    counters = db.scalars(select(Counter).where(Counter.device_id == device_id).order_by(Counter.hour))
    requests = db.scalars(select(PupilRequest).where(PupilRequest.device_id == device_id))
    incidents = db.scalars(select(Incident).where(Incident.source == f"device:{device_id}"))
    return {
        "device": {
            "id": device.id, "group": device.group, "hostname": device.hostname, "platform": device.platform,
            "enrolled_at": device.enrolled_at, "last_seen": device.last_seen, "agent_version": device.agent_version,
            "health": device.health, "retired_at": device.retired_at,
        },
        "counters": [{"service": c.service, "hour": c.hour, "blocked": c.blocked} for c in counters],
        "requests": [
            {"service": r.service, "message": r.message, "created_at": r.created_at, "status": r.status}
            for r in requests
        ],
        "incidents": [{"message": i.message, "created_at": i.created_at, "status": i.status} for i in incidents],
    }  # fmt: skip


def purge(db: Session, settings: PrivacySettings, *, now: float, actor: str) -> dict[str, int]:
    """Delete what is older than the retention settings; returns counts per kind."""
    counters_cutoff = now - settings.counters_retention_days * 86400
    audit_cutoff = now - settings.audit_retention_days * 86400
    hour = dt.datetime.fromtimestamp(counters_cutoff, dt.UTC).strftime("%Y-%m-%dT%H")
    counts = {
        "counters": db.execute(delete(Counter).where(Counter.hour < hour)).rowcount,  # type: ignore[attr-defined]
        "requests": db.execute(delete(PupilRequest).where(PupilRequest.created_at < counters_cutoff)).rowcount,  # type: ignore[attr-defined]
        "incidents": db.execute(delete(Incident).where(Incident.created_at < audit_cutoff)).rowcount,  # type: ignore[attr-defined]
        "audit": db.execute(delete(AuditEntry).where(AuditEntry.at < audit_cutoff)).rowcount,  # type: ignore[attr-defined]
    }
    detail = ", ".join(f"{kind}: {n}" for kind, n in counts.items())
    audit.record(db, at=now, actor=actor, action="privacy-purge", detail=detail)
    return counts
