from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from policies.model import HolidaySettings, Policy, TimeRange, WeeklyTimetable
from policies.schedule import Schedule
from tests.conftest import AMS, local

UTC = dt.UTC


def state(policy: Policy, group: str, moment: dt.datetime):  # type: ignore[no-untyped-def]
    return policy.schedule.state(group, moment.timestamp())


def until_local(policy: Policy, group: str, moment: dt.datetime) -> str | None:
    until = state(policy, group, moment).until
    return None if until is None else dt.datetime.fromtimestamp(until, AMS).strftime("%Y-%m-%d %H:%M")


def test_in_a_lesson_until_it_ends(basic_policy: Policy) -> None:
    now = local("2026-12-01 09:00")  # a Tuesday
    assert state(basic_policy, "groep-7", now).in_lesson
    assert until_local(basic_policy, "groep-7", now) == "2026-12-01 10:15"


def test_a_lesson_that_ends_exactly_now_is_over(basic_policy: Policy) -> None:
    now = local("2026-12-01 10:15")
    current = state(basic_policy, "groep-7", now)
    assert not current.in_lesson
    assert until_local(basic_policy, "groep-7", now) == "2026-12-01 10:30"
    one_before = now - dt.timedelta(microseconds=1)
    assert state(basic_policy, "groep-7", one_before).in_lesson


def test_a_lesson_that_starts_exactly_now_is_running(basic_policy: Policy) -> None:
    assert state(basic_policy, "groep-7", local("2026-12-01 10:30")).in_lesson


def test_after_school_the_next_lesson_is_tomorrow_and_after_friday_monday(basic_policy: Policy) -> None:
    assert until_local(basic_policy, "groep-7", local("2026-12-01 15:00")) == "2026-12-02 08:30"
    assert until_local(basic_policy, "groep-7", local("2026-12-04 15:00")) == "2026-12-07 08:30"


def test_holidays_by_region_and_extra_study_days(basic_policy: Policy) -> None:
    christmas = state(basic_policy, "groep-7", local("2026-12-23 10:00"))
    assert not christmas.in_lesson and christmas.day_off
    assert until_local(basic_policy, "groep-7", local("2026-12-23 10:00")) == "2027-01-04 08:30"
    study_day = state(basic_policy, "groep-7", local("2026-12-09 09:00"))  # extra: [2026-12-09]
    assert not study_day.in_lesson and study_day.day_off
    # On the day before the study day, the next lesson skips it.
    assert until_local(basic_policy, "groep-7", local("2026-12-08 15:00")) == "2026-12-10 08:30"


def test_kings_day_is_a_public_holiday(basic_policy: Policy) -> None:
    assert basic_policy.schedule.calendar.is_day_off(dt.date(2027, 4, 27))


def weekly(lessons: list[TimeRange], days: range = range(7)) -> WeeklyTimetable:
    return WeeklyTimetable(tuple(tuple(lessons) if d in days else () for d in range(7)))


def test_dst_spring_forward_keeps_0830_local() -> None:
    schedule = Schedule(AMS, {"g": weekly([TimeRange(510, 615)])}, HolidaySettings())
    monday = dt.datetime(2027, 3, 29, 8, 30, tzinfo=AMS)  # the Monday after the change
    assert schedule.state("g", monday.timestamp()).in_lesson
    assert not schedule.state("g", monday.timestamp() - 1).in_lesson
    assert dt.datetime.fromtimestamp(schedule.state("g", monday.timestamp() - 1).until or 0, UTC).hour == 6
    sunday_evening = dt.datetime(2027, 3, 28, 20, 0, tzinfo=AMS)
    assert schedule.state("g", sunday_evening.timestamp()).until == monday.timestamp()


