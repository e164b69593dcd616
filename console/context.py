"""Accessors for what the app holds: the clock, the instance directory, the limiter,
and the policy in force. One place, so views and commands read them the same way."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from console import db, policy_store
from console.clock import Clock
from console.errors import Unavailable
from console.models import PolicyVersion
from console.ratelimit import RateLimiter
from policies.model import Policy


def clock() -> Clock:
    found: Clock = current_app.extensions["classguard.clock"]
    return found


def now() -> float:
    return clock().seconds()


def instance() -> Path:
    return Path(current_app.instance_path)


def limiter() -> RateLimiter:
    found: RateLimiter = current_app.extensions["classguard.limiter"]
    return found


def policy_or_none() -> tuple[PolicyVersion, Policy] | None:
    return policy_store.current_policy(db.session(), current_app.config["DATABASE_URL"])


def policy() -> Policy:
    found = policy_or_none()
    if found is None:
        raise Unavailable("the console has no policy yet: an admin must import one first")
    return found[1]
