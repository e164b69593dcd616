"""Loading a policy file (format version 1, see README and DESIGN.md).

Every problem is collected and reported at once as FILE:LINE:COL: key.path: message.
Unknown keys are errors: a typo must never silently switch a rule off.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from policies.errors import PolicyError
from policies.ical import parse_ical
from policies.model import (
    MEDIA_RULES,
    REGIONS,
    WEEKDAYS,
    AppNames,
    DateRange,
    HolidaySettings,
    IcalTimetable,
    OverrideSettings,
    Policy,
    PrivacySettings,
    Service,
    TimeRange,
    Timetable,
    WeeklyTimetable,
)
from policies.services import builtin_catalog, read_apps, read_domains
from policies.yamlnodes import NodeReader, join, suggest

TOP_KEYS = (
    "version", "school", "timezone", "holidays", "services", "block", "allow_domains",
    "lessons", "overrides", "media_uploads", "privacy",
)  # fmt: skip
REQUIRED = ("version", "school", "timezone", "block", "lessons")
DAY_KEYS = ("weekdays", *WEEKDAYS, "ical")
_RANGE = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")
_DEFAULT_TZ = ZoneInfo("UTC")


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file. PolicyError lists every problem found."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError.single(str(path), f"cannot read the file: {_reason(exc)}") from exc
    return parse_policy(text, str(path), base_dir=path.parent)


def parse_policy(text: str, file: str, base_dir: Path | None = None) -> Policy:
    return _PolicyReader(file, base_dir or Path()).read(text)


def _reason(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


class _PolicyReader(NodeReader):
    def __init__(self, file: str, base_dir: Path) -> None:
        super().__init__(file)
        self.base_dir = base_dir
        self.tz = _DEFAULT_TZ

    def read(self, text: str) -> Policy:
        root = self.compose(text)
        items = self.mapping(root, "", known=TOP_KEYS, required=REQUIRED) if root is not None else None
        if items is None:
            raise PolicyError(self.problems)

        def value(key: str) -> yaml.Node | None:
            return items[key][1] if key in items else None

        if (node := value("version")) is not None:
            version = self.integer(node, "version", low=0, high=10**6)
            if version is not None and version != 1:
                self.error(node, "version", f"unsupported version {version}: this classguard reads version 1")
        school = self.text(node, "school") if (node := value("school")) is not None else None
        if (node := value("timezone")) is not None:
            self.tz = self._timezone(node) or _DEFAULT_TZ
        holidays = self._holidays(node) if (node := value("holidays")) is not None else HolidaySettings()
        services = self._services(value("services"))
        block = self._block(value("block"), services)
        allow = tuple(read_domains(self, node, "allow_domains")) if (node := value("allow_domains")) else ()
        lessons = self._lessons(value("lessons"))
        overrides = self._overrides(node) if (node := value("overrides")) is not None else OverrideSettings()
        media = "block"
        if (node := value("media_uploads")) is not None:
            media = self.choice(node, "media_uploads", MEDIA_RULES) or media
        privacy = self._privacy(node) if (node := value("privacy")) is not None else PrivacySettings()
        if self.problems:
            raise PolicyError(sorted(self.problems, key=lambda p: (p.line, p.column)))
        return Policy(
            source=self.file,
            school=school or "",
            timezone=self.tz,
            holidays=holidays,
            services=services,
            block=block,
            allow_domains=allow,
            lessons=lessons,
            overrides=overrides,
            media_uploads=media,
            privacy=privacy,
        )

    # -- sections ------------------------------------------------------------
    def _timezone(self, node: yaml.Node) -> ZoneInfo | None:
        name = self.text(node, "timezone")
        if name is None:
            return None
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.error(node, "timezone", f"unknown time zone '{name}' (write it like Europe/Amsterdam)")
            return None

    def _holidays(self, node: yaml.Node) -> HolidaySettings:
        items = self.mapping(node, "holidays", known=("region", "extra")) or {}
        region = self.choice(items["region"][1], "holidays.region", REGIONS) if "region" in items else None
        extra: list[DateRange] = []
        if "extra" in items:
            for index, item in enumerate(self.sequence(items["extra"][1], "holidays.extra") or []):
                found = self._date_range(item, join("holidays.extra", index))
                if found is not None:
                    extra.append(found)
        return HolidaySettings(region, tuple(extra))

    def _date_range(self, node: yaml.Node, path: str) -> DateRange | None:
        text = self.text(node, path)
        if text is None:
            return None
        parts = text.split("/")
        if len(parts) > 2:
            self.error(node, path, f"expected a date or a range FIRST/LAST, got '{text}'")
            return None
        days = []
        for part in parts:
            try:
                days.append(dt.date.fromisoformat(part.strip()))
            except ValueError as exc:
                why = str(exc).removeprefix("Invalid isoformat string: ")
                self.error(node, path, f"invalid date '{part.strip()}': {why}")
                return None
        if days[-1] < days[0]:
            self.error(node, path, f"range {text} ends before it starts")
            return None
        return DateRange(days[0], days[-1])

    def _services(self, node: yaml.Node | None) -> dict[str, Service]:
        use_catalog, custom = True, {}
        if node is not None:
            items = self.mapping(node, "services", known=("catalog", "custom")) or {}
            if "catalog" in items:
                use_catalog = self.boolean(items["catalog"][1], "services.catalog") is not False
            if "custom" in items:
                custom = self.mapping(items["custom"][1], "services.custom") or {}
        services = dict(builtin_catalog()) if use_catalog else {}
        for name, (key_node, value_node) in custom.items():
            path = join("services.custom", name)
            if name in services:
                self.error(key_node, path, f"'{name}' is already a catalogue service: choose another name")
                continue
            fields = self.mapping(value_node, path, known=("title", "domains", "apps"), required=("domains",))
            if fields is None or "domains" not in fields:
                continue
            domains = read_domains(self, fields["domains"][1], join(path, "domains"))
            domains_node = fields["domains"][1]
            if isinstance(domains_node, yaml.SequenceNode) and not domains_node.value:
                self.error(domains_node, join(path, "domains"), "list at least one domain")
            title = self.text(fields["title"][1], join(path, "title")) if "title" in fields else None
            apps = read_apps(self, fields["apps"][1], join(path, "apps")) if "apps" in fields else None
            services[name] = Service(name, title or name, tuple(domains), apps or AppNames())
        return services

    def _block(self, node: yaml.Node | None, services: dict[str, Service]) -> tuple[str, ...]:
        block: list[str] = []
        for index, item in enumerate(self.sequence(node, "block") or [] if node is not None else []):
            path = join("block", index)
            name = self.text(item, path)
            if name is None:
                continue
            if name not in services:
                self.error(item, path, f"unknown service '{name}'{suggest(name, services)}")
            elif name not in block:
                block.append(name)
        return tuple(block)

    def _lessons(self, node: yaml.Node | None) -> dict[str, Timetable]:
        groups = self.mapping(node, "lessons") if node is not None else None
        lessons: dict[str, Timetable] = {}
        for group, (_, value_node) in (groups or {}).items():
            timetable = self._timetable(value_node, join("lessons", group))
            if timetable is not None:
                lessons[group] = timetable
        return lessons

    def _timetable(self, node: yaml.Node, path: str) -> Timetable | None:
        items = self.mapping(node, path, known=DAY_KEYS)
        if items is None:
            return None
        if "ical" in items:
            if len(items) > 1:
                self.error(node, path, "give either ical or lesson times per day, not both")
            return self._ical(items["ical"][1], join(path, "ical"))
        base = self._day(items["weekdays"][1], join(path, "weekdays")) if "weekdays" in items else ()
        days = []
        for index, day in enumerate(WEEKDAYS):
            if day in items:
                days.append(self._day(items[day][1], join(path, day)))
            else:
                days.append(base if index < 5 else ())
        return WeeklyTimetable(tuple(days))

    def _day(self, node: yaml.Node, path: str) -> tuple[TimeRange, ...]:
        ranges: list[tuple[TimeRange, int]] = []
        for index, item in enumerate(self.sequence(node, path) or []):
            item_path = join(path, index)
            found = self._time_range(item, item_path)
            if found is None:
                continue
            for earlier, earlier_index in ranges:
                if found.start < earlier.end and earlier.start < found.end:
                    self.error(item, item_path, f"{found} overlaps {earlier} at [{earlier_index}]")
                    break
            else:
                ranges.append((found, index))
        return tuple(sorted(r for r, _ in ranges))

    def _time_range(self, node: yaml.Node, path: str) -> TimeRange | None:
        text = self.text(node, path)
        if text is None:
            return None
        match = _RANGE.fullmatch(text.replace(" ", ""))
        if match is None:
            self.error(node, path, f"expected a lesson as HH:MM-HH:MM, got '{text}'")
            return None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start_text, end_text = text.replace(" ", "").split("-")
        if h1 > 23 or m1 > 59:
            self.error(node, path, f"invalid time {start_text}")
            return None
        if h2 > 24 or m2 > 59 or (h2 == 24 and m2 != 0):
            self.error(node, path, f"invalid time {end_text} (the latest end is 24:00)")
            return None
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end < start:
            self.error(node, path, f"end {end_text} is before start {start_text}")
            return None
        if end == start:
            self.error(node, path, f"end {end_text} is the same as start {start_text}: the lesson is empty")
            return None
        return TimeRange(start, end)

    def _ical(self, node: yaml.Node, path: str) -> IcalTimetable | None:
        name = self.text(node, path)
        if name is None:
            return None
        file = self.base_dir / name
        try:
            events = parse_ical(file.read_text(encoding="utf-8"), self.tz)
        except (OSError, UnicodeDecodeError) as exc:
            self.error(node, path, f"cannot read {name}: {_reason(exc)}")
            return None
        except ValueError as exc:
            self.error(node, path, f"{name}: {exc}")
            return None
        return IcalTimetable(name, events)

    def _overrides(self, node: yaml.Node) -> OverrideSettings:
        items = self.mapping(node, "overrides", known=("max_minutes", "require_reason")) or {}
        settings = OverrideSettings()
        max_minutes, require_reason = settings.max_minutes, settings.require_reason
        if "max_minutes" in items:
            found = self.integer(items["max_minutes"][1], "overrides.max_minutes", low=1, high=24 * 60)
            max_minutes = found if found is not None else max_minutes
        if "require_reason" in items:
            flag = self.boolean(items["require_reason"][1], "overrides.require_reason")
            require_reason = flag if flag is not None else require_reason
        return OverrideSettings(max_minutes, require_reason)

    def _privacy(self, node: yaml.Node) -> PrivacySettings:
        keys = ("counters_retention_days", "audit_retention_days")
        items = self.mapping(node, "privacy", known=keys) or {}
        defaults = PrivacySettings()
        values = {}
        for key in keys:
            if key in items:
                found = self.integer(items[key][1], join("privacy", key), low=1, high=3650)
                if found is not None:
                    values[key] = found
        return PrivacySettings(**{**vars(defaults), **values})
