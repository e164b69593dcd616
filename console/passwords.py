"""Passwords: argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from console.errors import ConsoleError

_hasher = PasswordHasher()  # argon2id by default
# A hash of nothing anyone knows: checked when the user does not exist, so a login
# takes as long for an unknown name as for a wrong password.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def random_password() -> str:
    return secrets.token_urlsafe(12)


def check_new(password: str) -> ConsoleError | None:
    """Why this password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return ConsoleError("a password needs at least {length} characters", length=MIN_LENGTH)
    if len(password) > 256:
        return ConsoleError("a password may have at most 256 characters")
    return None
