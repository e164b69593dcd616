"""decide(): the single place that says whether a connection may go through.

Order of the rules, for a host that a blocked service owns:
1. in a lesson (timetable, or a teacher's ad-hoc `lesson` token) with no exception
   token for the service                       → block (lesson / ad-hoc-lesson)
2. a media upload while media_uploads is block and no `media` token applies
                                               → block (media-upload, rule 7)
3. in a lesson with an exception               → allow (override)
4. otherwise                                   → allow (holiday / outside-lessons)
Hosts on the allow list are allowed (allow-listed); hosts that no blocked service
owns are not guarded (not-guarded). `until` is when the verdict next changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, NamedTuple

from policies.matcher import Allowed
from policies.model import Policy
from policies.overrides import Overrides
from policies.tokens import LEEWAY_SECONDS, Token

ALLOW: Final = "allow"
BLOCK: Final = "block"
MEDIA_TYPES: Final = ("image/", "video/", "audio/")
UPLOAD_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})
_MAX_STEPS: Final = 256  # bound on the search for the next change of verdict


class Request(NamedTuple):
    """What is asked: a host, from a device in a group; for uploads the method and the
    content type (the proxy passes each multipart part's type as its own request).
    A NamedTuple rather than a frozen dataclass: immutable all the same, and built
    several times faster, which matters once per connection."""

    host: str
    group: str
    device: str | None = None
    method: str | None = None
    content_type: str | None = None

    @property
    def is_media_upload(self) -> bool:
        if self.method is None or self.method.upper() not in UPLOAD_METHODS:
            return False
        content_type = (self.content_type or "").strip().lower()
        return content_type.startswith(MEDIA_TYPES)


class Decision(NamedTuple):
    """The verdict, why, for which service, until when, and under which token."""

    verdict: str
    reason: str
    service: str | None = None
    until: dt.datetime | None = None
    token_id: str | None = None

    @property
    def allowed(self) -> bool:
        return self.verdict == ALLOW

    def as_json(self) -> dict[str, str | None]:
        return {
            "verdict": self.verdict,
            "reason": self.reason,
            "service": self.service,
            "until": self.until.isoformat() if self.until else None,
            "token_id": self.token_id,
        }


NOT_GUARDED: Final = Decision(ALLOW, "not-guarded")
ALLOW_LISTED: Final = Decision(ALLOW, "allow-listed")


def decide(policy: Policy, request: Request, now: dt.datetime, overrides: Overrides) -> Decision:
    """The verdict for `request` at `now` (timezone-aware). ValueError for a host that
    is no host name or a group the policy does not know."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    hit = policy.matcher.lookup_host(request.host)
    if hit is None:
        return NOT_GUARDED
    if isinstance(hit, Allowed):
        return ALLOW_LISTED
    group = request.group
    if group not in policy.lessons:
        raise ValueError(f"unknown group '{group}'")
    ts = now.timestamp()
    if request.method is None or not request.is_media_upload:
        # (a plain loop: this is the per-connection path, and any() costs a generator)
        for service in hit:
            if overrides.touches(group, service):
                break
        else:
            return _token_free(policy, group, hit[0], ts)
    judge = _Judge(policy, request, overrides)
    first: Decision | None = None
    for service in hit:  # a shared CDN domain is open when any owner is open
        decision = judge.decide(service, ts)
        if decision.allowed:
            return decision
        first = first or decision
    assert first is not None
    return first


def _token_free(policy: Policy, group: str, service: str, ts: float) -> Decision:
    """The common case, no token for the group and no upload: the verdict follows the
    timetable alone, so one Decision serves the whole window of the lesson state."""
    schedule = policy.schedule
    window = schedule.window(group, ts)
    memo = schedule.decisions.get((group, service))
    if memo is not None and memo[0] is window:
        return memo[1]
    state = window.state
    when = dt.datetime.fromtimestamp(state.until, policy.timezone) if state.until is not None else None
    if state.in_lesson:
        decision = Decision(BLOCK, "lesson", service, when)
    else:
        decision = Decision(ALLOW, "holiday" if state.day_off else "outside-lessons", service, when)
    schedule.decisions[(group, service)] = (window, decision)
    return decision


class _Judge:
    """Evaluates one request for one service, at any instant (to find `until`)."""

    def __init__(self, policy: Policy, request: Request, overrides: Overrides) -> None:
        self.policy = policy
        self.request = request
        self.overrides = overrides
        self.media_rule = request.is_media_upload and policy.media_uploads == BLOCK
        self.now = 0.0  # the instant asked about; other instants are look-ahead

    def _tokens(self, kind: str, service: str) -> list[Token]:
        request = self.request
        max_seconds = self.policy.overrides.max_minutes * 60
        found = []
        for token in self.overrides.candidates(request.group, kind):
            if token.exp - token.nbf > max_seconds or not token.covers_device(request.group, request.device):
                continue
            if kind == "lesson" and "*" in token.services:
                found.append(token)  # "*" is the school's whole block list
            elif token.covers_service(service):
                found.append(token)
        return found

    def decide(self, service: str, ts: float) -> Decision:
        """The decision at `ts`, remembered until the lesson state or a token changes."""
        memo_key = (self.request.group, service, self.request.device, self.media_rule)
        memos = self.policy.schedule.token_decisions
        memo = memos.get(memo_key)
        if memo is not None and memo[0] is self.overrides and memo[1] <= ts < memo[2]:
            return memo[3]
        self.now = ts
        decision, edges = self._decide(service, ts)
        valid_to = min([self.policy.schedule.window(self.request.group, ts).valid_to, *(e for e in edges if e > ts)])
        if len(memos) > 4096:
            memos.clear()
        memos[memo_key] = (self.overrides, ts, valid_to, decision)
        return decision

    def _decide(self, service: str, ts: float) -> tuple[Decision, list[float]]:
        lessons = self._tokens("lesson", service)
        exceptions = self._tokens("exception", service)
        media = self._tokens("media", service) if self.media_rule else []
        verdict, reason, token = self._verdict(service, ts, lessons, exceptions, media)
        relevant = lessons + exceptions + media
        if self.media_rule and not media:
            until = None  # an upload stays refused until directie grants permission
        elif not relevant:
            until = self.policy.schedule.state(self.request.group, ts).until
        else:
            until = self._next_change(service, ts, verdict, relevant, lessons, exceptions, media)
        when = dt.datetime.fromtimestamp(until, self.policy.timezone) if until is not None else None
        edges: list[float] = [e for t in relevant for e in (t.nbf - LEEWAY_SECONDS, t.exp)]
        return Decision(verdict, reason, service, when, token.jti if token else None), edges

    def _verdict(
        self,
        service: str,
        ts: float,
        lessons: list[Token],
        exceptions: list[Token],
        media: list[Token],
    ) -> tuple[str, str, Token | None]:
        state = self.policy.schedule.state(self.request.group, ts, remember=ts == self.now)
        ad_hoc = _latest(lessons, ts)
        exception = _latest(exceptions, ts)
        if (state.in_lesson or ad_hoc) and exception is None:
            return (BLOCK, "lesson", None) if state.in_lesson else (BLOCK, "ad-hoc-lesson", ad_hoc)
        if self.media_rule:
            permission = _latest(media, ts)
            if permission is None:
                return BLOCK, "media-upload", None
            if not (state.in_lesson or ad_hoc):
                return ALLOW, "override", permission
        if state.in_lesson or ad_hoc:
            return ALLOW, "override", exception
        return ALLOW, ("holiday" if state.day_off else "outside-lessons"), None

    def _next_change(
        self,
        service: str,
        ts: float,
        verdict: str,
        relevant: list[Token],
        lessons: list[Token],
        exceptions: list[Token],
        media: list[Token],
    ) -> float | None:
        """Step over every boundary (lesson start or end, token start or end) until the
        verdict differs. Bounded: None means no change within the search horizon."""
        schedule = self.policy.schedule
        moment = ts
        for _ in range(_MAX_STEPS):
            edges: list[float] = [e for t in relevant for e in (t.nbf - LEEWAY_SECONDS, t.exp) if e > moment]
            lesson_edge = schedule.state(self.request.group, moment, remember=False).until
            if lesson_edge is not None:
                edges.append(lesson_edge)
            if not edges:
                return None
            moment = min(edges)
            if self._verdict(service, moment, lessons, exceptions, media)[0] != verdict:
                return moment
        return None


def _latest(tokens: list[Token], ts: float) -> Token | None:
    """Of the tokens active at `ts`, the one that lasts longest."""
    active = [t for t in tokens if t.active_at(ts)]
    return max(active, key=lambda t: t.exp) if active else None
