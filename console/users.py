"""Staff accounts: creation, groups, passwords, and the login check with lockout."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from console import audit, passwords
from console.errors import Conflict, ConsoleError
from console.models import ROLES, User

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
GROUP = re.compile(r"[a-z0-9][a-z0-9-]*")


def parse_groups(text: str, known: tuple[str, ...] | None) -> list[str]:
    groups = sorted({part.strip() for part in text.split(",") if part.strip()})
    bad = [g for g in groups if not GROUP.fullmatch(g)]
    if bad:
        raise ConsoleError("group names are lowercase letters, digits and dashes: {bad}", bad=", ".join(bad))
    if known is not None:
        unknown = [g for g in groups if g not in known]
        if unknown:
            raise ConsoleError(
                "the policy has no group {groups} (it has {known})", groups=", ".join(unknown), known=", ".join(known)
            )
    return groups


def add_user(
    db: Session, username: str, *, role: str, groups: list[str], password: str, actor: str, now: float
) -> User:
    if not USERNAME.fullmatch(username):
        raise ConsoleError("a user name is 2-64 lowercase letters, digits, dots, dashes or underscores")
    if role not in ROLES:
        raise ConsoleError("role must be one of {roles}, not {role!r}", roles=", ".join(ROLES), role=role)
    if problem := passwords.check_new(password):
        raise problem
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict("there is already a user {username!r}", username=username)
    user = User(
        username=username, role=role, password_hash=passwords.hash_password(password), created_at=now, active=True,
        failed_logins=0, locked_until=0.0,
    )  # fmt: skip
    user.groups = groups
    db.add(user)
    audit.record(db, at=now, actor=actor, action="user-added", detail=f"{username} ({role}; {','.join(groups)})")
    return user


def by_name(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == username))


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    message: str = ""


def check_login(
    db: Session, username: str, password: str, *, now: float, max_failures: int, lockout: float
) -> LoginResult:
    """The user when name and password match and the account is not locked. The password
    hash is checked in every case (also for unknown names and locked accounts), so the
    answer takes the same time whatever the reason."""
    user = by_name(db, username.strip().lower())
    correct = passwords.verify(user.password_hash if user else None, password)
    generic = "wrong user name or password, or the account is locked for a while"
    if user is None or not user.active:
        audit.record(db, at=now, actor=username[:80] or "?", action="login-failed", detail="unknown or disabled")
        return LoginResult(None, generic)
    if user.locked_until > now:
        audit.record(db, at=now, actor=user.username, action="login-failed", detail="locked")
        return LoginResult(None, generic)
    if not correct:
        user.failed_logins += 1
        detail = f"wrong password ({user.failed_logins})"
        if user.failed_logins >= max_failures:
            user.locked_until, user.failed_logins = now + lockout, 0
            detail += f"; locked for {lockout / 60:g} min"
        audit.record(db, at=now, actor=user.username, action="login-failed", detail=detail)
        return LoginResult(None, generic)
    user.failed_logins = 0
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    audit.record(db, at=now, actor=user.username, action="login")
    return LoginResult(user)


def change_password(db: Session, user: User, old: str, new: str, *, now: float) -> None:
    if not passwords.verify(user.password_hash, old):
        raise ConsoleError("the current password is not right")
    if problem := passwords.check_new(new):
        raise problem
    user.password_hash = passwords.hash_password(new)
    audit.record(db, at=now, actor=user.username, action="password-changed")
