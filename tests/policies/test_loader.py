from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.errors import PolicyError
from policies.loader import load_policy, parse_policy
from policies.model import TimeRange, WeeklyTimetable
from tests.conftest import BASIC_POLICY, EXAMPLES

HEAD = """\
version: 1
school: Testschool
timezone: Europe/Amsterdam
"""


def problems(text: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(textwrap.dedent(text), "s.yaml")
    return [str(p) for p in caught.value.problems]


def test_the_reference_school_loads(meander) -> None:  # type: ignore[no-untyped-def]
    assert meander.school == "obs Meander"
    assert set(meander.lessons) == {f"groep-{n}" for n in range(1, 9)} | {"medewerkers"}
    assert "youtube" in meander.block and "linkedin" not in meander.block
    assert meander.holidays.region == "midden"
    assert meander.overrides.max_minutes == 120


def test_weekdays_and_day_keys(basic_policy) -> None:  # type: ignore[no-untyped-def]
    timetable = basic_policy.lessons["groep-7"]
    assert isinstance(timetable, WeeklyTimetable)
    assert timetable.days[0] == (TimeRange(510, 615), TimeRange(630, 720), TimeRange(765, 885))
    assert timetable.days[2] == (TimeRange(510, 735),)  # wednesday overrides weekdays
    assert timetable.days[5] == timetable.days[6] == ()  # weekdays means monday..friday


def test_end_before_start() -> None:
    assert problems(HEAD + "block: []\nlessons:\n  groep-7:\n    monday: [08:30-10:15, 10:30-10:15]\n") == [
        "s.yaml:7:27: lessons.groep-7.monday[1]: end 10:15 is before start 10:30"
    ]


def test_an_empty_lesson() -> None:
    assert problems(HEAD + "block: []\nlessons:\n  groep-7:\n    monday: [10:30-10:30]\n") == [
        "s.yaml:7:14: lessons.groep-7.monday[0]: end 10:30 is the same as start 10:30: the lesson is empty"
    ]


def test_overlapping_lessons() -> None:
    assert problems(HEAD + "block: []\nlessons:\n  groep-7:\n    weekdays: [08:30-10:15, 10:00-11:00]\n") == [
        "s.yaml:7:29: lessons.groep-7.weekdays[1]: 10:00-11:00 overlaps 08:30-10:15 at [0]"
    ]


def test_lessons_that_touch_do_not_overlap_and_24_00_is_midnight() -> None:
    policy = parse_policy(HEAD + "block: []\nlessons:\n  avond:\n    sunday: [10:00-11:00, 11:00-24:00]\n", "s.yaml")
    timetable = policy.lessons["avond"]
    assert isinstance(timetable, WeeklyTimetable)
    assert timetable.days[6] == (TimeRange(600, 660), TimeRange(660, 1440))


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("8:30-10:15", "expected a lesson as HH:MM-HH:MM, got '8:30-10:15'"),
        ("25:00-26:00", "invalid time 25:00"),
        ("08:30-24:30", "invalid time 24:30 (the latest end is 24:00)"),
        ("08:61-09:00", "invalid time 08:61"),
    ],
)
def test_bad_times(item: str, message: str) -> None:
    assert problems(HEAD + f"block: []\nlessons:\n  g:\n    monday: ['{item}']\n") == [
        f"s.yaml:7:14: lessons.g.monday[0]: {message}"
    ]


def test_unknown_service_with_a_suggestion() -> None:
    assert problems(HEAD + "block: [youtube, facebok, myspace]\nlessons: {}\n") == [
        "s.yaml:4:18: block[1]: unknown service 'facebok' (did you mean 'facebook'?)",
        "s.yaml:4:27: block[2]: unknown service 'myspace'",
    ]


def test_bad_time_zone() -> None:
    text = "version: 1\nschool: s\ntimezone: Europe/Amsterdamm\nblock: []\nlessons: {}\n"
    assert problems(text) == [
        "s.yaml:3:11: timezone: unknown time zone 'Europe/Amsterdamm' (write it like Europe/Amsterdam)"
    ]


def test_a_time_zone_is_not_a_path() -> None:
    text = "version: 1\nschool: s\ntimezone: ../../../etc/passwd\nblock: []\nlessons: {}\n"
    assert problems(text) == [
        "s.yaml:3:11: timezone: unknown time zone '../../../etc/passwd' (write it like Europe/Amsterdam)"
    ]


def test_bad_dates() -> None:
    text = (
        HEAD
        + "holidays:\n  extra: [2027-02-30, 2027-01-01/2026-12-21, 2027-13-01/2027-13-02, tomorrow]\nblock: []\nlessons: {}\n"
    )
    assert problems(text) == [
        "s.yaml:5:11: holidays.extra[0]: invalid date '2027-02-30': day is out of range for month",
        "s.yaml:5:23: holidays.extra[1]: range 2027-01-01/2026-12-21 ends before it starts",
        "s.yaml:5:46: holidays.extra[2]: invalid date '2027-13-01': month must be in 1..12",
        "s.yaml:5:69: holidays.extra[3]: invalid date 'tomorrow': 'tomorrow'",
    ]


def test_duplicate_keys() -> None:
    text = HEAD + "block: []\nlessons:\n  groep-7:\n    monday: [08:30-09:00]\n  groep-7:\n    monday: [09:00-10:00]\n"
    assert problems(text) == ["s.yaml:8:3: lessons.groep-7: duplicate key 'groep-7' (first at line 6)"]


