"""One verdict for a connection from every name it carries.

A connection names its host up to three times: the CONNECT target (or the URL's
authority), the TLS SNI and the HTTP Host header. A pupil who puts a guarded name in
one and an innocent name in another is fronting; so every name is judged and the
strictest verdict wins. A name that is no host name at all blocks: fail closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from policies.decide import BLOCK, NOT_GUARDED, Decision, Request, decide
from proxy.sources import Snapshot

BAD_NAME = Decision(BLOCK, "bad-host")
UNKNOWN_GROUP = Decision(BLOCK, "unknown-group")


class Verdicts:
    """Asks policies.decide about each name, at trusted time (system clock plus the
    agent's offset)."""

    def __init__(
        self, snapshot: Callable[[], Snapshot], group: str, device: str | None, clock: Callable[[], dt.datetime]
    ) -> None:
        self._snapshot = snapshot
        self.group = group
        self.device = device
        self._clock = clock

    def now(self) -> dt.datetime:
        return self._clock() + dt.timedelta(seconds=self._snapshot().offset_s)

    def judge(
        self, names: Iterable[str | None], method: str | None = None, content_type: str | None = None
    ) -> Decision:
        snapshot = self._snapshot()
        now = self.now()
        guarded: Decision | None = None
        for name in names:
            if not name:
                continue
            try:
                decision = decide(
                    snapshot.policy,
                    Request(name, self.group, self.device, method, content_type),
                    now,
                    snapshot.overrides,
                )
            except ValueError:
                # decide() refuses a name that is no host name, and (for a guarded
                # host) a group the policy no longer has: both fail closed.
                return BAD_NAME if self.group in snapshot.policy.lessons else UNKNOWN_GROUP
            if not decision.allowed:
                return decision
            if decision.service is not None and guarded is None:
                guarded = decision
        return guarded or NOT_GUARDED

    def media_rule_applies(self, names: Iterable[str | None]) -> bool:
        """Would an image upload to these names be refused right now?"""
        decision = self.judge(names, "POST", "image/jpeg")
        return decision.reason == "media-upload"