def test_dst_fall_back_keeps_0830_local() -> None:
    schedule = Schedule(AMS, {"g": weekly([TimeRange(510, 615)], range(5))}, HolidaySettings())
    monday = dt.datetime(2026, 10, 26, 8, 30, tzinfo=AMS)  # the Monday after the change
    friday_evening = dt.datetime(2026, 10, 23, 18, 0, tzinfo=AMS)  # still summer time
    assert schedule.state("g", friday_evening.timestamp()).until == monday.timestamp()
    assert schedule.state("g", monday.timestamp()).in_lesson
    assert dt.datetime.fromtimestamp(monday.timestamp(), UTC).hour == 7  # CET again: 07:30 UTC
    assert schedule.state("g", monday.timestamp()).until == dt.datetime(2026, 10, 26, 10, 15, tzinfo=AMS).timestamp()


def test_a_lesson_over_the_dst_night_is_measured_in_real_time() -> None:
    # 24:00 end on Saturday then 00:00-03:00 on Sunday 2027-03-28: at 02:00 the clock jumps to 03:00.
    schedule = Schedule(
        AMS, {"g": WeeklyTimetable(((),) * 5 + ((TimeRange(1200, 1440),), (TimeRange(0, 180),)))}, HolidaySettings()
    )
    saturday_night = dt.datetime(2027, 3, 27, 23, 0, tzinfo=AMS)
    current = schedule.state("g", saturday_night.timestamp())
    assert current.in_lesson
    end = dt.datetime.fromtimestamp(current.until or 0, AMS)
    assert (end.date(), end.hour) == (dt.date(2027, 3, 28), 3)  # one run across midnight


def test_unknown_group_is_a_key_error(basic_policy: Policy) -> None:
    import pytest

    with pytest.raises(KeyError):
        basic_policy.schedule.state("groep-9", local("2026-12-01 09:00").timestamp())


def test_no_lessons_at_all_means_no_until() -> None:
    schedule = Schedule(AMS, {"g": weekly([])}, HolidaySettings())
    assert schedule.state("g", local("2026-12-01 09:00").timestamp()).until is None


moments = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2028, 12, 31), timezones=st.just(UTC))
zones = st.sampled_from(["Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"])


@given(moments, zones, st.integers(0, 23 * 60), st.integers(1, 60 * 4))
def test_the_state_agrees_with_local_wall_time_everywhere(
    moment: dt.datetime, zone: str, start: int, length: int
) -> None:
    """Whatever the zone and DST, 'in lesson' means: the local wall time of this instant
    falls in [start, end) on a weekday, computed the slow obvious way."""
    tz = ZoneInfo(zone)
    end = min(start + length, 24 * 60)
    schedule = Schedule(tz, {"g": weekly([TimeRange(start, end)], range(5))}, HolidaySettings())
    ts = moment.timestamp()
    got = schedule.state("g", ts)
    day = dt.datetime.fromtimestamp(ts, tz).date()
    starts_at = dt.datetime.combine(day, dt.time(start // 60, start % 60), tz).timestamp()
    ends_at = (
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz).timestamp()
        if end == 24 * 60
        else dt.datetime.combine(day, dt.time(end // 60, end % 60), tz).timestamp()
    )
    expected = day.weekday() < 5 and starts_at <= ts < ends_at
    assert got.in_lesson == expected
    assert got.until is not None and got.until > ts
    assert schedule.state("g", got.until).in_lesson != got.in_lesson or got.until == ends_at


@given(moments)
def test_until_is_the_next_change_and_nothing_changes_before_it(moment: dt.datetime) -> None:
    schedule = Schedule(AMS, {"g": weekly([TimeRange(510, 615), TimeRange(630, 720)], range(5))}, HolidaySettings())
    ts = moment.timestamp()
    now = schedule.state("g", ts)
    assert now.until is not None
    for fraction in (0.25, 0.5, 0.999):
        probe = ts + (now.until - ts) * fraction
        assert Schedule(AMS, schedule._lessons, HolidaySettings()).state("g", probe).in_lesson == now.in_lesson
    assert Schedule(AMS, schedule._lessons, HolidaySettings()).state("g", now.until).in_lesson != now.in_lesson