def test_unknown_keys_are_errors_with_a_suggestion() -> None:
    text = HEAD + "blok: [youtube]\nblock: []\nlessons: {g: {mondy: [08:30-09:00]}}\n"
    assert problems(text) == [
        "s.yaml:4:1: blok: unknown key 'blok' (did you mean 'block'?)",
        "s.yaml:6:15: lessons.g.mondy: unknown key 'mondy' (did you mean 'monday'?)",
    ]


def test_missing_keys_and_wrong_types_all_at_once() -> None:
    text = "version: 2\nschool: [a, b]\nblock: youtube\nlessons: {Groep 7: {}}\nmedia_uploads: maybe\n"
    assert problems(text) == [
        "s.yaml:1:1: timezone: missing required key",
        "s.yaml:1:10: version: unsupported version 2: this classguard reads version 1",
        "s.yaml:2:9: school: expected text, got a list",
        "s.yaml:3:8: block: expected a list, got 'youtube'",
        "s.yaml:4:11: lessons.Groep 7: 'Groep 7' is not a valid name: use lowercase letters, digits and '-'",
        "s.yaml:5:16: media_uploads: 'maybe' is not one of: block, allow",
    ]


def test_yaml_syntax_errors_are_located() -> None:
    assert problems(HEAD + "block: [youtube\nlessons: {}\n") == ["s.yaml:5:8: yaml: expected ',' or ']', but got ':'"]


def test_custom_services() -> None:
    text = HEAD + textwrap.dedent("""\
        services:
          custom:
            schoolsocial: {domains: [SchoolSocial.Example.], apps: [SchoolSocial]}
            youtube: {domains: [yt.example]}
            leeg: {domains: []}
            slecht: {domains: ['http://x']}
        block: [schoolsocial]
        lessons: {}
        """)
    assert problems(text) == [
        "s.yaml:7:5: services.custom.youtube: 'youtube' is already a catalogue service: choose another name",
        "s.yaml:8:21: services.custom.leeg.domains: list at least one domain",
        "s.yaml:9:24: services.custom.slecht.domains[0]: 'http://x' is not a domain name (write it like example.com)",
    ]
    fixed = "\n".join(
        line for line in text.splitlines() if "youtube" not in line and "leeg" not in line and "slecht" not in line
    )
    policy = parse_policy(fixed, "s.yaml")
    assert policy.services["schoolsocial"].domains == ("schoolsocial.example",)
    assert policy.services["schoolsocial"].apps.windows == ("SchoolSocial",)


def test_without_the_catalogue_only_custom_services_exist() -> None:
    text = HEAD + "services: {catalog: false}\nblock: [youtube]\nlessons: {}\n"
    assert problems(text) == ["s.yaml:5:9: block[0]: unknown service 'youtube'"]


def test_ical_and_day_lists_do_not_mix(write_policy: Callable[..., Path]) -> None:
    (write_policy("", "g.ics")).write_text((EXAMPLES / "timetables" / "groep-8.ics").read_text())
    path = write_policy(HEAD + "block: []\nlessons:\n  g:\n    ical: g.ics\n    monday: [08:30-09:00]\n")
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert [p.message for p in caught.value.problems] == ["give either ical or lesson times per day, not both"]


def test_a_missing_ical_file(write_policy: Callable[..., Path]) -> None:
    path = write_policy(HEAD + "block: []\nlessons:\n  g:\n    ical: missing.ics\n")
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert str(caught.value) == f"{path}:7:11: lessons.g.ical: cannot read missing.ics: No such file or directory"


def test_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path / "nope.yaml")
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}:1:1: (file): cannot read the file: No such file or directory"


def test_an_empty_file() -> None:
    assert problems("") == ["s.yaml:1:1: yaml: the file is empty"]


def test_aliases_do_not_blow_up() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    found = problems(HEAD + bomb + "block: []\nlessons: {}\n")
    assert len(found) == 9 and all("unknown key" in p for p in found)


def test_defaults(basic_policy) -> None:  # type: ignore[no-untyped-def]
    assert basic_policy.media_uploads == "block"
    assert basic_policy.privacy.counters_retention_days == 90
    assert basic_policy.overrides.require_reason is True


yaml_junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(st.dictionaries(st.sampled_from(["version", "school", "timezone", "holidays", "services", "block",
                                        "allow_domains", "lessons", "overrides", "media_uploads", "privacy", "x"]),
                       yaml_junk, max_size=11))  # fmt: skip
def test_any_yaml_gives_a_policy_or_located_problems_never_a_crash(document: dict) -> None:
    import yaml

    text = yaml.safe_dump(document)
    try:
        parse_policy(text, "fuzz.yaml")
    except PolicyError as exc:
        assert exc.problems
        assert all(p.file == "fuzz.yaml" and p.line >= 1 and p.column >= 1 and p.message for p in exc.problems)


@given(st.text(max_size=200))
def test_any_text_gives_a_policy_or_located_problems_never_a_crash(text: str) -> None:
    try:
        parse_policy(text, "fuzz.yaml")
    except PolicyError as exc:
        assert exc.problems


def test_basic_policy_text_is_valid() -> None:
    assert parse_policy(BASIC_POLICY, "b.yaml").block == ("youtube", "instagram")
