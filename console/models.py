"""The console's tables. Times are Unix seconds (floats): one representation for SQLite
and PostgreSQL alike, compared with the injected clock. Nothing here names a pupil or
holds a host or URL: devices are laptops, counters are per service and hour."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("teacher", "directie", "admin")


class Base(DeclarativeBase):
    pass


def _names(value: str) -> list[str]:
    return [part for part in value.split(",") if part]


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    groups_text: Mapped[str] = mapped_column("groups", Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[float] = mapped_column(Float)

    @property
    def groups(self) -> list[str]:
        return _names(self.groups_text)

    @groups.setter
    def groups(self, value: list[str]) -> None:
        self.groups_text = ",".join(sorted(set(value)))


class SigningKey(Base):
    """A signing key's id; the key itself is a file in the instance directory."""

    __tablename__ = "signing_keys"
    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[float] = mapped_column(Float)
    retired_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class PolicyVersion(Base):
    __tablename__ = "policy_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(80))


class TimetableFile(Base):
    """An iCalendar file that the policy names (`ical: timetables/groep-8.ics`)."""

    __tablename__ = "timetable_files"
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[float] = mapped_column(Float)


class Change(Base):
    """One change that laptops must hear about. A device's sync version is the highest
    id of the changes that concern it (all devices, its group, or itself)."""

    __tablename__ = "changes"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids are never reused
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    group: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    device_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    at: Mapped[float] = mapped_column(Float)


class Device(Base):
    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    group: Mapped[str] = mapped_column(String(64), index=True)
    hostname: Mapped[str] = mapped_column(String(255))
    platform: Mapped[str] = mapped_column(String(32))
    enrolled_at: Mapped[float] = mapped_column(Float)
    last_seen: Mapped[float | None] = mapped_column(Float, nullable=True)
    agent_version: Mapped[str] = mapped_column(String(64), default="")
    health_json: Mapped[str] = mapped_column("health", Text, default="{}")
    retired_at: Mapped[float | None] = mapped_column(Float, nullable=True)

    @property
    def health(self) -> dict[str, Any]:
        value = json.loads(self.health_json or "{}")
        return value if isinstance(value, dict) else {}


class EnrolCode(Base):
    __tablename__ = "enrol_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    hint: Mapped[str] = mapped_column(String(8))
    group: Mapped[str] = mapped_column(String(64))
    uses_left: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float)
    created_at: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(80))


class Grant(Base):
    """A token the console signed: an exception, a media permission or an ad-hoc lesson."""

    __tablename__ = "grants"
    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    kid: Mapped[str] = mapped_column(String(64))
    issued_by: Mapped[str] = mapped_column(String(64), index=True)
    groups_text: Mapped[str] = mapped_column("groups", Text)
    services_text: Mapped[str] = mapped_column("services", Text)
    devices_text: Mapped[str] = mapped_column("devices", Text, default="")
    nbf: Mapped[int] = mapped_column(Integer)
    exp: Mapped[int] = mapped_column(Integer, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[str] = mapped_column(Text)
    revoked_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)

    @property
    def groups(self) -> list[str]:
        return _names(self.groups_text)

    @property
    def services(self) -> list[str]:
        return _names(self.services_text)

    @property
    def devices(self) -> list[str]:
        return _names(self.devices_text)


class Counter(Base):
    """Blocked attempts per device, service and UTC hour ("2026-12-01T09"), as the
    laptop last reported them (it resends its week, so the value replaces, never adds)."""

    __tablename__ = "counters"
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True)
    service: Mapped[str] = mapped_column(String(64), primary_key=True)
    hour: Mapped[str] = mapped_column(String(13), primary_key=True)
    group: Mapped[str] = mapped_column(String(64), index=True)
    blocked: Mapped[int] = mapped_column(Integer)


class PupilRequest(Base):
    __tablename__ = "pupil_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64))
    group: Mapped[str] = mapped_column(String(64), index=True)
    service: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="open")
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    jti: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The agent's own id for a queued ask: a retry after a lost answer is the same ask
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    __table_args__ = (UniqueConstraint("device_id", "client_id", name="uq_pupil_requests_device_client"),)


class Incident(Base):
    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(80))
    group: Mapped[str] = mapped_column(String(64), default="")
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="open")
    closed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closed_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # as in PupilRequest
    __table_args__ = (UniqueConstraint("source", "client_id", name="uq_incidents_source_client"),)


class Acknowledgment(Base):
    """A staff member read and accepted the protocol (rule 8), with the text's hash."""

    __tablename__ = "acknowledgments"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    protocol_sha256: Mapped[str] = mapped_column(String(64))
    acknowledged_at: Mapped[float] = mapped_column(Float)


class AuditEntry(Base):
    """Append-only: the app inserts and reads, never updates; only retention deletes."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[float] = mapped_column(Float, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    """Small key/value settings edited in the console (privacy contact, register text)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
