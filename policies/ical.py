"""Timetables from iCalendar files (Zermelo and Untis export them), recurrence included.

Only timed events count as lessons; all-day events and cancelled ones are skipped, and
so are events with neither DTEND nor DURATION. Recurrence (RRULE, RDATE, EXDATE, and
RECURRENCE-ID overrides of single instances) is expanded with dateutil on the event's
own wall clock, so a weekly 08:30 lesson stays 08:30 across a DST change.

The file is parsed here, not with the icalendar package: importing that cost the
laptop agent about 4 MB and a hundred modules for the few properties read below. The content
lines are split in ical_lines.py; this module turns VEVENTs into `IcalEvent`s.

Time zones. Floating times are the school's (`tz`), `Z` times are UTC. A TZID is
looked up as an IANA name (also inside a "globally unique" /vendor/.../Europe/Amsterdam
id), then in a small table of the Windows names Outlook writes for this region. Any
other TZID (Outlook's older "(UTC+01:00) Amsterdam, Berlin, ..." ids, custom zones)
is read as the school's zone if the file's VTIMEZONE for it has exactly the offsets
the school's zone has in that year (CET/CEST for a Dutch school); otherwise, or
without a VTIMEZONE, the file is refused with the TZID named rather than guessing an
hour (icalendar silently read an unknown TZID as floating). As before, a TZID wins
over a stray Z.

Deliberately not as the icalendar-based version did: a cancelled RECURRENCE-ID
instance removes its original from the series (RFC 5545; it used to stay a lesson);
broken DTSTART/DTEND/... values are errors naming the line instead of silently
dropping the event; an RRULE repeating more often than daily, with INTERVAL over
1000, with both COUNT and UNTIL, or with out-of-range BY... values is refused (no
timetable has one, and dateutil needs seconds per day, or forever, to expand some); a
floating or DATE UNTIL is read on the event's own clock (it used to be refused); a
PERIOD in RDATE is an occurrence of its own length (it used to be ignored); a DATE
with a TZID is all-day (it used to be a lesson from midnight). Limits: 10 MB, nesting
8 deep (ical_lines.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil import rrule

from policies.ical_lines import (
    Component,
    Property,
    parse_calendar,
    parse_date,
    parse_date_time,
    parse_duration,
    parse_offset,
    parse_rrule,
)

# Outlook and Exchange write Windows zone names; these are the ones a school in the
# Netherlands, Belgium or Germany (and the Dutch Caribbean) meets, mapped as CLDR does.
WINDOWS_ZONES = {
    "W. Europe Standard Time": "Europe/Berlin",  # Amsterdam, Berlin, Bern, Rome, ...
    "Romance Standard Time": "Europe/Paris",  # Brussels, Copenhagen, Madrid, Paris
    "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw",
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "UTC": "UTC",
    "SA Western Standard Time": "America/La_Paz",  # Aruba, Bonaire, Curaçao, Sint Maarten
    "SA Eastern Standard Time": "America/Cayenne",  # Suriname
}

_IANA = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+){0,3}")


@dataclass(frozen=True, eq=False)
class IcalEvent:
    start: dt.datetime  # timezone-aware
    duration: dt.timedelta
    rule: rrule.rruleset | None = None


def parse_ical(text: str, tz: ZoneInfo) -> tuple[IcalEvent, ...]:
    """The timed events of a calendar; floating times are read in `tz`. ValueError if broken."""
    try:
        calendar = parse_calendar(text)
    except ValueError as exc:
        raise ValueError(f"not a valid iCalendar file: {exc}") from exc
    clock = _Clock(tz, {_text(c.one("TZID")): c for c in calendar.walk("VTIMEZONE")})
    components = calendar.walk("VEVENT")
    # An override replaces its original instance, also when the override is cancelled.
    moved: dict[str, list[dt.datetime]] = {}
    for component in components:
        recurrence = component.one("RECURRENCE-ID")
        if recurrence is not None:
            moment = clock.moment(recurrence)
            if isinstance(moment, dt.datetime):
                moved.setdefault(_text(component.one("UID")), []).append(moment)
    events: list[IcalEvent] = []
    for component in components:
        if _text(component.one("STATUS")).upper() == "CANCELLED":
            continue
        master = component.one("RECURRENCE-ID") is None
        events.extend(_events(component, clock, moved.get(_text(component.one("UID")), []) if master else []))
    return tuple(events)


def _events(component: Component, clock: _Clock, moved: list[dt.datetime]) -> list[IcalEvent]:
    """The event, plus one per RDATE period of another length; [] if it is no lesson."""
    uid = _text(component.one("UID")) or f"of line {component.line}"
    dtstart = component.one("DTSTART")
    if dtstart is None:
        raise ValueError(f"line {component.line}: event {uid} has no DTSTART")
    start = clock.moment(dtstart)
    if not isinstance(start, dt.datetime):
        return []  # an all-day event is not a lesson
    duration = _duration(component, clock, start, uid)
    if duration is None:
        return []
    rules = component.all("RRULE")
    rdates = component.all("RDATE")
    if not rules and not rdates:
        return [IcalEvent(start, duration)]
    excluded = set(moved)  # aware datetimes hash by their instant, as they compare
    for prop in component.all("EXDATE"):
        excluded.update(m for m in clock.moments(prop) if isinstance(m, dt.datetime))
    ruleset = rrule.rruleset()
    for prop in rules:
        ruleset.rrule(parse_rrule(prop, start))
    ruleset.rdate(start)
    others = []
    for prop in rdates:
        for moment in clock.moments(prop, periods=True):
            if isinstance(moment, tuple) and moment[1] != duration:
                if moment[0] not in excluded:
                    others.append(IcalEvent(moment[0], moment[1]))
            elif isinstance(moment, tuple):
                ruleset.rdate(moment[0])
            elif isinstance(moment, dt.datetime):
                ruleset.rdate(moment)
    for moment in excluded:
        ruleset.exdate(moment)
    return [IcalEvent(start, duration, ruleset), *others]


def _duration(component: Component, clock: _Clock, start: dt.datetime, uid: str) -> dt.timedelta | None:
    """From DTEND or DURATION; None if there is neither (not a lesson)."""
    dtend = component.one("DTEND")
    if dtend is not None:
        end = clock.moment(dtend)
        if not isinstance(end, dt.datetime):
            raise ValueError(f"line {dtend.line}: event {uid} mixes a timed DTSTART with an all-day DTEND")
        duration, line = end - start, dtend.line
    else:
        prop = component.one("DURATION")
        if prop is None:
            return None
        duration, line = parse_duration(prop.value, prop.line), prop.line
    if duration <= dt.timedelta(0):
        raise ValueError(f"line {line}: event {uid} ends before it starts")
    return duration


class _Clock:
    """Reads DATE and DATE-TIME values, resolving TZIDs (see the module docstring)."""

    def __init__(self, tz: ZoneInfo, timezones: dict[str, Component]) -> None:
        self.tz = tz
        self.timezones = timezones
        self.zones: dict[tuple[str, int], dt.tzinfo] = {}

    def moment(self, prop: Property) -> dt.datetime | dt.date:
        moments = self.moments(prop)
        if len(moments) != 1:
            raise ValueError(f"line {prop.line}: {prop.name} needs exactly one value, not {prop.value!r}")
        moment = moments[0]
        assert not isinstance(moment, tuple)
        return moment

    def moments(
        self, prop: Property, periods: bool = False
    ) -> list[dt.datetime | dt.date | tuple[dt.datetime, dt.timedelta]]:
        """The comma-separated values; DATEs stay dates, DATE-TIMEs become aware."""
        kind = (prop.param("VALUE") or "").upper()
        if kind not in ("", "DATE", "DATE-TIME") and not (periods and kind == "PERIOD"):
            raise ValueError(f"line {prop.line}: {prop.name} cannot have VALUE={kind}")
        found: list[dt.datetime | dt.date | tuple[dt.datetime, dt.timedelta]] = []
        for item in (i.strip() for i in prop.value.split(",")):
            if not item and prop.name in ("RDATE", "EXDATE"):
                continue  # "RDATE:" and trailing commas occur in the wild
            if periods and "/" in item:
                found.append(self._period(prop, item))
            elif kind == "DATE" or (not kind and len(item) == 8):
                found.append(parse_date(prop, item))
            else:
                found.append(self._date_time(prop, item))
        return found

    def _date_time(self, prop: Property, item: str) -> dt.datetime:
        naive, utc = parse_date_time(prop, item)
        tzid = prop.param("TZID")
        if tzid is not None:  # as icalendar did, a TZID wins over a stray Z
            return naive.replace(tzinfo=self.zone(tzid, naive.year, prop))
        return naive.replace(tzinfo=dt.UTC if utc else self.tz)

    def _period(self, prop: Property, item: str) -> tuple[dt.datetime, dt.timedelta]:
        first, _, second = item.partition("/")
        start = self._date_time(prop, first)
        if second.lstrip("+-").startswith("P"):
            length = parse_duration(second, prop.line)
        else:
            length = self._date_time(prop, second) - start
        if length <= dt.timedelta(0):
            raise ValueError(f"line {prop.line}: the period {item!r} does not end after it starts")
        return start, length

    def zone(self, tzid: str, year: int, prop: Property) -> dt.tzinfo:
        key = (tzid, year)
        if key not in self.zones:
            self.zones[key] = self._lookup(tzid, year, prop)
        return self.zones[key]

    def _lookup(self, tzid: str, year: int, prop: Property) -> dt.tzinfo:
        zone = _named_zone(tzid)
        if zone is not None:
            return zone
        definition = self.timezones.get(tzid.strip())
        if definition is None:
            raise ValueError(
                f"line {prop.line}: unknown time zone TZID={tzid!r}: not an IANA name such as Europe/Amsterdam, "
                "and the file has no VTIMEZONE for it; export the calendar with IANA time zone names"
            )
        theirs = {
            parse_offset(p)
            for rule in definition.components
            if rule.name in ("STANDARD", "DAYLIGHT")
            for p in rule.all("TZOFFSETTO")
        }
        ours = {self.tz.utcoffset(dt.datetime(year, month, 15, 12)) for month in (1, 7)}  # noqa: DTZ001
        if theirs != ours:
            raise ValueError(
                f"line {prop.line}: time zone TZID={tzid!r} (VTIMEZONE of line {definition.line}, offsets "
                f"{_offsets(theirs)}) is not the school's time zone {self.tz} ({_offsets(ours)}); "
                "export the calendar with IANA time zone names such as Europe/Amsterdam"
            )
        return self.tz


def _named_zone(tzid: str) -> ZoneInfo | None:
    """An IANA zone, also from a /vendor/.../Area/City id or a Windows name; else None."""
    cleaned = tzid.strip().strip("/")
    candidates = [WINDOWS_ZONES.get(cleaned, cleaned)]
    if tzid.startswith("/"):  # RFC 5545 3.2.19 "globally unique" ids, as Lightning wrote
        parts = cleaned.split("/")[:12]
        candidates += ["/".join(parts[i:]) for i in range(1, len(parts))]
    for name in candidates:
        if len(name) <= 64 and _IANA.fullmatch(name):
            try:
                return ZoneInfo(name)
            except (KeyError, ValueError, OSError):  # unknown name, a directory, not a TZif file
                continue
    return None


def _offsets(offsets: Iterable[dt.timedelta | None]) -> str:
    hours = sorted(o.total_seconds() / 3600 for o in offsets if o is not None)
    return "/".join(f"UTC{h:+g}" for h in hours) or "none"


def _text(prop: Property | None) -> str:
    return prop.value.strip() if prop is not None else ""


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
