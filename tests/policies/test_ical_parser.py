"""policies/ical.py's own RFC 5545 parser: compared with the icalendar-based one it replaced,
fuzzed, and checked on the decisions it makes where the old one did something else."""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar  # a test-only dependency (the dev extra): the reference implementation
import pytest
from dateutil import rrule
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.ical import occurrences_on, parse_ical
from tests.conftest import AMS, EXAMPLES, REPO

# --- The implementation this replaced (policies/ical.py before it stopped importing icalendar) ---


@dataclass(frozen=True, eq=False)
class OldIcalEvent:
    start: dt.datetime
    duration: dt.timedelta
    rule: rrule.rruleset | None = None


def old_parse_ical(text: str, tz: ZoneInfo) -> tuple[OldIcalEvent, ...]:
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception as exc:
        raise ValueError(f"not a valid iCalendar file: {exc}") from exc
    components = [c for c in calendar.walk("VEVENT") if str(c.get("STATUS", "")).upper() != "CANCELLED"]
    moved: dict[str, list[dt.datetime]] = {}
    for component in components:
        if "RECURRENCE-ID" in component:
            recurrence = _old_aware(component.decoded("RECURRENCE-ID"), tz)
            if recurrence is not None:
                moved.setdefault(str(component.get("UID")), []).append(recurrence)
    events = []
    for component in components:
        event = _old_event(
            component, tz, () if "RECURRENCE-ID" in component else moved.get(str(component.get("UID")), ())
        )
        if event is not None:
            events.append(event)
    return tuple(events)


def _old_event(component, tz, moved) -> OldIcalEvent | None:
    uid = component.get("UID", "?")
    if "DTSTART" not in component:
        raise ValueError(f"event {uid} has no DTSTART")
    start = _old_aware(component.decoded("DTSTART"), tz)
    if start is None:
        return None
    if "DTEND" in component:
        end = _old_aware(component.decoded("DTEND"), tz)
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
        return OldIcalEvent(start, duration)
    ruleset = rrule.rruleset()
    try:
        for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
            parsed = rrule.rrulestr(rule.to_ical().decode("ascii"), dtstart=start)
            if not isinstance(parsed, rrule.rrule):
                raise ValueError("one RRULE per line")
            ruleset.rrule(parsed)
        ruleset.rdate(start)
        for day in _old_dates(component, "RDATE", tz):
            ruleset.rdate(day)
        for day in [*_old_dates(component, "EXDATE", tz), *moved]:
            ruleset.exdate(day)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"event {uid} has a recurrence rule that cannot be used: {exc}") from exc
    return OldIcalEvent(start, duration, ruleset)


def _old_dates(component, name, tz) -> list[dt.datetime]:
    values = component.get(name)
    if values is None:
        return []
    found = []
    for value in values if isinstance(values, list) else [values]:
        for item in value.dts:
            moment = _old_aware(item.dt, tz)
            if moment is not None:
                found.append(moment)
    return found


def _old_aware(value, tz) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    return None


def old_occurrences_on(events: Iterable[OldIcalEvent], day: dt.date, tz: ZoneInfo) -> list[tuple[float, float]]:
    # Expansion did not change (the same start, duration and rule): only parsing did.
    return occurrences_on(events, day, tz)  # type: ignore[arg-type]


# --- Realistic calendars ---


def calendar(*blocks: str, crlf: bool = False) -> str:
    text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//classguard//NL\n" + "".join(blocks) + "END:VCALENDAR\n"
    return text.replace("\n", "\r\n") if crlf else text


def vevent(*lines: str) -> str:
    return "BEGIN:VEVENT\n" + "\n".join(lines) + "\nEND:VEVENT\n"


def folded(text: str, width: int = 40) -> str:
    """Every content line folded at `width` characters (RFC 5545 allows folding anywhere)."""
    out = []
    for line in text.split("\n"):
        pieces = [line[i : i + width] for i in range(0, len(line), width)] or [""]
        out.append("\n ".join(pieces))
    return "\n".join(out)


AMS_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Amsterdam
X-LIC-LOCATION:Europe/Amsterdam
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""

