"""Shared fixtures: policies written as text, keys, and a fixed sense of time."""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings

from policies.loader import load_policy
from policies.model import Policy

# Locally, hypothesis explores new inputs on every run (that is how it found the '[]'
# host). In CI the examples are derived from each test's name, so a run on main is
# repeatable; the database of past failures replays what was once found.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
AMS = ZoneInfo("Europe/Amsterdam")

BASIC_POLICY = """\
version: 1
school: Testschool
timezone: Europe/Amsterdam
holidays:
  region: midden
  extra: [2026-12-09]
services:
  catalog: false
  custom:
    youtube: {domains: [youtube.com, ytimg.com], apps: [YouTube]}
    instagram: {domains: [instagram.com, cdninstagram.com]}
    facebook: {domains: [facebook.com, fbcdn.net]}
block: [youtube, instagram]
allow_domains: [school.youtube.com]
lessons:
  groep-7:
    weekdays: [08:30-10:15, 10:30-12:00, 12:45-14:45]
    wednesday: [08:30-12:15]
  groep-8:
    weekdays: [08:30-12:00]
overrides:
  max_minutes: 120
"""


def local(text: str) -> dt.datetime:
    """An Amsterdam wall-clock moment, e.g. local('2026-12-01 09:00')."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=AMS)


@pytest.fixture
def write_policy(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str, name: str = "school.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def make_policy(write_policy: Callable[..., Path]) -> Callable[..., Policy]:
    def make(text: str = BASIC_POLICY) -> Policy:
        return load_policy(write_policy(text))

    return make


@pytest.fixture
def basic_policy(make_policy: Callable[..., Policy]) -> Policy:
    return make_policy()


@pytest.fixture(scope="session")
def meander() -> Policy:
    return load_policy(EXAMPLES / "meander.yaml")
