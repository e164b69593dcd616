"""Shared fixtures: policies written as text, keys, and a fixed sense of time."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import textwrap
from collections.abc import Callable, Iterator
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


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """$CLASSGUARD_TEST_POSTGRES_URL, or a throwaway local cluster on 127.0.0.1 when
    initdb is installed (run as the postgres user when the tests run as root); else skip."""
    import os
    import subprocess

    if url := os.environ.get("CLASSGUARD_TEST_POSTGRES_URL"):
        yield url
        return
    # Debian keeps the server binaries off PATH, under /usr/lib/postgresql/<version>/bin.
    bins = [str(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]
    search = os.pathsep.join([os.environ.get("PATH", ""), *bins])
    initdb, pg_ctl = shutil.which("initdb", path=search), shutil.which("pg_ctl", path=search)
    if not initdb or not pg_ctl:
        pytest.skip("no PostgreSQL here (set CLASSGUARD_TEST_POSTGRES_URL)")
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="classguard-pg-"))  # pytest's tmp dirs are closed to other users
    as_user: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            pytest.skip("PostgreSQL refuses to run as root and runuser is missing")
        shutil.chown(root, "postgres")
        root.chmod(0o700)
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as probe:  # a free port (two test workers may each start a cluster)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": "/"}
    subprocess.run([*as_user, initdb, "-D", str(root / "data"), "-A", "trust", "-U", "classguard"], check=True, **quiet)  # type: ignore[call-overload]
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
    subprocess.run([*as_user, pg_ctl, "-D", str(root / "data"), "-o", options, "-l", str(root / "log"), "-w", "start"],
                   check=True, **quiet)  # type: ignore[call-overload]  # fmt: skip
    try:
        yield f"postgresql+psycopg://classguard@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(root / "data"), "-m", "immediate", "stop"], **quiet)  # type: ignore[call-overload]
        shutil.rmtree(root, ignore_errors=True)
