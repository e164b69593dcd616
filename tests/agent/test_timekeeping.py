from __future__ import annotations

from agent.timekeeping import MAX_SKEW_S, SystemClock, TrustedTime
from tests.agent.fakes import FakeClock


def test_without_an_anchor_the_laptop_clock_is_used() -> None:
    clock = FakeClock(1000.0)
    trusted = TrustedTime(clock)
    assert trusted.seconds() == 1000.0
    assert not trusted.report().anchored


def test_small_differences_keep_the_laptop_clock() -> None:
    clock = FakeClock(10_000.0)
    trusted = TrustedTime(clock)
    trusted.anchor(10_000.0 + MAX_SKEW_S - 1)
    assert trusted.seconds() == 10_000.0
    report = trusted.report()
    assert report.offset_s == 0.0 and not report.skewed and report.measured_skew_s == MAX_SKEW_S - 1


def test_a_clock_turned_to_the_weekend_is_ignored() -> None:
    clock = FakeClock(10_000.0)
    trusted = TrustedTime(clock)
    trusted.anchor(10_000.0)
    clock.advance(60)
    clock.wall += 3 * 86_400  # the pupil sets the date forward to Saturday
    assert trusted.seconds() == 10_060.0  # console time plus monotonic time
    report = trusted.report()
    assert report.skewed and report.offset_s == -3 * 86_400
    assert trusted.now().timestamp() == 10_060.0


def test_after_a_restart_time_never_runs_before_the_last_trusted_moment() -> None:
    clock = FakeClock(5_000.0)  # clock turned back while the agent was down
    trusted = TrustedTime(clock)
    trusted.restore(9_000.0)
    assert trusted.seconds() == 9_000.0
    clock.advance(60)
    assert trusted.seconds() == 9_060.0  # time moves on from there, it does not freeze
    clock.wall = 20_000.0  # a clock set ahead is not held back (it cannot open anything a floor would close)
    assert trusted.seconds() == 20_000.0


def test_the_system_clock_reads_real_clocks() -> None:
    clock = SystemClock()
    assert clock.wall_seconds() > 1_700_000_000
    first = clock.monotonic()
    assert clock.monotonic() >= first
