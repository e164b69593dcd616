"""Exponential back-off with full jitter, so a school's 500 laptops do not all hit a
console that just came back in the same second."""

from __future__ import annotations

import random
from typing import Final

BASE_S: Final = 1.0
CAP_S: Final = 300.0


class Backoff:
    def __init__(self, base: float = BASE_S, cap: float = CAP_S, rng: random.Random | None = None) -> None:
        self.base = base
        self.cap = cap
        self.failures = 0
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrecy

    def next_delay(self) -> float:
        """The wait after one more failure: uniform in [c/10, c], c = min(cap, base·2^n)
        (a floor, so a dead console is never hammered in a tight loop)."""
        ceiling = min(self.cap, self.base * (2 ** min(self.failures, 30)))
        self.failures += 1
        return self._rng.uniform(ceiling / 10, ceiling)

    def reset(self) -> None:
        self.failures = 0
