"""The Dutch public and school holidays as a small table shipped with classguard.

Why a table: importing the `holidays` package loads every country it knows (over 300
modules, about 12 MB), which alone would break the laptop agent's memory budget. The
table holds exactly what `holidays` says for the Netherlands' three regions, for the
years it has school holidays for; `tests/policies/test_holiday_table.py` checks it
against the package, so a new `holidays` release with more years fails the tests until
the table is regenerated:

    python -m policies.holiday_table   # rewrites policies/holidays_nl.json
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from importlib import resources
from typing import Any

TABLE = "holidays_nl.json"
REGIONS = ("noord", "midden", "zuid")
CATEGORIES = ("public", "school")


def _table() -> dict[str, dict[str, dict[str, str]]]:
    """Read each time, not kept: a calendar asks once per year it meets and keeps only that."""
    data: dict[str, dict[str, dict[str, str]]] = json.loads(
        resources.files("policies").joinpath(TABLE).read_text(encoding="utf-8")
    )
    return data


def days_off(region: str, year: int) -> dict[dt.date, str] | None:
    """{day: name} for one region and year, or None when the table does not cover it."""
    days = _table().get(region.lower(), {}).get(str(year))
    if days is None:
        return None
    return {dt.date.fromisoformat(day): name for day, name in days.items()}


def from_package(region: str, year: int) -> dict[dt.date, str]:
    """What the `holidays` package says (slow to import; see the module comment)."""
    import holidays  # only for years the table lacks (see the module comment)

    official: Any = holidays.country_holidays("NL", subdiv=region.capitalize(), years=year, categories=CATEGORIES)
    return {day: str(name) for day, name in sorted(official.items())}


def has_school_holidays(region: str, year: int) -> bool:
    """Whether the package knows the school holidays of that year (not only public ones)."""
    import holidays  # only for years the table lacks (see the module comment)

    school: Any = holidays.country_holidays("NL", subdiv=region.capitalize(), years=year, categories=("school",))
    return len(school) > 0


def build(first_year: int = 2019) -> dict[str, dict[str, dict[str, str]]]:
    """Every region, from first_year up to the last year with school holidays."""
    table: dict[str, dict[str, dict[str, str]]] = {}
    for region in REGIONS:
        table[region] = {}
        year = first_year
        while has_school_holidays(region, year):
            table[region][str(year)] = {day.isoformat(): name for day, name in from_package(region, year).items()}
            year += 1
    return table


def main() -> int:
    target = resources.files("policies").joinpath(TABLE)
    text = json.dumps(build(), ensure_ascii=False, indent=0, sort_keys=True) + "\n"
    with resources.as_file(target) as path:
        path.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
