"""Token-bucket rate limits, in memory, per process (several app instances each keep
their own, which only makes the limit looser by that factor). Time comes from the
app's clock, so tests move it instead of sleeping."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    burst: int  # how many at once
    per_seconds: float  # one more allowed every this many seconds

    def describe(self) -> str:
        return f"{self.burst} at once, then one every {self.per_seconds:g} s"


class RateLimiter:
    def __init__(self, max_keys: int = 50_000) -> None:
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def allow(self, name: str, key: str, limit: Limit, now: float) -> float:
        """0 when allowed (and counted), else the seconds to wait before trying again."""
        with self._lock:
            if len(self._buckets) > self._max_keys:
                self._buckets.clear()  # crude, but bounded memory matters more than a perfect count
            tokens, last = self._buckets.get((name, key), (float(limit.burst), now))
            tokens = min(float(limit.burst), tokens + max(0.0, now - last) / limit.per_seconds)
            if tokens >= 1:
                self._buckets[(name, key)] = (tokens - 1, now)
                return 0.0
            self._buckets[(name, key)] = (tokens, now)
            return (1 - tokens) * limit.per_seconds

    def waiting(self, name: str, key: str, limit: Limit, now: float) -> float:
        """Like allow(), without counting: 0 when one more would be allowed."""
        with self._lock:
            tokens, last = self._buckets.get((name, key), (float(limit.burst), now))
            tokens = min(float(limit.burst), tokens + max(0.0, now - last) / limit.per_seconds)
            return 0.0 if tokens >= 1 else (1 - tokens) * limit.per_seconds


# The limits, in one table so the docs and the OpenAPI text can quote them.
LIMITS = {
    # per client address, failed enrolments only: codes are guessable only slowly, while a
    # whole school behind one NAT address can enrol with a good code at once
    "enroll": Limit(burst=10, per_seconds=30),
    "device": Limit(burst=30, per_seconds=2),  # per device, all calls together
    "requests": Limit(burst=3, per_seconds=120),  # pupil asks: 3 at once, then one per 2 min
    "incidents": Limit(burst=3, per_seconds=300),
    "login": Limit(burst=10, per_seconds=30),  # per client address
}
