"""The console's one clock object. Only policies/clock.py reads the system clock; the app
holds a Clock and every module asks it, so tests inject a FakeClock and move time."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from policies import clock as system


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware (UTC)."""
        ...

    def seconds(self) -> float:
        """The current time as Unix seconds."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps, for deadlines and rate limits."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return system.system_now()

    def seconds(self) -> float:
        return system.wall_seconds()

    def monotonic(self) -> float:
        return system.monotonic()


class OffsetClock:
    """The system clock shifted by a fixed number of seconds (config CLOCK_OFFSET_SECONDS).
    For demonstrations and end-to-end tests only: laptops take the console's time as
    trusted time, so this is how "the lesson is over" is shown without waiting for it.
    Monotonic time is not shifted: deadlines still pass at the normal rate."""

    def __init__(self, offset_seconds: float) -> None:
        self.offset = float(offset_seconds)
        self._system = SystemClock()

    def now(self) -> dt.datetime:
        return self._system.now() + dt.timedelta(seconds=self.offset)

    def seconds(self) -> float:
        return self._system.seconds() + self.offset

    def monotonic(self) -> float:
        return self._system.monotonic()


class FakeClock:
    """A clock that stands still until told to move. Its monotonic time moves with its
    wall time, and also with real time (a long-poll's deadline must pass in a test)."""

    def __init__(self, start: float) -> None:
        self._wall = float(start)
        self._real_origin = system.monotonic()

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._wall, dt.UTC)

    def seconds(self) -> float:
        return self._wall

    def monotonic(self) -> float:
        return self._wall + (system.monotonic() - self._real_origin)

    def advance(self, seconds: float) -> None:
        self._wall += seconds

    def set(self, seconds: float) -> None:
        self._wall = float(seconds)
