from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.paths import StatePaths
from agent.policy_files import write_clock, write_overrides, write_policy_dir
from policies.bundle import BundleError
from policies.errors import PolicyError
from tests.agent.fakes import ConsoleState
from tests.agent.test_cache import make_state
from tests.conftest import BASIC_POLICY

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:1
DTSTART;TZID=Europe/Amsterdam:20261201T083000
DTEND;TZID=Europe/Amsterdam:20261201T120000
RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR
SUMMARY:les
END:VEVENT
END:VCALENDAR
"""
WITH_ICAL = BASIC_POLICY.replace(
    "  groep-8:\n    weekdays: [08:30-12:00]\n", "  groep-8:\n    ical: timetables/groep-8.ics\n"
)


def test_policy_and_timetables_are_written_and_load(tmp_path: Path, console_state: ConsoleState) -> None:
    state = make_state(console_state, policy_text=WITH_ICAL, files={"timetables/groep-8.ics": ICS})
    directory = tmp_path / "policy"
    (directory / "timetables").mkdir(parents=True)
    (directory / "timetables" / "old.ics").write_text("stale")
    policy = write_policy_dir(directory, state)
    assert (directory / "policy.yaml").read_text() == WITH_ICAL
    assert (directory / "timetables" / "groep-8.ics").read_text() == ICS
    assert not (directory / "timetables" / "old.ics").exists()
    assert set(policy.lessons) == {"groep-7", "groep-8"}


def test_a_policy_that_does_not_load_changes_nothing(tmp_path: Path, console_state: ConsoleState) -> None:
    directory = tmp_path / "policy"
    write_policy_dir(directory, make_state(console_state))
    broken = make_state(console_state, policy_text=BASIC_POLICY.replace("max_minutes: 120", "max_minutes: lots"))
    with pytest.raises(PolicyError, match="max_minutes"):
        write_policy_dir(directory, broken)
    assert (directory / "policy.yaml").read_text() == BASIC_POLICY
    assert sorted(p.name for p in tmp_path.iterdir()) == ["policy"]  # no staging left over


def test_a_bundle_file_name_cannot_escape(tmp_path: Path, console_state: ConsoleState) -> None:
    state = make_state(console_state)
    evil = state.bundle.__class__(1, BASIC_POLICY, {"../../etc/cron.d/x": "boom"})
    with pytest.raises(BundleError, match="not a plain relative path"):
        write_policy_dir(tmp_path / "policy", state.__class__(evil, (), (), 0.0, state.overrides))
    assert not (tmp_path.parent / "etc").exists()


def test_overrides_and_clock_files(tmp_path: Path, console_state: ConsoleState) -> None:
    paths = StatePaths(tmp_path)
    token = console_state.token()
    write_overrides(paths, make_state(console_state, tokens=[token], revoked=["x"]))
    assert json.loads(paths.overrides.read_text()) == {"tokens": [token], "revoked": ["x"]}
    write_clock(paths, -12.5)
    assert json.loads(paths.clock.read_text()) == {"offset_s": -12.5}
