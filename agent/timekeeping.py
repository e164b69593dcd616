"""Trusted time: the console's clock carried forward by this laptop's monotonic clock.

A pupil can set the laptop's clock to a Saturday; they cannot set the console's. At
each sync the console's `server_time` is anchored to the monotonic clock. While the
laptop's wall clock agrees with that to within MAX_SKEW_S it is used as is (no jitter
from network delay); beyond that it is ignored and reported, and enforcement runs on
console time plus monotonic time. Only policies.clock reads clocks: the `Clock`
object here is injectable, and tests pass a fake.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Final, Protocol

from policies import clock as core_clock

MAX_SKEW_S: Final = 120.0


class Clock(Protocol):
    def wall_seconds(self) -> float: ...
    def monotonic(self) -> float: ...


class SystemClock:
    """The real clocks, through policies.clock."""

    def wall_seconds(self) -> float:
        return core_clock.wall_seconds()

    def monotonic(self) -> float:
        return core_clock.monotonic()


@dataclass(frozen=True)
class TimeReport:
    offset_s: float  # trusted time minus the laptop's wall clock, as enforcement uses it
    measured_skew_s: float | None  # console minus laptop at the last anchor
    skewed: bool  # the laptop's clock is more than MAX_SKEW_S off and is being ignored
    anchored: bool  # we have heard the console's time since start (or from the cache)


class TrustedTime:
    """Thread-safe: the sync loop anchors it, everyone else reads it."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._server: float | None = None
        self._mono: float = 0.0
        self._floor: float = 0.0  # time never goes back before a trusted moment we saw
        self._floor_mono: float | None = None  # monotonic reading when the floor came from the cache

    def anchor(self, server_time: float) -> None:
        """Record the console's time, as received now."""
        with self._lock:
            self._server = float(server_time)
            self._mono = self.clock.monotonic()
            self._floor = max(self._floor, self._server)

    def restore(self, last_trusted: float) -> None:
        """After a restart (no monotonic anchor survives one): never run earlier than
        the last trusted moment the cache remembers, so turning the clock back to
        before a lesson started does not help."""
        with self._lock:
            self._floor = max(self._floor, float(last_trusted))
            self._floor_mono = self.clock.monotonic()

    def seconds(self) -> float:
        with self._lock:
            return self._seconds()

    def _seconds(self) -> float:
        wall = self.clock.wall_seconds()
        if self._server is None:
            # at least the cached trusted moment plus the time since this start (a lower
            # bound of the true time), so a clock turned back neither wins nor freezes time
            since = self.clock.monotonic() - self._floor_mono if self._floor_mono is not None else 0.0
            return max(wall, self._floor + since)
        console = self._server + (self.clock.monotonic() - self._mono)
        return wall if abs(console - wall) <= MAX_SKEW_S else console

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.seconds(), dt.UTC)

    def report(self) -> TimeReport:
        with self._lock:
            wall = self.clock.wall_seconds()
            trusted = self._seconds()
            skew = None
            if self._server is not None:
                skew = self._server + (self.clock.monotonic() - self._mono) - wall
            offset = trusted - wall
            return TimeReport(
                offset_s=round(offset, 3),
                measured_skew_s=None if skew is None else round(skew, 3),
                skewed=abs(offset) > MAX_SKEW_S if skew is None else abs(skew) > MAX_SKEW_S,
                anchored=self._server is not None,
            )
