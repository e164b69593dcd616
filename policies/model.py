"""The policy model: frozen values, built by loader.py and read by everyone else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from policies.ical import IcalEvent
    from policies.matcher import DomainTable
    from policies.schedule import Schedule

WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
REGIONS: Final = ("noord", "midden", "zuid")
MEDIA_RULES: Final = ("block", "allow")
MINUTES_PER_DAY: Final = 24 * 60


@dataclass(frozen=True)
class AppNames:
    """Desktop app process names per operating system, as psutil reports them."""

    windows: tuple[str, ...] = ()
    macos: tuple[str, ...] = ()
    linux: tuple[str, ...] = ()


@dataclass(frozen=True)
class Service:
    name: str
    title: str
    domains: tuple[str, ...]
    apps: AppNames = AppNames()


@dataclass(frozen=True, order=True)
class TimeRange:
    """A lesson within one day, in minutes after local midnight; end may be 1440 (24:00)."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class WeeklyTimetable:
    """Lessons per weekday, monday first."""

    days: tuple[tuple[TimeRange, ...], ...]


@dataclass(frozen=True, eq=False)
class IcalTimetable:
    """Lessons from an iCalendar file (recurring events are expanded by ical.py)."""

    source: str
    events: tuple[IcalEvent, ...]


Timetable = WeeklyTimetable | IcalTimetable


@dataclass(frozen=True)
class DateRange:
    first: dt.date
    last: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first <= day <= self.last


@dataclass(frozen=True)
class HolidaySettings:
    region: str | None = None
    extra: tuple[DateRange, ...] = ()


@dataclass(frozen=True)
class OverrideSettings:
    max_minutes: int = 120
    require_reason: bool = True


@dataclass(frozen=True)
class PrivacySettings:
    counters_retention_days: int = 90
    audit_retention_days: int = 365


@dataclass(frozen=True)
class Policy:
    """One school's policy file, validated. `services` holds every known service
    (catalogue and custom); `block` the ones guarded during lessons."""

    source: str
    school: str
    timezone: ZoneInfo
    holidays: HolidaySettings
    services: Mapping[str, Service]
    block: tuple[str, ...]
    allow_domains: tuple[str, ...]
    lessons: Mapping[str, Timetable]
    overrides: OverrideSettings = OverrideSettings()
    media_uploads: str = "block"
    privacy: PrivacySettings = PrivacySettings()

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(self.lessons)

    # Compiled forms, built once on first use. cached_property writes straight into
    # the instance dict, so it works on a frozen dataclass.
    @cached_property
    def matcher(self) -> DomainTable:
        """Guarded services' domains and the allow list, as one lookup table."""
        from policies.matcher import DomainTable

        guarded = {name: self.services[name].domains for name in self.block}
        return DomainTable(guarded, self.allow_domains)

    @cached_property
    def schedule(self) -> Schedule:
        from policies.schedule import Schedule

        return Schedule(self.timezone, self.lessons, self.holidays)
