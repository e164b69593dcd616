from __future__ import annotations

import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from agent.app_guard import FULL_SCAN_S, AppGuard, blocked_apps, platform_key
from agent.lesson_view import lesson_view
from policies.model import Policy
from policies.overrides import NO_OVERRIDES, Overrides
from policies.tokens import issue_token, verify_token
from tests.agent.fakes import FakeClock, wait_for
from tests.conftest import local

CATALOGUE_POLICY = """\
version: 1
school: Testschool
timezone: Europe/Amsterdam
block: [discord, youtube]
lessons:
  groep-7:
    weekdays: [08:30-12:00]
"""
IN_LESSON = local("2026-12-01 09:00")
AFTER_SCHOOL = local("2026-12-01 16:00")


@pytest.fixture
def policy(make_policy: Callable[..., Policy]) -> Policy:
    return make_policy(CATALOGUE_POLICY)


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Run a copy of /bin/sleep under an app's name (a real process psutil sees)."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str, ignore_term: bool = False) -> subprocess.Popen[bytes]:
        binary = tmp_path / name
        shutil.copy("/bin/sleep", binary)
        # SIG_IGN survives exec: a copy that shrugs off the polite request
        preexec = (lambda: signal.signal(signal.SIGTERM, signal.SIG_IGN)) if ignore_term else None
        process = subprocess.Popen([str(binary), "60"], preexec_fn=preexec)
        started.append(process)
        assert wait_for(lambda: psutil.Process(process.pid).name() == name, timeout=5)  # exec has happened
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_blocked_apps_follow_the_catalogue_and_the_lesson(policy: Policy) -> None:
    view = lesson_view(policy, "groep-7", None, NO_OVERRIDES, IN_LESSON)
    assert blocked_apps(policy, view, "linux") == {"discord": "Discord"}
    assert "discord.exe" in blocked_apps(policy, view, "win32")
    assert blocked_apps(policy, lesson_view(policy, "groep-7", None, NO_OVERRIDES, AFTER_SCHOOL), "linux") == {}
    assert platform_key("darwin") == "macos"


def test_an_exception_token_leaves_the_app_alone(policy: Policy) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from policies.keys import key_id

    key = Ed25519PrivateKey.generate()
    raw = issue_token(
        key,
        sub="juf",
        kind="exception",
        groups=["groep-7"],
        services=["discord"],
        now=int(IN_LESSON.timestamp()),
        minutes=30,
        reason="project",
    )
    overrides = Overrides((verify_token(raw, {key_id(key.public_key()): key.public_key()}),))
    view = lesson_view(policy, "groep-7", None, overrides, IN_LESSON)
    assert blocked_apps(policy, view, "linux") == {}
    assert [b.name for b in view.blocked] == ["youtube"]


def test_a_running_app_is_closed_politely(spawn: Callable[..., subprocess.Popen[bytes]]) -> None:
    notices: list[str] = []
    app = spawn("discord")
    bystander = spawn("notdiscord")
    guard = AppGuard(10, FakeClock(), notices.append)
    guard.enforce({"discord": "Discord"})
    assert app.wait(timeout=5) == -signal.SIGTERM
    assert bystander.poll() is None
    assert notices == ["Discord is gesloten: nu is het les."]


def test_an_app_that_ignores_terminate_is_killed_after_the_grace(spawn: Callable[..., subprocess.Popen[bytes]]) -> None:
    clock = FakeClock()
    app = spawn("Discord", ignore_term=True)
    guard = AppGuard(10, clock, lambda _: None)
    assert wait_for(lambda: guard.enforce({"discord": "Discord"}) is None and guard.closed == 1, timeout=5)
    guard.enforce({"discord": "Discord"})
    assert app.poll() is None  # still within the grace period
    clock.advance(11)
    guard.enforce({"discord": "Discord"})
    assert app.wait(timeout=5) == -signal.SIGKILL


def test_outside_lessons_nothing_is_touched(spawn: Callable[..., subprocess.Popen[bytes]]) -> None:
    app = spawn("discord")
    AppGuard(10, FakeClock(), lambda _: None).enforce({})
    assert app.poll() is None


def test_an_app_started_between_full_scans_is_closed_at_once(spawn: Callable[..., subprocess.Popen[bytes]]) -> None:
    guard = AppGuard(10, FakeClock(), lambda _: None)
    guard.enforce({"discord": "Discord"})  # the full scan: nothing to close
    app = spawn("discord")
    guard.enforce({"discord": "Discord"})  # the clock has not moved: a new pid is still looked at
    assert app.wait(timeout=5) == -signal.SIGTERM


def test_a_process_that_turns_into_an_app_is_closed_at_the_next_full_scan(tmp_path: Path) -> None:
    """A launcher that execs the app keeps its pid: the next full scan finds it."""
    shutil.copy("/bin/sleep", tmp_path / "discord")
    go = tmp_path / "go"
    launcher = subprocess.Popen(
        ["/bin/sh", "-c", f"while [ ! -e {go} ]; do sleep 0.05; done; exec {tmp_path / 'discord'} 60"]
    )
    try:
        clock = FakeClock()
        guard = AppGuard(10, clock, lambda _: None)
        guard.enforce({"discord": "Discord"})
        go.touch()
        assert wait_for(lambda: psutil.Process(launcher.pid).name() == "discord", timeout=5)
        guard.enforce({"discord": "Discord"})
        assert launcher.poll() is None  # a known pid between full scans is not looked at again
        clock.advance(FULL_SCAN_S)
        guard.enforce({"discord": "Discord"})
        assert launcher.wait(timeout=5) == -signal.SIGTERM
    finally:
        if launcher.poll() is None:
            launcher.kill()
        launcher.wait()
