from __future__ import annotations

import datetime as dt

import pytest

from policies.ical import occurrences_on, parse_ical
from policies.model import Policy
from tests.conftest import AMS, EXAMPLES


def hhmm(pairs: list[tuple[float, float]]) -> list[str]:
    fmt = "%H:%M"
    return [f"{dt.datetime.fromtimestamp(s, AMS):{fmt}}-{dt.datetime.fromtimestamp(e, AMS):{fmt}}" for s, e in pairs]


@pytest.fixture(scope="module")
def groep8() -> tuple:
    return parse_ical((EXAMPLES / "timetables" / "groep-8.ics").read_text(), AMS)


def test_recurring_weekly_lessons(groep8: tuple) -> None:
    assert hhmm(occurrences_on(groep8, dt.date(2026, 12, 1), AMS)) == ["08:30-10:15", "10:30-12:00", "12:45-14:45"]
    assert hhmm(occurrences_on(groep8, dt.date(2026, 12, 2), AMS)) == ["08:30-10:15", "10:30-12:15"]
    assert hhmm(occurrences_on(groep8, dt.date(2026, 12, 3), AMS)) == ["08:30-10:15", "10:30-12:00", "12:45-15:30"]
    assert occurrences_on(groep8, dt.date(2026, 12, 5), AMS) == []  # Saturday


def test_recurrence_keeps_local_time_across_dst(groep8: tuple) -> None:
    summer = occurrences_on(groep8, dt.date(2027, 3, 29), AMS)  # the Monday after spring forward
    assert hhmm(summer)[0] == "08:30-10:15"
    assert dt.datetime.fromtimestamp(summer[0][0], dt.UTC).hour == 6


def test_exdate_and_a_one_off_event(groep8: tuple) -> None:
    assert hhmm(occurrences_on(groep8, dt.date(2027, 4, 19), AMS)) == ["10:30-12:00", "12:45-14:45"]
    assert "08:15-12:30" in hhmm(occurrences_on(groep8, dt.date(2027, 4, 20), AMS))


def test_until_ends_the_series(groep8: tuple) -> None:
    assert occurrences_on(groep8, dt.date(2027, 7, 19), AMS) == []


def test_the_reference_school_uses_the_ical_for_groep_8(meander: Policy) -> None:
    thursday_afternoon = dt.datetime(2026, 12, 3, 15, 0, tzinfo=AMS).timestamp()
    state = meander.schedule.state("groep-8", thursday_afternoon)
    assert state.in_lesson
    assert state.until == dt.datetime(2026, 12, 3, 15, 30, tzinfo=AMS).timestamp()
    christmas = dt.datetime(2026, 12, 23, 9, 0, tzinfo=AMS).timestamp()
    assert not meander.schedule.state("groep-8", christmas).in_lesson  # holidays apply to ical groups too


CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:test
{events}END:VCALENDAR
"""


def event(lines: str) -> str:
    return f"BEGIN:VEVENT\nUID:{abs(hash(lines))}\n{lines.strip()}\nEND:VEVENT\n"


def test_floating_times_are_the_schools_and_utc_times_convert() -> None:
    events = parse_ical(
        CALENDAR.format(
            events=event("DTSTART:20261201T090000\nDTEND:20261201T100000")
            + event("DTSTART:20261201T130000Z\nDURATION:PT45M")
        ),
        AMS,
    )
    assert hhmm(occurrences_on(events, dt.date(2026, 12, 1), AMS)) == ["09:00-10:00", "14:00-14:45"]


def test_all_day_and_cancelled_events_are_not_lessons() -> None:
    events = parse_ical(
        CALENDAR.format(
            events=event("DTSTART;VALUE=DATE:20261201\nDTEND;VALUE=DATE:20261202")
            + event("DTSTART:20261201T090000\nDTEND:20261201T100000\nSTATUS:CANCELLED")
        ),
        AMS,
    )
    assert occurrences_on(events, dt.date(2026, 12, 1), AMS) == []


def test_a_moved_instance_replaces_its_original() -> None:
    series = "UID:series\nDTSTART;TZID=Europe/Amsterdam:20261130T090000\nDTEND;TZID=Europe/Amsterdam:20261130T100000\nRRULE:FREQ=DAILY;COUNT=5"
    moved = "UID:series\nRECURRENCE-ID;TZID=Europe/Amsterdam:20261201T090000\nDTSTART;TZID=Europe/Amsterdam:20261201T110000\nDTEND;TZID=Europe/Amsterdam:20261201T120000"
    text = CALENDAR.format(events=f"BEGIN:VEVENT\n{series}\nEND:VEVENT\nBEGIN:VEVENT\n{moved}\nEND:VEVENT\n")
    events = parse_ical(text, AMS)
    assert hhmm(occurrences_on(events, dt.date(2026, 12, 1), AMS)) == ["11:00-12:00"]
    assert hhmm(occurrences_on(events, dt.date(2026, 12, 2), AMS)) == ["09:00-10:00"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("this is not a calendar", "not a valid iCalendar file"),
        (CALENDAR.format(events=event("DTSTART:20261201T100000\nDTEND:20261201T090000")), "ends before it starts"),
        (CALENDAR.format(events=event("DTEND:20261201T090000")), "has no DTSTART"),
    ],
)
def test_broken_calendars_say_what_is_wrong(body: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_ical(body, AMS)
