"""What the teacher's home shows per group: in a lesson or not, and until when, from the
timetable (policies' Schedule) and any ad-hoc `lesson` tokens."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from console.models import Grant
from policies.model import Policy


@dataclass(frozen=True)
class GroupNow:
    group: str
    in_lesson: bool
    ad_hoc: bool  # the lesson is one a teacher started
    day_off: bool
    until: str | None  # local HH:MM (or date and time when not today)


def local_time(policy: Policy, ts: float | None, now: float) -> str | None:
    if ts is None:
        return None
    moment = dt.datetime.fromtimestamp(ts, policy.timezone)
    today = dt.datetime.fromtimestamp(now, policy.timezone).date()
    return moment.strftime("%H:%M") if moment.date() == today else moment.strftime("%d-%m %H:%M")


def minutes_left(exp: float, now: float) -> int:
    return max(0, math.ceil((exp - now) / 60))


def group_now(policy: Policy, group: str, now: float, active: list[Grant]) -> GroupNow:
    state = policy.schedule.state(group, now, remember=False)
    lessons = [g for g in active if g.kind == "lesson" and group in g.groups and g.nbf <= now]
    if lessons and not state.in_lesson:
        return GroupNow(group, True, True, state.day_off, local_time(policy, max(g.exp for g in lessons), now))
    until = state.until
    if state.in_lesson and lessons and until is not None:
        until = max(until, *(g.exp for g in lessons))
    return GroupNow(group, state.in_lesson, False, state.day_off, local_time(policy, until, now))
