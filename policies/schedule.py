"""When a group is in a lesson: timetables, holidays and time zones turned into instants.

Local times are turned into instants with zoneinfo for the calendar day they fall
on, so 08:30 stays 08:30 local on either side of a DST change. Results are cached
per (group, day), and the current state per group until it can next change, so the
per-connection cost is a dict lookup and two float comparisons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from policies.calendar import SchoolCalendar

if TYPE_CHECKING:
    from policies.decide import Decision
    from policies.overrides import Overrides
from policies.ical import occurrences_on
from policies.model import MINUTES_PER_DAY, HolidaySettings, IcalTimetable, Timetable

SEARCH_DAYS: Final = 400  # how far ahead to look for the next lesson (a year and a bit)
_CACHE_LIMIT: Final = 20_000
ONE_DAY: Final = dt.timedelta(days=1)

Interval = tuple[float, float]


@dataclass(frozen=True)
class LessonState:
    """Where a group stands at an instant.

    `until`: when `in_lesson` next changes (the end of the running lesson, or the
    start of the next one), None when no lesson comes within SEARCH_DAYS.
    `day_off`: today is a holiday or study day (local date).
    """

    in_lesson: bool
    day_off: bool
    until: float | None


@dataclass(frozen=True)
class Window:
    """A lesson state and the interval [valid_from, valid_to) in which it holds."""

    valid_from: float
    valid_to: float
    state: LessonState


class Schedule:
    def __init__(self, tz: ZoneInfo, lessons: Mapping[str, Timetable], holidays: HolidaySettings) -> None:
        self.tz = tz
        self._lessons = lessons
        self.calendar = SchoolCalendar(holidays)
        self._days: dict[tuple[str, dt.date], tuple[Interval, ...]] = {}
        self._states: dict[str, Window] = {}
        # decide.py's memo of token-free decisions per (group, service), each valid for
        # the Window it was made in. Kept here so that it dies with the policy.
        self.decisions: dict[tuple[str, str], tuple[Window, Decision]] = {}
        # and of decisions that involve tokens: (overrides, valid_from, valid_to, decision)
        self.token_decisions: dict[tuple[str, str, str | None, bool], tuple[Overrides, float, float, Decision]] = {}

    def local_date(self, ts: float) -> dt.date:
        return dt.datetime.fromtimestamp(ts, self.tz).date()

    def midnight_after(self, day: dt.date) -> float:
        if day == dt.date.max:
            return float("inf")  # the end of the calendar
        return dt.datetime.combine(day + ONE_DAY, dt.time(0), self.tz).timestamp()

    def lessons_on(self, group: str, day: dt.date) -> tuple[Interval, ...]:
        """The group's lessons that start on local `day`, as sorted Unix intervals."""
        key = (group, day)
        cached = self._days.get(key)
        if cached is not None:
            return cached
        if len(self._days) > _CACHE_LIMIT:
            self._days.clear()
        timetable = self._lessons[group]
        if self.calendar.is_day_off(day):
            found: tuple[Interval, ...] = ()
        elif isinstance(timetable, IcalTimetable):
            found = tuple(occurrences_on(timetable.events, day, self.tz))
        else:
            found = tuple(
                (self._instant(day, lesson.start), self._instant(day, lesson.end))
                for lesson in timetable.days[day.weekday()]
            )
        self._days[key] = found
        return found

    def _instant(self, day: dt.date, minutes: int) -> float:
        if minutes == MINUTES_PER_DAY:
            return self.midnight_after(day)
        local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), self.tz)
        return local.timestamp()

    def state(self, group: str, ts: float, *, remember: bool = True) -> LessonState:
        """The group's lesson state at Unix time `ts`. KeyError for an unknown group.
        Look-ahead callers pass remember=False so the cache keeps serving the present."""
        return self.window(group, ts, remember=remember).state

    def window(self, group: str, ts: float, *, remember: bool = True) -> Window:
        """The group's state at `ts` with the interval it holds for."""
        cached = self._states.get(group)
        if cached is not None and cached.valid_from <= ts < cached.valid_to:
            return cached
        if group not in self._lessons:
            raise KeyError(group)
        today = self.local_date(ts)
        state = self._compute(group, ts, today)
        valid_to = self.midnight_after(today)  # day_off may change at midnight
        if state.until is not None:
            valid_to = min(valid_to, state.until)
        window = Window(ts, valid_to, state)
        if remember:
            self._states[group] = window
        return window

    def _compute(self, group: str, ts: float, today: dt.date) -> LessonState:
        day_off = self.calendar.is_day_off(today)
        for start, end in self.lessons_on(group, today - ONE_DAY) + self.lessons_on(group, today):
            if start <= ts < end:
                return LessonState(True, day_off, self._end_of_run(group, end))
        return LessonState(False, day_off, self._next_start(group, ts, today))

    def _end_of_run(self, group: str, end: float) -> float:
        """Back-to-back lessons (10:15 end, 10:15 start; 24:00 then 00:00) are one run."""
        for _ in range(SEARCH_DAYS * 24):
            day = self.local_date(end)
            later = [e for s, e in self.lessons_on(group, day - ONE_DAY) + self.lessons_on(group, day) if s <= end < e]
            if not later:
                return end
            end = max(later)
        return end

    def _next_start(self, group: str, ts: float, today: dt.date) -> float | None:
        day = today
        for _ in range(SEARCH_DAYS):
            starts = [s for s, _ in self.lessons_on(group, day) if s > ts]
            if starts:
                return min(starts)
            if day == dt.date.max:
                break  # no lesson after the end of the calendar
            day += ONE_DAY
        return None
