"""The content lines, components and values of an iCalendar file (RFC 5545 3.1, 3.3, 3.4).

This layer knows nothing about events: it unfolds lines, splits each into name,
parameters and value, nests BEGIN/END blocks into a tree, and reads the value types
ical.py needs (DATE, DATE-TIME, DURATION, UTC-OFFSET, RECUR).

The file is untrusted (a school admin uploads it), so the work is linear in its size:
one pass over the physical lines, anchored regular expressions without nested
repetition, a size cap and a nesting cap. Everything that goes wrong is a ValueError
naming the line. Recurrence rules repeat at most daily (see parse_rrule).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from dateutil import rrule

MAX_CHARS = 10_000_000  # a year of per-lesson events for a large group is well under 1 MB
MAX_DEPTH = 8  # VCALENDAR > VEVENT > VALARM is 3; VTIMEZONE > STANDARD is 3

# RFC 5545 names are letters, digits and "-"; "_" and "." appear in the wild.
_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_PARAM_NAME = re.compile(r";([A-Za-z0-9_.-]+)=")
_PARAM_VALUE = re.compile(r'"([^"]*)"|([^";:,]*)')

# Properties whose value or parameters ical.py reads: a broken line with one of these
# names is an error even where other broken lines are tolerated.
_NEEDED = frozenset(
    {"BEGIN", "END", "UID", "STATUS", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE"}
    | {"RECURRENCE-ID", "TZID", "TZOFFSETTO"}
)


@dataclass(frozen=True)
class Property:
    name: str  # upper case
    params: dict[str, tuple[str, ...]]  # upper-case names; quotes removed
    value: str
    line: int  # 1-based number of the first physical line

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        if values is None:
            return None
        if len(values) != 1:
            raise ValueError(f"line {self.line}: {self.name} has more than one {name}")
        return values[0]


@dataclass
class Component:
    name: str  # upper case
    line: int
    properties: list[Property] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)

    def all(self, name: str) -> list[Property]:
        return [p for p in self.properties if p.name == name]

    def one(self, name: str) -> Property | None:
        """The property, None if absent; ValueError if it is given twice."""
        found = self.all(name)
        if len(found) > 1:
            raise ValueError(f"line {found[1].line}: a second {name} in the {self.name} of line {self.line}")
        return found[0] if found else None

    def walk(self, name: str) -> list[Component]:
        """Every component called `name` inside this one, in file order, at any depth."""
        found = []
        stack = list(reversed(self.components))
        while stack:
            component = stack.pop()
            if component.name == name:
                found.append(component)
            stack.extend(reversed(component.components))
        return found


def parse_calendar(text: str) -> Component:
    """The VCALENDAR of `text`. ValueError (prefixed with the line) if it is broken."""
    if len(text) > MAX_CHARS:
        raise ValueError(f"the file is larger than {MAX_CHARS // 1_000_000} MB; a timetable is far smaller")
    stack: list[Component] = []
    calendar: Component | None = None
    for number, line in _unfolded(text.removeprefix("\ufeff")):
        if calendar is not None:
            raise ValueError(f"line {number}: text after END:VCALENDAR")
        try:
            prop = _content_line(line, number)
        except ValueError:
            # Exporters that do not escape a newline in a DESCRIPTION leave stray lines in
            # events; icalendar skipped those too. Lines we read, and lines outside any
            # component (not a calendar at all), must parse.
            if stack and _apparent_name(line) not in _NEEDED:
                continue
            raise
        if prop.name == "BEGIN":
            stack.append(_begin(prop, stack))
        elif prop.name == "END":
            done = _end(prop, stack)
            if stack:
                stack[-1].components.append(done)
            else:
                calendar = done
        elif stack:
            stack[-1].properties.append(prop)
        else:
            raise ValueError(f"line {number}: {prop.name} outside BEGIN:VCALENDAR ... END:VCALENDAR")
    if stack:
        raise ValueError(f"line {stack[-1].line}: BEGIN:{stack[-1].name} has no END:{stack[-1].name}")
    if calendar is None:
        raise ValueError("the file is empty")
    return calendar


def _begin(prop: Property, stack: list[Component]) -> Component:
    name = prop.value.strip().upper()
    if not _NAME.fullmatch(name):
        raise ValueError(f"line {prop.line}: BEGIN needs a component name, such as BEGIN:VEVENT")
    if not stack and name != "VCALENDAR":
        raise ValueError(f"line {prop.line}: the file must start with BEGIN:VCALENDAR, not BEGIN:{name}")
    if len(stack) >= MAX_DEPTH:
        raise ValueError(f"line {prop.line}: components nested more than {MAX_DEPTH} deep")
    return Component(name, prop.line)


def _end(prop: Property, stack: list[Component]) -> Component:
    name = prop.value.strip().upper()
    if not stack:
        raise ValueError(f"line {prop.line}: END:{name} without a BEGIN:{name}")
    if name != stack[-1].name:
        raise ValueError(f"line {prop.line}: END:{name}, but BEGIN:{stack[-1].name} of line {stack[-1].line} is open")
    return stack.pop()


def _unfolded(text: str) -> list[tuple[int, str]]:
    """(number of the first physical line, logical line) after unfolding (RFC 5545 3.1).

    A line that starts with a space or tab continues the previous one. Blank lines are
    dropped (as icalendar did), also between a line and its continuation.
    """
    logical: list[tuple[int, str]] = []
    parts: list[str] = []  # the pieces of the line being unfolded, joined once: linear
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line:
            continue
        if line[0] in " \t":
            if not parts:
                raise ValueError(f"line {number}: a continuation line (starting with a space) with nothing before it")
            parts.append(line[1:])
            continue
        if parts:
            logical.append((start, "".join(parts)))
        parts, start = [line], number
    if parts:
        logical.append((start, "".join(parts)))
    return logical


def _content_line(line: str, number: int) -> Property:
    """name *(";" param) ":" value, with quoted parameter values (RFC 5545 3.1)."""
    match = _NAME.match(line)
    if match is None or match.end() == len(line) or line[match.end()] not in ";:":
        raise ValueError(f"line {number}: not a 'NAME:value' line: {_excerpt(line)}")
    name = match.group().upper()
    params: dict[str, tuple[str, ...]] = {}
    pos = match.end()
    while line[pos] == ";":
        found = _PARAM_NAME.match(line, pos)
        if found is None:
            raise ValueError(f"line {number}: {name} has a parameter without NAME=value: {_excerpt(line)}")
        values, pos = _param_values(line, found.end(), name, number)
        params[found.group(1).upper()] = values
        if pos >= len(line) or line[pos] not in ";:":
            raise ValueError(f"line {number}: {name} has no ':' before its value: {_excerpt(line)}")
    return Property(name, params, line[pos + 1 :], number)


def _param_values(line: str, pos: int, name: str, number: int) -> tuple[tuple[str, ...], int]:
    values = []
    while True:
        found = _PARAM_VALUE.match(line, pos)
        assert found is not None  # the second alternative matches the empty string
        if found.group(1) is None and line.startswith('"', pos):
            raise ValueError(f"line {number}: {name} has a parameter with an unclosed quote: {_excerpt(line)}")
        values.append(found.group(1) if found.group(1) is not None else found.group(2))
        pos = found.end()
        if pos < len(line) and line[pos] == ",":
            pos += 1
            continue
        return tuple(values), pos


def _apparent_name(line: str) -> str:
    match = _NAME.match(line.lstrip())
    return match.group().upper() if match else ""


def _excerpt(line: str) -> str:
    return repr(line if len(line) <= 60 else line[:57] + "...")


# Values (RFC 5545 3.3). Each parser names the line when the value is not what it should be.

_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)")
_DURATION = re.compile(r"([+-]?)P(?:(\d{1,7})W)?(?:(\d{1,7})D)?(?:T(?:(\d{1,7})H)?(?:(\d{1,7})M)?(?:(\d{1,7})S)?)?")
_OFFSET = re.compile(r"([+-])(\d{2})(\d{2})(\d{2})?")


def parse_date(prop: Property, item: str) -> dt.date:
    match = _DATE.fullmatch(item)
    if match is None:
        raise ValueError(f"line {prop.line}: {prop.name} has {item!r}, not a date such as 20261201")
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError as exc:
        raise ValueError(f"line {prop.line}: {prop.name} {item!r} is not a real date: {exc}") from exc


def parse_date_time(prop: Property, item: str) -> tuple[dt.datetime, bool]:
    """(the naive wall-clock time, whether it ended in Z for UTC)."""
    match = _DATE_TIME.fullmatch(item)
    if match is None:
        what = "has no value" if not item else f"has {item!r}, not a date-time such as 20261201T083000"
        raise ValueError(f"line {prop.line}: {prop.name} {what}")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    try:
        naive = dt.datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 (the caller adds the zone)
    except ValueError as exc:
        raise ValueError(f"line {prop.line}: {prop.name} {item!r} is not a real moment: {exc}") from exc
    return naive, match.group(7) == "Z"


def parse_duration(value: str, line: int) -> dt.timedelta:
    """An RFC 5545 duration such as PT45M, P1DT2H or P2W (icalendar also allowed P1W2D)."""
    match = _DURATION.fullmatch(value.strip())
    if match is None or not any(match.groups()[1:]):
        raise ValueError(f"line {line}: {value!r} is not a duration such as PT45M or PT1H30M")
    weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups()[1:])
    duration = dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    return -duration if match.group(1) == "-" else duration


def parse_offset(prop: Property) -> dt.timedelta:
    """A UTC offset such as +0100 (TZOFFSETTO in a VTIMEZONE)."""
    match = _OFFSET.fullmatch(prop.value.strip())
    if match is None:
        raise ValueError(f"line {prop.line}: {prop.name} {prop.value!r} is not an offset such as +0100")
    sign, hours, minutes, seconds = match.groups()
    offset = dt.timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds or 0))
    return -offset if sign == "-" else offset


# RRULE (RFC 5545 3.3.10), built into a dateutil rule directly: rrulestr would import
# dateutil.parser (and decimal) for UNTIL alone. Ranges are checked here because dateutil
# accepts e.g. BYSECOND=60 or INTERVAL=0 and then fails, or never ends, while expanding.

_FREQUENCIES: dict[str, Literal[0, 1, 2, 3]] = {
    "YEARLY": rrule.YEARLY,
    "MONTHLY": rrule.MONTHLY,
    "WEEKLY": rrule.WEEKLY,
    "DAILY": rrule.DAILY,
}
_WEEKDAYS = {
    "MO": rrule.MO,
    "TU": rrule.TU,
    "WE": rrule.WE,
    "TH": rrule.TH,
    "FR": rrule.FR,
    "SA": rrule.SA,
    "SU": rrule.SU,
}
_NUMBER_LISTS = {  # part: (lowest, highest, whether negative values count from the end)
    "BYSECOND": (0, 59, False),
    "BYMINUTE": (0, 59, False),
    "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (1, 366, True),
}
_SIGNED = re.compile(r"([+-]?)(\d{1,3})")
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")


def parse_rrule(prop: Property, start: dt.datetime) -> rrule.rrule:
    """The rule of an RRULE line for an event starting at (aware) `start`."""
    parts = _rule_parts(prop)
    if "FREQ" not in parts:
        raise ValueError(f"line {prop.line}: RRULE has no FREQ, such as FREQ=WEEKLY")
    if parts["FREQ"] not in _FREQUENCIES:
        raise ValueError(
            f"line {prop.line}: RRULE FREQ={parts['FREQ']} is not one of {', '.join(_FREQUENCIES)}"
            " (a lesson does not repeat more often than daily)"
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValueError(f"line {prop.line}: RRULE has both COUNT and UNTIL; give one")
    numbers = {name: _numbers(prop, name, value) for name, value in parts.items() if name in _NUMBER_LISTS}
    return rrule.rrule(
        _FREQUENCIES[parts["FREQ"]],
        dtstart=start,
        interval=_integer(prop, "INTERVAL", parts.get("INTERVAL", "1"), 1000),
        wkst=_weekday(prop, parts["WKST"]) if "WKST" in parts else None,
        count=_integer(prop, "COUNT", parts["COUNT"], 10**9) if "COUNT" in parts else None,
        until=_until(prop, parts["UNTIL"], start) if "UNTIL" in parts else None,
        bysetpos=numbers.get("BYSETPOS"),
        bymonth=numbers.get("BYMONTH"),
        bymonthday=numbers.get("BYMONTHDAY"),
        byyearday=numbers.get("BYYEARDAY"),
        byweekno=numbers.get("BYWEEKNO"),
        byweekday=[_weekday(prop, day) for day in parts["BYDAY"].split(",")] if "BYDAY" in parts else None,
        byhour=numbers.get("BYHOUR"),
        byminute=numbers.get("BYMINUTE"),
        bysecond=numbers.get("BYSECOND"),
    )


def _rule_parts(prop: Property) -> dict[str, str]:
    parts: dict[str, str] = {}
    for part in prop.value.strip().upper().split(";"):
        if not part:
            continue  # "FREQ=WEEKLY;" occurs in the wild; icalendar accepted it
        name, equals, value = part.partition("=")
        if not equals or not value:
            raise ValueError(f"line {prop.line}: RRULE part {part!r} is not NAME=value")
        if name not in ("FREQ", "UNTIL", "COUNT", "INTERVAL", "WKST", "BYDAY", *_NUMBER_LISTS):
            raise ValueError(f"line {prop.line}: RRULE part {name} is not supported")
        if name in parts:
            raise ValueError(f"line {prop.line}: RRULE gives {name} twice")
        parts[name] = value
    return parts


def _integer(prop: Property, name: str, value: str, highest: int) -> int:
    if not value.isdecimal() or len(value) > 10 or not 1 <= int(value) <= highest:
        raise ValueError(f"line {prop.line}: RRULE {name}={value} is not a number from 1 to {highest}")
    return int(value)


def _numbers(prop: Property, name: str, value: str) -> list[int]:
    lowest, highest, negative = _NUMBER_LISTS[name]
    found = []
    for item in value.split(","):
        match = _SIGNED.fullmatch(item)
        if match is None or (match.group(1) == "-" and not negative) or not lowest <= int(match.group(2)) <= highest:
            raise ValueError(f"line {prop.line}: RRULE {name} has {item!r}, not a number from {lowest} to {highest}")
        found.append(int(item))
    return found


def _weekday(prop: Property, value: str) -> rrule.weekday:
    match = _BYDAY.fullmatch(value)
    if match is None or (match.group(1) is not None and not 1 <= abs(int(match.group(1))) <= 53):
        raise ValueError(f"line {prop.line}: RRULE has {value!r}, not a weekday such as MO, 1MO or -1FR")
    day = _WEEKDAYS[match.group(2)]
    return day(int(match.group(1))) if match.group(1) is not None else day


def _until(prop: Property, value: str, start: dt.datetime) -> dt.datetime:
    """UNTIL as an aware moment: Z is UTC; a floating time or a DATE is on the event's clock.

    (RFC 5545 wants UTC when DTSTART has a zone; icalendar + dateutil refused the others,
    but their meaning is plain, and a DATE includes that whole day.)
    """
    if len(value) == 8:
        return dt.datetime.combine(parse_date(prop, value), dt.time(23, 59, 59), start.tzinfo)
    naive, utc = parse_date_time(prop, value)
    return naive.replace(tzinfo=dt.UTC if utc else start.tzinfo)
