"""Timetables from iCalendar files (Zermelo and Untis export them), recurrence included.

Only timed events count as lessons; all-day events and cancelled ones are skipped.
Recurrence (RRULE, RDATE, EXDATE, and RECURRENCE-ID overrides of single instances) is
expanded with dateutil on the event's own wall clock, so a weekly 08:30 lesson stays
08:30 across a DST change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar
from dateutil import rrule


@dataclass(frozen=True, eq=False)
class IcalEvent:
    start: dt.datetime  # timezone-aware
    duration: dt.timedelta
    rule: rrule.rruleset | None = None


def parse_ical(text: str, tz: ZoneInfo) -> tuple[IcalEvent, ...]:
    """The timed events of a calendar; floating times are read in `tz`. ValueError if broken."""
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception as exc:  # icalendar raises a variety of types for bad input
        raise ValueError(f"not a valid iCalendar file: {exc}") from exc
    components = [c for c in calendar.walk("VEVENT") if str(c.get("STATUS", "")).upper() != "CANCELLED"]
    moved: dict[str, list[dt.datetime]] = {}
    for component in components:
        if "RECURRENCE-ID" in component:
            recurrence = _aware(component.decoded("RECURRENCE-ID"), tz)
            if recurrence is not None:
                moved.setdefault(str(component.get("UID")), []).append(recurrence)
    events = []
    for component in components:
        event = _event(component, tz, () if "RECURRENCE-ID" in component else moved.get(str(component.get("UID")), ()))
        if event is not None:
            events.append(event)
    return tuple(events)


def _event(component: icalendar.cal.Component, tz: ZoneInfo, moved: Iterable[dt.datetime]) -> IcalEvent | None:
    uid = component.get("UID", "?")
    if "DTSTART" not in component:
        raise ValueError(f"event {uid} has no DTSTART")
    start = _aware(component.decoded("DTSTART"), tz)
    if start is None:
        return None  # an all-day event is not a lesson
    if "DTEND" in component:
        end = _aware(component.decoded("DTEND"), tz)
        if end is None:
            raise ValueError(f"event {uid} mixes a timed DTSTART with an all-day DTEND")
        duration = end - start
    elif "DURATION" in component:
        duration = component.decoded("DURATION")
    else:
        return None
    if duration <= dt.timedelta(0):
        raise ValueError(f"event {uid} ends before it starts")
    rules = component.get("RRULE")
    if rules is None and "RDATE" not in component:
        return IcalEvent(start, duration)
    ruleset = rrule.rruleset()
    try:
        for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
            parsed = rrule.rrulestr(rule.to_ical().decode("ascii"), dtstart=start)
            if not isinstance(parsed, rrule.rrule):
                raise ValueError("one RRULE per line")
            ruleset.rrule(parsed)
        ruleset.rdate(start)
        for day in _dates(component, "RDATE", tz):
            ruleset.rdate(day)
        for day in [*_dates(component, "EXDATE", tz), *moved]:
            ruleset.exdate(day)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"event {uid} has a recurrence rule that cannot be used: {exc}") from exc
    return IcalEvent(start, duration, ruleset)


def _dates(component: icalendar.cal.Component, name: str, tz: ZoneInfo) -> list[dt.datetime]:
    values = component.get(name)
    if values is None:
        return []
    found = []
    for value in values if isinstance(values, list) else [values]:
        for item in value.dts:
            moment = _aware(item.dt, tz)
            if moment is not None:
                found.append(moment)
    return found


def _aware(value: object, tz: ZoneInfo) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    return None  # a DATE: all-day


def occurrences_on(events: Iterable[IcalEvent], day: dt.date, tz: ZoneInfo) -> list[tuple[float, float]]:
    """(start, end) in Unix seconds of the occurrences that start on local `day`."""
    begin = dt.datetime.combine(day, dt.time(0), tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz)
    found = []
    for event in events:
        if event.rule is None:
            starts = [event.start] if begin <= event.start < end else []
        else:
            starts = [s for s in event.rule.between(begin, end, inc=True) if s < end]
        for start in starts:
            found.append((start.timestamp(), (start + event.duration).timestamp()))
    return sorted(found)
