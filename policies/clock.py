"""The one place in classguard's core that reads the system clock.

Everything else takes `now` as a parameter, so tests inject time and the agent can
substitute its trusted time (console time plus monotonic time).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime


def system_now() -> datetime:
    """The current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


def monotonic() -> float:
    """Seconds on a clock that never jumps (for intervals and the agent's trusted time)."""
    return time.monotonic()


def wall_seconds() -> float:
    """The system's wall clock as Unix seconds."""
    return time.time()
