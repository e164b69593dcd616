"""School days: Dutch school holidays by region, public holidays and extra study days."""

from __future__ import annotations

import datetime as dt

from policies import holiday_table
from policies.model import HolidaySettings


class SchoolCalendar:
    """Answers "is this a day off?" for one school. With a region it uses the Dutch
    public holidays and the Ministry's school holidays for that region (the `holidays`
    package's, through policies/holiday_table.py); `extra` days are the school's own
    (study days, bridges)."""

    def __init__(self, settings: HolidaySettings) -> None:
        self._settings = settings
        self._years: dict[int, dict[dt.date, str]] = {}

    def _official(self, year: int) -> dict[dt.date, str] | None:
        region = self._settings.region
        if region is None:
            return None
        if year not in self._years:
            days = holiday_table.days_off(region, year)
            self._years[year] = days if days is not None else holiday_table.from_package(region, year)
        return self._years[year]

    def is_day_off(self, day: dt.date) -> bool:
        if any(day in extra for extra in self._settings.extra):
            return True
        official = self._official(day.year)
        return official is not None and day in official

    def name_of(self, day: dt.date) -> str | None:
        """What the day off is called (for messages), or None on a school day."""
        if any(day in extra for extra in self._settings.extra):
            return "studiedag"
        official = self._official(day.year)
        return official.get(day) if official is not None else None
