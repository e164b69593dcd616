"""The one place in classguard's core that reads the system clock.

Everything else takes `now` as a parameter, so tests inject time and the agent can
substitute its trusted time (console time plus monotonic time).
"""

from __future__ import annotations

from datetime import UTC, datetime


def system_now() -> datetime:
    """The current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)
