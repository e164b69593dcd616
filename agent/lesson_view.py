"""What is blocked now, and until when, for this device: the one view that the status
command, the tray and the desktop-app guard share, computed with decide() itself so it
can never disagree with the proxy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from policies.decide import Request, decide
from policies.matcher import Allowed
from policies.model import Policy
from policies.overrides import Overrides
from policies.tokens import Token


@dataclass(frozen=True)
class BlockedService:
    name: str
    title: str
    reason: str  # lesson | ad-hoc-lesson
    until: dt.datetime | None


@dataclass(frozen=True)
class LessonView:
    in_lesson: bool
    day_off: bool
    until: dt.datetime | None  # when in_lesson next changes (timetable)
    blocked: tuple[BlockedService, ...]
    exceptions: tuple[Token, ...]  # tokens in force for this device now


def lesson_view(policy: Policy, group: str, device: str | None, overrides: Overrides, now: dt.datetime) -> LessonView:
    ts = now.timestamp()
    if group not in policy.lessons:
        return LessonView(False, False, None, (), ())
    state = policy.schedule.state(group, ts)
    until = dt.datetime.fromtimestamp(state.until, policy.timezone) if state.until is not None else None
    blocked = []
    for name in policy.block:
        service = policy.services[name]
        host = next((d for d in service.domains if _guarded(policy, d)), None)
        if host is None:
            continue  # every domain of it is on the allow list
        decision = decide(policy, Request(host=host, group=group, device=device), now, overrides)
        if not decision.allowed and decision.reason in ("lesson", "ad-hoc-lesson"):
            blocked.append(BlockedService(name, service.title, decision.reason, decision.until))
    ad_hoc = any(b.reason == "ad-hoc-lesson" for b in blocked)
    return LessonView(
        state.in_lesson or ad_hoc,
        state.day_off,
        until,
        tuple(blocked),
        active_tokens(policy, group, device, overrides, ts),
    )


def _guarded(policy: Policy, domain: str) -> bool:
    hit = policy.matcher.lookup_host(domain)
    return hit is not None and not isinstance(hit, Allowed)


def active_tokens(policy: Policy, group: str, device: str | None, overrides: Overrides, ts: float) -> tuple[Token, ...]:
    limit = policy.overrides.max_minutes * 60
    found: list[Token] = []
    for kind in ("exception", "media", "lesson"):
        for token in overrides.candidates(group, kind):
            if token.active_at(ts) and token.covers_device(group, device) and token.exp - token.nbf <= limit:
                found.append(token)
    return tuple(sorted(found, key=lambda t: t.exp))
