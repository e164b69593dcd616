"""The shipped holiday table says exactly what the `holidays` package says, and covers
every year the package has Dutch school holidays for."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from policies import holiday_table
from policies.calendar import SchoolCalendar
from policies.model import HolidaySettings

REGENERATE = "the holiday table is out of date: run `python -m policies.holiday_table` and commit the result"


def test_the_table_is_what_the_package_builds() -> None:
    assert holiday_table._table() == holiday_table.build(), REGENERATE


@pytest.mark.parametrize("region", holiday_table.REGIONS)
def test_the_table_ends_where_the_package_school_holidays_end(region: str) -> None:
    years = sorted(int(y) for y in holiday_table._table()[region])
    assert holiday_table.has_school_holidays(region, years[-1])
    assert not holiday_table.has_school_holidays(region, years[-1] + 1), REGENERATE


def test_a_year_outside_the_table_comes_from_the_package() -> None:
    calendar = SchoolCalendar(HolidaySettings(region="noord"))
    assert holiday_table.days_off("noord", 2040) is None
    assert calendar.is_day_off(dt.date(2040, 4, 27))  # Koningsdag
    assert calendar.name_of(dt.date(2040, 4, 27)) == "Koningsdag"
    assert not calendar.is_day_off(dt.date(2040, 4, 26))


def test_loading_a_policy_year_does_not_import_the_holidays_package() -> None:
    """The point of the table: the agent stays small (see the module comment)."""
    script = (
        "import sys, datetime as dt\n"
        "from policies.calendar import SchoolCalendar\n"
        "from policies.model import HolidaySettings\n"
        "c = SchoolCalendar(HolidaySettings(region='midden'))\n"
        "assert c.is_day_off(dt.date(2026, 12, 25))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'holidays'))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.replace("'", '"')) == []
