from __future__ import annotations

import random

from agent.backoff import Backoff


def test_delays_grow_exponentially_with_jitter_and_a_cap() -> None:
    backoff = Backoff(base=1.0, cap=60.0, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(12)]
    for attempt, delay in enumerate(delays):
        ceiling = min(60.0, 2**attempt)
        assert ceiling / 10 <= delay <= ceiling
    assert max(delays[8:]) <= 60.0 and min(delays[8:]) >= 6.0
    assert len({round(d, 6) for d in delays[6:]}) > 1  # jitter: not all the same


def test_reset_starts_over() -> None:
    backoff = Backoff(base=2.0, cap=100.0, rng=random.Random(1))
    for _ in range(5):
        backoff.next_delay()
    backoff.reset()
    assert backoff.next_delay() <= 2.0
