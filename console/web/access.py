"""Who is signed in, and what each page requires. Checks are server side on every view;
hiding a button is only a courtesy."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, session, url_for

from console import db
from console.models import User

F = TypeVar("F", bound=Callable[..., Any])


def password_mark(user: User) -> str:
    """A short fingerprint of the password hash, kept in the session: changing the
    password signs out every other session of that user."""
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:16]


def sign_in(user: User) -> None:
    session["uid"] = user.id
    session["pw"] = password_mark(user)


def current_user() -> User | None:
    if "user" not in g:
        uid = session.get("uid")
        user = db.session().get(User, uid) if isinstance(uid, int) else None
        valid = user is not None and user.active and session.get("pw") == password_mark(user)
        g.user = user if valid else None
    found: User | None = g.user
    return found


def login_required(*roles: str) -> Callable[[F], F]:
    """The view needs a signed-in user, with one of `roles` when given (403 otherwise)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if roles and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def user() -> User:
    """The signed-in user inside a login_required view."""
    found = current_user()
    if found is None:
        abort(401)
    return found


def safe_next(target: str | None, default: str) -> str:
    """Only a local path: no scheme, no host, no protocol-relative `//`, no backslashes
    (browsers read `/\\evil.example` as another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return default
    return target


def home_for(role: str) -> str:
    return {"admin": "admin.devices", "directie": "teacher.home"}.get(role, "teacher.home")
