"""Granting and revoking tokens: the one code path behind the web forms, the pupil
request approvals and the CLI. Permission checks live here, server side:
- only directie issues `media` tokens (protocol rule 7);
- a teacher grants, extends and revokes only for their own groups;
- admins run the console but do not hand out exceptions.
Every token is capped by the policy's `overrides.max_minutes` and needs a reason when
`overrides.require_reason` says so."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from console import audit, changes, keyring
from console.errors import ConsoleError, Forbidden, NotFound
from console.models import Grant, User
from policies.model import Policy
from policies.tokens import ALL_SERVICES, KINDS, issue_token, verify_token

MAX_REASON = 200


def refusal(user: User, kind: str, groups: Iterable[str]) -> Forbidden | None:
    """Why `user` may not issue this token, or None when they may."""
    if not user.active:
        return Forbidden("user {user} is disabled", user=user.username)
    if kind == "media" and user.role != "directie":
        return Forbidden("only directie may give permission for photos, film or sound (media tokens)")
    if user.role == "admin":
        return Forbidden("admins manage the console; exceptions and lessons are given by teachers and directie")
    if user.role == "teacher":
        foreign = sorted(set(groups) - set(user.groups))
        if foreign:
            return Forbidden("{groups} is not one of your groups", groups=", ".join(foreign))
    return None


def can_manage(user: User, grant: Grant) -> bool:
    """May `user` extend or revoke this grant? Teachers: their own groups only."""
    if user.role in ("directie", "admin"):
        return user.active
    return user.active and grant.kind != "media" and set(grant.groups) <= set(user.groups)


def visible_to(user: User, grant: Grant) -> bool:
    return user.role in ("directie", "admin") or bool(set(grant.groups) & set(user.groups))


def minutes_until_lesson_end(policy: Policy, group: str, now: float) -> int:
    """For the "until the end of the lesson" duration: whole minutes, capped."""
    state = policy.schedule.state(group, now, remember=False)
    if not state.in_lesson or state.until is None:
        raise ConsoleError("{group} has no lesson now: choose a number of minutes", group=group)
    return min(policy.overrides.max_minutes, max(1, math.ceil((state.until - now) / 60)))


def issue(
    db: Session,
    instance: Path,
    policy: Policy,
    user: User,
    *,
    kind: str,
    groups: Sequence[str],
    services: Sequence[str],
    minutes: int,
    reason: str,
    now: float,
    devices: Sequence[str] = (),
    action: str = "grant",
) -> Grant:
    groups, services, reason = sorted(set(groups)), sorted(set(services)), reason.strip()
    _check_request(policy, kind, groups, services, minutes, reason)
    refused = refusal(user, kind, groups)
    if refused:
        raise refused
    kid, key = keyring.active_key(instance, db)
    raw = issue_token(
        key, sub=user.username, kind=kind, groups=groups, services=services, now=int(now), minutes=minutes,
        reason=reason, devices=devices,
    )  # fmt: skip
    token = verify_token(raw, {kid: key.public_key()})
    grant = Grant(
        jti=token.jti, kind=kind, kid=kid, issued_by=user.username, groups_text=",".join(groups),
        services_text=",".join(services), devices_text=",".join(devices), nbf=token.nbf, exp=token.exp,
        reason=reason, raw=raw,
    )  # fmt: skip
    db.add(grant)
    changes.record_groups(db, kind="token", at=now, groups=groups)
    detail = f"{kind} {grant.jti} for {','.join(groups)}: {','.join(services)}, {minutes} min"
    audit.record(db, at=now, actor=user.username, action=action, detail=detail)
    return grant


def _check_request(
    policy: Policy, kind: str, groups: Sequence[str], services: Sequence[str], minutes: int, reason: str
) -> None:
    if kind not in KINDS:
        raise ConsoleError("kind must be one of {kinds}, not {kind!r}", kinds=", ".join(KINDS), kind=kind)
    if not groups:
        raise ConsoleError("choose at least one group")
    unknown = [g for g in groups if g not in policy.groups]
    if unknown:
        raise ConsoleError("the policy has no group {groups}", groups=", ".join(unknown))
    if not services:
        raise ConsoleError("choose at least one service")
    unguarded = [s for s in services if s != ALL_SERVICES and s not in policy.block]
    if unguarded:
        raise ConsoleError(
            "{services} is not on the policy's block list, so it needs no token", services=", ".join(unguarded)
        )
    limit = policy.overrides.max_minutes
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
        raise ConsoleError("minutes must be a whole number of at least 1")
    if minutes > limit:
        raise ConsoleError(
            "{minutes} minutes is longer than the policy allows (overrides.max_minutes: {limit})",
            minutes=minutes,
            limit=limit,
        )
    if policy.overrides.require_reason and not reason:
        raise ConsoleError("give a reason: the policy requires one (overrides.require_reason)")
    if len(reason) > MAX_REASON:
        raise ConsoleError(
            "the reason is {length} characters; keep it under {limit}", length=len(reason), limit=MAX_REASON
        )


def find(db: Session, jti: str) -> Grant:
    grant = db.get(Grant, jti.strip())
    if grant is None:
        raise NotFound("there is no token {jti!r}", jti=jti)
    return grant


def revoke(db: Session, user: User, jti: str, *, now: float, action: str = "revoke") -> Grant:
    grant = find(db, jti)
    if not can_manage(user, grant):
        if not visible_to(user, grant):  # as if it did not exist: other groups' tokens stay secret
            raise NotFound("there is no token {jti!r}", jti=jti)
        raise Forbidden("you may not revoke token {jti}", jti=jti)
    if grant.revoked_at is not None:
        raise ConsoleError("token {jti} was already revoked", jti=jti)
    if grant.exp <= now:
        raise ConsoleError("token {jti} has already expired", jti=jti)
    grant.revoked_at, grant.revoked_by = now, user.username
    changes.record_groups(db, kind="revoke", at=now, groups=grant.groups)
    if action == "revoke":
        audit.record(db, at=now, actor=user.username, action="revoke", detail=f"{grant.kind} {jti}")
    return grant


def extend(db: Session, instance: Path, policy: Policy, user: User, jti: str, *, minutes: int, now: float) -> Grant:
    """A new token with the same scope from now for `minutes`; the old one is revoked."""
    old = find(db, jti)
    if not can_manage(user, old):
        raise NotFound("there is no token {jti!r}", jti=jti)
    new = issue(
        db, instance, policy, user, kind=old.kind, groups=old.groups, services=old.services, minutes=minutes,
        reason=old.reason, now=now, devices=old.devices, action="extend",
    )  # fmt: skip
    revoke(db, user, jti, now=now, action="extend")
    return new


def active(db: Session, now: float, groups: Iterable[str] | None = None) -> list[Grant]:
    """Tokens in force (not expired, not revoked), newest first; only those touching
    `groups` when given."""
    rows = db.scalars(
        select(Grant).where(Grant.exp > now, Grant.revoked_at.is_(None)).order_by(Grant.nbf.desc(), Grant.jti)
    )
    wanted = set(groups) if groups is not None else None
    return [g for g in rows if wanted is None or set(g.groups) & wanted]


def revoked_unexpired(db: Session, now: float, group: str) -> list[str]:
    rows = db.scalars(select(Grant).where(Grant.exp > now, Grant.revoked_at.is_not(None)).order_by(Grant.jti))
    return [g.jti for g in rows if group in g.groups]