OUTLOOK_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16011028T030000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010325T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
"""

A = "TZID=Europe/Amsterdam"
W = "TZID=W. Europe Standard Time"

REALISTIC = {
    "groep-8 example": (EXAMPLES / "timetables" / "groep-8.ics").read_text(),
    "count, until, interval, exdate list": calendar(
        vevent(
            "UID:count",
            f"DTSTART;{A}:20261019T083000",
            f"DTEND;{A}:20261019T093000",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=10",
            f"EXDATE;{A}:20261021T083000,20261026T083000",
        ),
        vevent(
            "UID:until",
            f"DTSTART;{A}:20270322T130000",
            "DURATION:PT1H15M",
            "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20270420T110000Z",
        ),
        vevent(
            "UID:monthly",
            f"DTSTART;{A}:20260907T140000",
            f"DTEND;{A}:20260907T150000",
            "RRULE:FREQ=MONTHLY;BYDAY=1MO;COUNT=10",
        ),
        vevent(
            "UID:last-weekday",
            f"DTSTART;{A}:20260930T110000",
            "DURATION:PT30M",
            "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;UNTIL=20270730T000000Z",
        ),
    ),
    "moved, cancelled, all-day, no end": calendar(
        vevent(
            "UID:gym",
            f"DTSTART;{A}:20261022T100000",
            f"DTEND;{A}:20261022T110000",
            "RRULE:FREQ=WEEKLY;COUNT=8",
        ),
        vevent(
            "UID:gym",
            f"RECURRENCE-ID;{A}:20261029T100000",
            f"DTSTART;{A}:20261030T140000",
            f"DTEND;{A}:20261030T150000",
            "SEQUENCE:1",
        ),
        vevent("UID:cancelled-once", f"DTSTART;{A}:20261104T090000", f"DTEND;{A}:20261104T100000", "STATUS:CANCELLED"),
        vevent(
            "UID:cancelled-series",
            "STATUS:CANCELLED",
            f"DTSTART;{A}:20261102T120000",
            f"DTEND;{A}:20261102T123000",
            "RRULE:FREQ=DAILY;COUNT=5",
        ),
        vevent(
            "UID:cancelled-series",
            f"RECURRENCE-ID;{A}:20261103T120000",
            f"DTSTART;{A}:20261103T124500",
            f"DTEND;{A}:20261103T131500",
        ),
        vevent("UID:studiedag", "DTSTART;VALUE=DATE:20261026", "DTEND;VALUE=DATE:20261027"),
        vevent("UID:kamp", "DTSTART;VALUE=DATE:20270405", "DTEND;VALUE=DATE:20270408", "RRULE:FREQ=YEARLY"),
        vevent("UID:no-end", f"DTSTART;{A}:20261028T090000"),
        vevent("UID:tentative", f"DTSTART;{A}:20261028T130000", f"DTEND;{A}:20261028T140000", "STATUS:TENTATIVE"),
    ),
    "utc and floating across DST": calendar(
        vevent("UID:utc", "DTSTART:20261020T073000Z", "DTEND:20261020T083000Z", "RRULE:FREQ=DAILY;COUNT=14"),
        vevent(
            "UID:floating",
            "DTSTART:20270325T090000",
            "DURATION:PT50M",
            "RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270405T080000Z",
        ),
        vevent("UID:floating-once", "DTSTART:20261025T023000", "DTEND:20261025T040000"),
    ),
    "amsterdam VTIMEZONE, wall clock over both DST changes": calendar(
        AMS_VTIMEZONE,
        vevent(
            "UID:over-october",
            f"DTSTART;{A}:20261019T083000",
            f"DTEND;{A}:20261019T101500",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261113T230000Z",
        ),
        vevent(
            "UID:over-march",
            f"DTSTART;{A}:20270315T124500",
            f"DTEND;{A}:20270315T144500",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,FR",
            "RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=3",
            f"RDATE;{A}:20270327T100000,20270403T100000",
            f"EXDATE;VALUE=DATE-TIME;{A}:20270329T124500",
        ),
        vevent("UID:night", f"DTSTART;{A}:20270326T023000", f"DTEND;{A}:20270326T033000", "RRULE:FREQ=DAILY;COUNT=4"),
        vevent("UID:night-oct", f"DTSTART;{A}:20261023T023000", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=4"),
    ),
    "outlook export: windows zone, CRLF, folded, VALARM": folded(
        calendar(
            "METHOD:PUBLISH\nX-WR-CALNAME:Rooster 8B\n",
            OUTLOOK_VTIMEZONE,
            vevent(
                "CLASS:PUBLIC",
                'DESCRIPTION;ALTREP="http://intranet.example/rooster:8b":Lange beschrijving\\, met komma\\; en'
                " puntkomma die over meerdere regels gevouwen wordt",
                f"DTSTART;{W}:20261019T090000",
                f"DTEND;{W}:20261019T094500",
                "RRULE:FREQ=WEEKLY;UNTIL=20261130T080000Z;INTERVAL=1;BYDAY=MO,TH;WKST=SU",
                f"EXDATE;{W}:20261102T090000",
                f"RDATE;{W}:20261104T090000,20261106T090000",
                "UID:040000008200E00074C5B7101A82E00800000000D0C1",
                "SUMMARY;LANGUAGE=nl-NL:Wiskunde",
                "BEGIN:VALARM",
                "TRIGGER:-PT15M",
                "ACTION:DISPLAY",
                "DESCRIPTION:Reminder",
                "DURATION:PT5M",
                "REPEAT:2",
                "END:VALARM",
            ),
            vevent(
                "UID:alarm-only-duration",
                f"DTSTART;{W}:20261020T090000",
                "BEGIN:VALARM",
                "TRIGGER:-PT5M",
                "DURATION:PT10M",
                "REPEAT:1",
                "ACTION:DISPLAY",
                "END:VALARM",
            ),
        ),
        width=30,
    ).replace("\n", "\r\n"),
}


def days_to_compare() -> list[dt.date]:
    windows = [
        (dt.date(2026, 8, 24), 28),
        (dt.date(2026, 9, 28), 14),
        (dt.date(2026, 10, 12), 42),  # DST ends 25 October 2026
        (dt.date(2026, 11, 28), 10),
        (dt.date(2027, 3, 8), 35),  # DST starts 28 March 2027
        (dt.date(2027, 4, 12), 14),
        (dt.date(2027, 7, 10), 16),
    ]
    return [first + dt.timedelta(days=n) for first, length in windows for n in range(length)]


def assert_same_lessons(text: str, days: list[dt.date]) -> int:
    new, old = parse_ical(text, AMS), old_parse_ical(text, AMS)
    seen = 0
    for day in days:
        ours, theirs = occurrences_on(new, day, AMS), old_occurrences_on(old, day, AMS)
        assert ours == theirs, f"{day}: new {ours} != old {theirs}"
        seen += len(ours)
    return seen


@pytest.mark.parametrize("name", REALISTIC)
def test_realistic_calendars_give_the_same_lessons_as_the_icalendar_parser(name: str) -> None:
    assert assert_same_lessons(REALISTIC[name], days_to_compare()) >= 5  # (equal but empty would prove nothing)


def test_the_realistic_calendars_are_what_they_claim() -> None:
    outlook = parse_ical(REALISTIC["outlook export: windows zone, CRLF, folded, VALARM"], AMS)
    assert "\r\n " in REALISTIC["outlook export: windows zone, CRLF, folded, VALARM"]
    assert len(outlook) == 1  # the VALARM's DURATION does not make the second event a lesson
    moved = parse_ical(REALISTIC["moved, cancelled, all-day, no end"], AMS)
    assert [hhmm(occurrences_on(moved, dt.date(2026, 10, d), AMS)) for d in (29, 30)] == [[], ["14:00-15:00"]]


def hhmm(pairs: list[tuple[float, float]]) -> list[str]:
    fmt = "%H:%M"
    return [f"{dt.datetime.fromtimestamp(s, AMS):{fmt}}-{dt.datetime.fromtimestamp(e, AMS):{fmt}}" for s, e in pairs]


# --- Random weekly timetables, both parsers ---

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]


@st.composite
def weekly_lesson(draw: st.DrawFn, uid: int, first_monday: dt.date) -> str:
    start_day = first_monday + dt.timedelta(days=draw(st.integers(0, 4)))
    local = dt.datetime.combine(start_day, dt.time(draw(st.integers(7, 16)), draw(st.sampled_from([0, 15, 30, 45]))))
    minutes = draw(st.integers(15, 180))
    zone = draw(st.sampled_from(["amsterdam", "floating", "utc"]))

    def stamp(moment: dt.datetime) -> str:
        if zone == "utc":
            return ":" + moment.replace(tzinfo=AMS).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        return (f";{A}:" if zone == "amsterdam" else ":") + moment.strftime("%Y%m%dT%H%M%S")

    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=5, unique=True))
    rule = f"RRULE:FREQ=WEEKLY;BYDAY={','.join(days)}"
    if draw(st.booleans()):
        rule += f";COUNT={draw(st.integers(1, 40))}"
    else:
        until = dt.datetime.combine(start_day + dt.timedelta(weeks=draw(st.integers(0, 14))), dt.time(22))
        rule += f";UNTIL={until.strftime('%Y%m%dT%H%M%SZ')}"
    lines = [f"UID:lesson-{uid}", f"DTSTART{stamp(local)}", rule]
    if draw(st.booleans()):
        lines.append(f"DURATION:PT{minutes}M")
    else:
        lines.append(f"DTEND{stamp(local + dt.timedelta(minutes=minutes))}")
    exdays = draw(st.lists(st.integers(0, 60), max_size=4, unique=True))
    if exdays:
        excluded = [stamp(local + dt.timedelta(days=n)).rpartition(":")[2] for n in exdays]
        lines.append(f"EXDATE{stamp(local).rpartition(':')[0]}:{','.join(excluded)}")
    block = vevent(*lines)
    if draw(st.booleans()):  # move one instance to another hour
        moved_from = local + dt.timedelta(days=draw(st.integers(0, 30)))
        moved_to = moved_from + dt.timedelta(hours=draw(st.integers(-3, 3)))
        end = moved_to + dt.timedelta(minutes=minutes)
        block += vevent(
            f"UID:lesson-{uid}", f"RECURRENCE-ID{stamp(moved_from)}", f"DTSTART{stamp(moved_to)}", f"DTEND{stamp(end)}"
        )
    return block


@st.composite
def weekly_timetable(draw: st.DrawFn) -> tuple[str, dt.date]:
    # Mondays a few weeks before each DST change, and one far from both.
    first_monday = draw(st.sampled_from([dt.date(2026, 10, 5), dt.date(2027, 3, 8), dt.date(2027, 1, 11)]))
    lessons = [draw(weekly_lesson(uid, first_monday)) for uid in range(draw(st.integers(1, 4)))]
    return calendar(*lessons), first_monday


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(weekly_timetable())
def test_random_weekly_timetables_give_the_same_lessons_as_the_icalendar_parser(case: tuple[str, dt.date]) -> None:
    text, first_monday = case
    assert_same_lessons(text, [first_monday + dt.timedelta(days=n) for n in range(7 * 15)])


# --- The laptop does not load icalendar ---


def test_parsing_a_calendar_does_not_import_icalendar() -> None:
    code = (
        "import sys\n"
        "import datetime as dt\n"
        "from zoneinfo import ZoneInfo\n"
        "from policies.ical import occurrences_on, parse_ical\n"
        "tz = ZoneInfo('Europe/Amsterdam')\n"
        f"events = parse_ical(open({str(EXAMPLES / 'timetables' / 'groep-8.ics')!r}, encoding='utf-8').read(), tz)\n"
        "assert len(occurrences_on(events, dt.date(2026, 12, 1), tz)) == 3\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('icalendar', 'pytz') or m == 'dateutil.parser')\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr


# --- Untrusted input: ValueError or a result, never anything else, and never slow ---


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_is_a_value_error_or_a_calendar(text: str) -> None:
    with contextlib.suppress(ValueError):
        parse_ical(text, AMS)


NAMES = ["DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "UID", "STATUS"]
NAMES += ["SUMMARY", "TZID", "TZOFFSETTO", "X-FOO", "dtstart", "BEGIN", "END"]
PARAMS = ["", ";TZID=Europe/Amsterdam", ";TZID=W. Europe Standard Time", ";TZID=Custom", ';TZID="Mars/Olympus"']
PARAMS += [";VALUE=DATE", ";VALUE=DATE-TIME", ";VALUE=PERIOD", ";TZID=Europe/Amsterdam;VALUE=DATE", ';X="a:b"', ";"]
VALUES = ["20261201T090000", "20261201T100000Z", "20261201", "20261301T250000", "", "VEVENT", "VCALENDAR"]
VALUES += ["VALARM", "VTIMEZONE", "STANDARD", "DAYLIGHT", "PT45M", "P1D", "-PT1H", "P", "PT99999999H", "+0100"]
VALUES += ["FREQ=WEEKLY;COUNT=3", "FREQ=DAILY;INTERVAL=0", "FREQ=WEEKLY;BYDAY=MO,XX", "FREQ=YEARLY;BYMONTH=13"]
VALUES += ["FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3", "FREQ=WEEKLY;UNTIL=20270101", "FREQ=HOURLY", "FREQ=WEEKLY;"]
VALUES += ["FREQ=WEEKLY;BYSETPOS=-1;BYDAY=MO,TU;COUNT=4", "FREQ=WEEKLY;BYDAY=0MO", "FREQ=DAILY;BYSECOND=60"]
VALUES += ["20261201T090000/PT1H", "20261201T090000/20261201T080000", "99991231T230000", "00010101T000000", "CANCELLED"]
VALUES += ["FREQ=WEEKLY;UNTIL=99991231T000000Z", "FREQ=DAILY;COUNT=2;UNTIL=20270101T000000Z", "a,b", "20261201T090000,"]


@st.composite
def content_line_soup(draw: st.DrawFn) -> str:
    line = st.builds(
        lambda n, p, v: f"{n}{p}:{v}",
        st.sampled_from(NAMES),
        st.sampled_from(PARAMS),
        st.sampled_from(VALUES) | st.text(max_size=20),
    )
    lines = draw(st.lists(line | st.text(max_size=30), max_size=30))
    if draw(st.booleans()):
        lines = ["BEGIN:VCALENDAR", "BEGIN:VEVENT", *lines, "END:VEVENT", "END:VCALENDAR"]
    separator = draw(st.sampled_from(["\n", "\r\n", "\n ", "\n\t"]))
    return separator.join(lines)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content_line_soup())
def test_content_line_soup_is_a_value_error_or_usable_events(text: str) -> None:
    try:
        events = parse_ical(text, AMS)
    except ValueError:
        return
    for day in (dt.date(2026, 12, 1), dt.date(2027, 3, 28)):
        occurrences_on(events, day, AMS)  # the events it accepts can be expanded


@pytest.mark.timeout(60)  # a hang guard, not a speed test: quadratic work on 2 MB lines never ends
def test_long_lines_and_many_lines_stay_linear() -> None:
    lesson = ("DTSTART:20261201T090000", "DURATION:PT1H")
    huge_value = "DESCRIPTION:" + "x" * 2_000_000
    huge_params = 'X-THING;A="' + "b" * 1_000_000 + '":v'
    folds = "SUMMARY:" + "\n ".join(["ab"] * 200_000)
    many = "".join(vevent(f"UID:{n}", *lesson, "RRULE:FREQ=WEEKLY;COUNT=40") for n in range(5_000))
    for text in [calendar(vevent(*lesson, line)) for line in (huge_value, huge_params, folds)] + [calendar(many)]:
        assert parse_ical(text, AMS)
    with pytest.raises(ValueError, match="unclosed quote"):
        parse_ical(calendar(vevent('DTSTART;TZID="' + "a" * 1_000_000 + ":20261201T090000")), AMS)


def test_size_and_nesting_are_limited() -> None:
    with pytest.raises(ValueError, match="larger than 10 MB"):
        parse_ical(calendar(vevent("DESCRIPTION:" + "x" * 10_000_000)), AMS)
    deep = "".join(f"BEGIN:X{n}\n" for n in range(20)) + "".join(f"END:X{n}\n" for n in reversed(range(20)))
    with pytest.raises(ValueError, match="nested more than"):
        parse_ical(calendar(deep), AMS)


# --- Content lines ---


def test_unfolding_quoted_parameters_case_and_a_byte_order_mark() -> None:
    text = "\ufeff" + calendar(
        "begin:vevent\n"
        "uid:x\n"
        'dtstart;tzid="Europe/Amsterdam";X-NOTE="a;b:c,d":20261201T0\n'
        "\t90000\n"
        'DTEND;X-NOTE="ignored: yes";TZID=Europe/Amsterdam:20261201T100000\n'
        "Een losse regel uit een DESCRIPTION zonder escape\n"
        "end:vevent\n",
        crlf=True,
    )
    assert hhmm(occurrences_on(parse_ical(text, AMS), dt.date(2026, 12, 1), AMS)) == ["09:00-10:00"]


def test_a_valarm_does_not_lend_its_properties_to_the_event() -> None:
    alarm = "BEGIN:VALARM\nTRIGGER:-PT5M\nDURATION:PT10M\nSTATUS:CANCELLED\nACTION:DISPLAY\nEND:VALARM"
    events = parse_ical(calendar(vevent("UID:a", "DTSTART:20261201T090000", "DTEND:20261201T093000", alarm)), AMS)
    assert hhmm(occurrences_on(events, dt.date(2026, 12, 1), AMS)) == ["09:00-09:30"]
    assert parse_ical(calendar(vevent("UID:b", "DTSTART:20261201T090000", alarm)), AMS) == ()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (calendar(vevent("UID:a", "DTSTART:", "DTEND:20261201T100000")), "line 6: DTSTART has no value"),
        (
            calendar(vevent("UID:a", "DTSTART:2026-12-01 09:00", "DTEND:20261201T100000")),
            "line 6: DTSTART has '2026-12-01 09:00', not a date-time",
        ),
        (
            calendar(vevent("UID:a", "DTSTART:20261332T090000", "DURATION:PT1H")),
            "line 6: DTSTART .* is not a real moment",
        ),
        (calendar(vevent("UID:a", "DTSTART:20261201T090000", "DURATION:45 minutes")), "line 7: .* not a duration"),
        (
            calendar(vevent("UID:a", "DTSTART:20261201T090000", "DTSTART:20261201T090000")),
            "line 7: a second DTSTART in the VEVENT of line 4",
        ),
        (
            calendar(vevent("UID:a", 'DTSTART;TZID="Europe/Amsterdam:20261201T090000')),
            "line 6: DTSTART has a parameter with an unclosed quote",
        ),
        (calendar("BEGIN:VEVENT\nUID:a\n"), "line 6: END:VCALENDAR, but BEGIN:VEVENT of line 4 is open"),
        ("BEGIN:VCALENDAR\nBEGIN:VEVENT\n", "line 2: BEGIN:VEVENT has no END:VEVENT"),
        (calendar("BEGIN:VEVENT\nBEGIN:VALARM\nEND:VEVENT\n"), "line 6: END:VEVENT, but BEGIN:VALARM of line 5"),
        ("BEGIN:VEVENT\nEND:VEVENT\n", "must start with BEGIN:VCALENDAR"),
        (calendar() + calendar(), "line 5: text after END:VCALENDAR"),
        ("", "the file is empty"),
        (" BEGIN:VCALENDAR\n", "line 1: a continuation line"),
        (
            calendar(vevent("UID:a", "DTSTART:20261201T090000", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;BYDAY=MA")),
            "line 8: RRULE has 'MA', not a weekday",
        ),
        (
            calendar(vevent("UID:a", "DTSTART:20261201T090000", "DURATION:PT1H", "RRULE:FREQ=HOURLY;COUNT=3")),
            "line 8: RRULE FREQ=HOURLY .*more often than daily",
        ),
        (
            calendar(vevent("UID:a", "DTSTART:20261201T090000", "DURATION:PT1H", "RRULE:FREQ=DAILY;INTERVAL=0")),
            "INTERVAL=0 is not a number from 1",
        ),
        (
            calendar(vevent("UID:a", "DTSTART:20261201T090000", "DURATION:PT1H", "RRULE:FREQ=DAILY;BYSECOND=60")),
            "BYSECOND has '60'",
        ),
        (
            calendar(vevent("UID:a", "DTSTART:20261201T090000", "DURATION:PT1H", "RRULE:FREQ=DAILY;X-SKIP=1")),
            "RRULE part X-SKIP is not supported",
        ),
    ],
)
def test_broken_lines_are_named_with_their_line_number(body: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_ical(body, AMS)


# --- Time zones (see the module docstring of policies/ical.py) ---


def lesson_at(tzid_param: str, vtimezone: str = "") -> list[str]:
    text = calendar(vtimezone, vevent("UID:t", f"DTSTART;{tzid_param}:20261201T090000", "DURATION:PT1H"))
    return hhmm(occurrences_on(parse_ical(text, AMS), dt.date(2026, 12, 1), AMS))


def test_windows_and_globally_unique_tzids_are_iana_zones() -> None:
    assert lesson_at("TZID=W. Europe Standard Time") == ["09:00-10:00"]
    assert lesson_at("TZID=GMT Standard Time") == ["10:00-11:00"]
    assert lesson_at("TZID=/mozilla.org/20050126_1/Europe/London") == ["10:00-11:00"]
    assert lesson_at("TZID=/Europe/Amsterdam") == ["09:00-10:00"]


def test_a_custom_tzid_is_the_schools_zone_only_if_its_vtimezone_says_so() -> None:
    name = "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"
    vtimezone = OUTLOOK_VTIMEZONE.replace("W. Europe Standard Time", name)
    assert lesson_at(f'TZID="{name}"', vtimezone) == ["09:00-10:00"]
    london = vtimezone.replace("TZOFFSETTO:+0100", "TZOFFSETTO:+0000").replace("TZOFFSETTO:+0200", "TZOFFSETTO:+0100")
    with pytest.raises(
        ValueError, match=r"line \d+: time zone TZID=.*UTC\+0/UTC\+1.*Europe/Amsterdam \(UTC\+1/UTC\+2\)"
    ):
        lesson_at(f'TZID="{name}"', london)
    with pytest.raises(ValueError, match=r"line 6: unknown time zone TZID='Europe/Amsterdamm'.*no VTIMEZONE"):
        lesson_at("TZID=Europe/Amsterdamm")
    with pytest.raises(ValueError, match=r"unknown time zone TZID='\.\./\.\./etc/passwd'"):
        lesson_at("TZID=../../etc/passwd")


# --- Where this parser deliberately differs from the icalendar-based one ---


def test_a_cancelled_override_cancels_its_instance() -> None:
    text = calendar(
        vevent("UID:s", f"DTSTART;{A}:20261130T090000", f"DTEND;{A}:20261130T100000", "RRULE:FREQ=DAILY;COUNT=3"),
        vevent(
            "UID:s",
            f"RECURRENCE-ID;{A}:20261201T090000",
            f"DTSTART;{A}:20261201T090000",
            f"DTEND;{A}:20261201T100000",
            "STATUS:CANCELLED",
        ),
    )
    assert occurrences_on(parse_ical(text, AMS), dt.date(2026, 12, 1), AMS) == []
    assert hhmm(occurrences_on(parse_ical(text, AMS), dt.date(2026, 12, 2), AMS)) == ["09:00-10:00"]
    assert old_occurrences_on(old_parse_ical(text, AMS), dt.date(2026, 12, 1), AMS) != []  # what it used to do


@pytest.mark.parametrize("until", ["20261203T090000", "20261203"])
def test_a_floating_or_date_until_is_read_on_the_events_clock(until: str) -> None:
    text = calendar(vevent("UID:u", f"DTSTART;{A}:20261130T090000", "DURATION:PT1H", f"RRULE:FREQ=DAILY;UNTIL={until}"))
    events = parse_ical(text, AMS)
    assert [len(occurrences_on(events, dt.date(2026, 12, d), AMS)) for d in (2, 3, 4)] == [1, 1, 0]
    with pytest.raises(ValueError, match="UNTIL"):
        old_parse_ical(text, AMS)  # which the icalendar + dateutil version refused


def test_an_rdate_period_is_an_occurrence_of_its_own_length() -> None:
    text = calendar(
        vevent(
            "UID:p",
            f"DTSTART;{A}:20261130T090000",
            "DURATION:PT1H",
            f"RDATE;VALUE=PERIOD;{A}:20261201T130000/PT2H,20261202T130000/20261202T140000",
            f"EXDATE;{A}:20261203T130000",
        )
    )
    events = parse_ical(text, AMS)
    assert hhmm(occurrences_on(events, dt.date(2026, 12, 1), AMS)) == ["13:00-15:00"]
    assert hhmm(occurrences_on(events, dt.date(2026, 12, 2), AMS)) == ["13:00-14:00"]
    assert hhmm(occurrences_on(events, dt.date(2026, 11, 30), AMS)) == ["09:00-10:00"]


def test_a_date_with_a_tzid_is_all_day() -> None:
    text = calendar(vevent("UID:d", f"DTSTART;{A}:20261201", f"DTEND;{A}:20261202"))
    assert parse_ical(text, AMS) == ()
    assert old_occurrences_on(old_parse_ical(text, AMS), dt.date(2026, 12, 1), AMS) != []  # a 24-hour "lesson"
