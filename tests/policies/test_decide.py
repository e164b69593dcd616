from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.decide import Decision, Request, decide
from policies.keys import key_id
from policies.loader import parse_policy
from policies.model import Policy
from policies.overrides import NO_OVERRIDES, Overrides
from policies.tokens import Token, issue_token, verify_token
from tests.conftest import BASIC_POLICY, local

KEY = Ed25519PrivateKey.generate()
TRUSTED = {key_id(KEY.public_key()): KEY.public_key()}


def token(
    start: str, minutes: int, kind: str = "exception", services: tuple[str, ...] = ("youtube",), **extra: object
) -> Token:
    raw = issue_token(
        KEY,
        sub="juf-anna",
        kind=kind,
        groups=extra.pop("groups", ["groep-7"]),  # type: ignore[arg-type]
        services=services,
        now=int(local(start).timestamp()),
        minutes=minutes,
        reason="les",
        **extra,  # type: ignore[arg-type]
    )
    return verify_token(raw, TRUSTED)


def ask(policy: Policy, host: str, at: str, *tokens: Token, revoked: tuple[str, ...] = (), **request: str) -> Decision:
    overrides = Overrides(tokens, frozenset(revoked)) if tokens or revoked else NO_OVERRIDES
    return decide(policy, Request(host, request.pop("group", "groep-7"), **request), local(at), overrides)


def brief(decision: Decision) -> tuple[str, str, str | None, str | None]:
    until = decision.until.strftime("%Y-%m-%d %H:%M") if decision.until else None
    return decision.verdict, decision.reason, decision.service, until


def test_unguarded_hosts_are_not_guarded(basic_policy: Policy) -> None:
    assert ask(basic_policy, "nl.wikipedia.org", "2026-12-01 09:00") == Decision("allow", "not-guarded")
    assert ask(basic_policy, "notyoutube.com", "2026-12-01 09:00").reason == "not-guarded"
    assert ask(basic_policy, "facebook.com", "2026-12-01 09:00").reason == "not-guarded"  # known, not blocked


def test_allow_listed_hosts_are_never_blocked(basic_policy: Policy) -> None:
    assert ask(basic_policy, "school.youtube.com", "2026-12-01 09:00") == Decision("allow", "allow-listed")


def test_blocked_during_a_lesson_until_it_ends(basic_policy: Policy) -> None:
    assert brief(ask(basic_policy, "WWW.YouTube.com.:443", "2026-12-01 09:00")) == (
        "block", "lesson", "youtube", "2026-12-01 10:15",
    )  # fmt: skip
    assert ask(basic_policy, "i.ytimg.com", "2026-12-01 09:00").verdict == "block"


def test_allowed_between_lessons_until_the_next(basic_policy: Policy) -> None:
    assert brief(ask(basic_policy, "youtube.com", "2026-12-01 10:20")) == (
        "allow", "outside-lessons", "youtube", "2026-12-01 10:30",
    )  # fmt: skip


def test_allowed_on_holidays(basic_policy: Policy) -> None:
    assert brief(ask(basic_policy, "youtube.com", "2026-12-23 09:00")) == (
        "allow", "holiday", "youtube", "2027-01-04 08:30",
    )  # fmt: skip


def test_until_is_in_the_schools_time_zone(basic_policy: Policy) -> None:
    until = ask(basic_policy, "youtube.com", "2026-12-01 09:00").until
    assert until is not None and until.utcoffset() == dt.timedelta(hours=1)


def test_an_exception_opens_the_service_until_it_expires(basic_policy: Policy) -> None:
    granted = token("2026-12-01 09:00", 30)
    decision = ask(basic_policy, "youtube.com", "2026-12-01 09:10", granted)
    assert brief(decision) == ("allow", "override", "youtube", "2026-12-01 09:30")
    assert decision.token_id == granted.jti
    assert ask(basic_policy, "instagram.com", "2026-12-01 09:10", granted).verdict == "block"
    assert ask(basic_policy, "youtube.com", "2026-12-01 09:30", granted).verdict == "block"


def test_until_skips_boundaries_where_the_verdict_does_not_change(basic_policy: Policy) -> None:
    # 09:00-11:00: the break at 10:15-10:30 keeps youtube open; it closes at 11:00.
    granted = token("2026-12-01 09:00", 120)
    assert brief(ask(basic_policy, "youtube.com", "2026-12-01 09:10", granted))[3] == "2026-12-01 11:00"


def test_a_future_exception_ends_the_block_early(basic_policy: Policy) -> None:
    later = token("2026-12-01 09:30", 30)
    assert brief(ask(basic_policy, "youtube.com", "2026-12-01 09:00", later)) == (
        "block",
        "lesson",
        "youtube",
        "2026-12-01 09:29",
    )  # fmt: skip  (nbf less the 30 s leeway for clock skew)


def test_revoked_and_overlong_tokens_do_not_apply(basic_policy: Policy) -> None:
    granted = token("2026-12-01 09:00", 30)
    assert ask(basic_policy, "youtube.com", "2026-12-01 09:10", granted, revoked=(granted.jti,)).verdict == "block"
    overlong = token("2026-12-01 09:00", 121)
    assert ask(basic_policy, "youtube.com", "2026-12-01 09:10", overlong).verdict == "block"


def test_device_scoped_tokens(basic_policy: Policy) -> None:
    granted = token("2026-12-01 09:00", 30, devices=["laptop-12"])
    assert ask(basic_policy, "youtube.com", "2026-12-01 09:10", granted, device="laptop-12").verdict == "allow"
    assert ask(basic_policy, "youtube.com", "2026-12-01 09:10", granted, device="laptop-13").verdict == "block"
    assert ask(basic_policy, "youtube.com", "2026-12-01 09:10", granted).verdict == "block"


def test_tokens_for_another_group_do_not_apply(basic_policy: Policy) -> None:
    granted = token("2026-12-01 09:00", 30, groups=["groep-8"])
    assert ask(basic_policy, "youtube.com", "2026-12-01 09:10", granted).verdict == "block"
    assert ask(basic_policy, "youtube.com", "2026-12-01 09:10", granted, group="groep-8").verdict == "allow"


def test_an_ad_hoc_lesson_blocks_outside_the_timetable(basic_policy: Policy) -> None:
    lesson = token("2026-12-01 15:00", 60, kind="lesson", services=("*",))
    decision = ask(basic_policy, "instagram.com", "2026-12-01 15:10", lesson)
    assert brief(decision) == ("block", "ad-hoc-lesson", "instagram", "2026-12-01 16:00")
    assert decision.token_id == lesson.jti


def test_an_ad_hoc_lesson_blocks_only_what_it_names(basic_policy: Policy) -> None:
    lesson = token("2026-12-01 15:00", 60, kind="lesson", services=("youtube",))
    assert ask(basic_policy, "youtube.com", "2026-12-01 15:10", lesson).verdict == "block"
    assert ask(basic_policy, "instagram.com", "2026-12-01 15:10", lesson).verdict == "allow"


def test_exceptions_apply_inside_an_ad_hoc_lesson(basic_policy: Policy) -> None:
    lesson = token("2026-12-01 15:00", 60, kind="lesson", services=("*",))
    granted = token("2026-12-01 15:00", 15)
    assert brief(ask(basic_policy, "youtube.com", "2026-12-01 15:05", lesson, granted)) == (
        "allow", "override", "youtube", "2026-12-01 15:15",
    )  # fmt: skip


def test_an_ad_hoc_lesson_right_after_the_timetable_extends_the_block(basic_policy: Policy) -> None:
    lesson = token("2026-12-01 14:45", 45, kind="lesson", services=("*",))
    assert brief(ask(basic_policy, "youtube.com", "2026-12-01 14:00", lesson))[3] == "2026-12-01 15:30"


def test_media_uploads_need_directie_permission(basic_policy: Policy) -> None:
    upload = {"method": "POST", "content_type": "image/jpeg"}
    assert brief(ask(basic_policy, "youtube.com", "2026-12-01 16:00", **upload)) == (
        "block", "media-upload", "youtube", None,
    )  # fmt: skip
    assert ask(basic_policy, "youtube.com", "2026-12-01 16:00", method="GET", content_type="image/jpeg").allowed
    assert ask(basic_policy, "youtube.com", "2026-12-01 16:00", method="POST", content_type="text/plain").allowed
    assert ask(basic_policy, "nl.wikipedia.org", "2026-12-01 16:00", **upload).allowed
    permission = token("2026-12-01 15:55", 60, kind="media")
    decision = ask(basic_policy, "youtube.com", "2026-12-01 16:00", permission, **upload)
    assert (decision.verdict, decision.token_id) == ("allow", permission.jti)


def test_in_a_lesson_an_upload_needs_the_exception_and_the_permission(basic_policy: Policy) -> None:
    upload = {"method": "PUT", "content_type": "Video/MP4"}
    granted = token("2026-12-01 09:00", 30)
    permission = token("2026-12-01 09:00", 30, kind="media")
    assert ask(basic_policy, "youtube.com", "2026-12-01 09:10", permission, **upload).reason == "lesson"
    assert ask(basic_policy, "youtube.com", "2026-12-01 09:10", granted, **upload).reason == "media-upload"
    assert ask(basic_policy, "youtube.com", "2026-12-01 09:10", granted, permission, **upload).verdict == "allow"


def test_media_uploads_allow_turns_rule_7_off(make_policy) -> None:  # type: ignore[no-untyped-def]
    policy = make_policy(BASIC_POLICY + "media_uploads: allow\n")
    assert ask(policy, "youtube.com", "2026-12-01 16:00", method="POST", content_type="audio/ogg").allowed


def test_a_shared_domain_is_open_when_any_owner_is_open(make_policy) -> None:  # type: ignore[no-untyped-def]
    policy = make_policy(BASIC_POLICY.replace("block: [youtube, instagram]", "block: [youtube, instagram, facebook]")
                         .replace("instagram: {domains: [instagram.com, cdninstagram.com]}",
                                  "instagram: {domains: [instagram.com, cdninstagram.com, fbcdn.net]}"))  # fmt: skip
    assert ask(policy, "scontent.fbcdn.net", "2026-12-01 09:10").service == "instagram"  # first in block order
    granted = token("2026-12-01 09:00", 30, services=("facebook",))
    decision = ask(policy, "scontent.fbcdn.net", "2026-12-01 09:10", granted)
    assert (decision.verdict, decision.service) == ("allow", "facebook")
    assert ask(policy, "instagram.com", "2026-12-01 09:10", granted).verdict == "block"


def test_bad_requests_raise_value_error(basic_policy: Policy) -> None:
    with pytest.raises(ValueError, match="unknown group 'groep-9'"):
        ask(basic_policy, "youtube.com", "2026-12-01 09:00", group="groep-9")
    with pytest.raises(ValueError, match="timezone-aware"):
        decide(basic_policy, Request("youtube.com", "groep-7"), dt.datetime(2026, 12, 1, 9), NO_OVERRIDES)
    with pytest.raises(ValueError, match="not a host name"):
        ask(basic_policy, "you tube.com", "2026-12-01 09:00")


minutes = st.integers(0, 7 * 24 * 60)
token_specs = st.lists(
    st.tuples(st.integers(0, 7 * 24 * 60), st.integers(1, 120), st.sampled_from(["exception", "lesson", "media"])),
    max_size=4,
)


POLICY = parse_policy(BASIC_POLICY, "basic.yaml")


@settings(max_examples=60, deadline=None)
@given(minutes, token_specs, st.booleans())
def test_until_is_exactly_when_the_verdict_changes(at: int, specs: list, upload: bool) -> None:
    """Whatever the tokens, nothing changes before `until`, and the verdict differs at it."""
    basic_policy = POLICY
    base = local("2026-11-30 00:00")  # a Monday
    tokens = [
        token((base + dt.timedelta(minutes=start)).strftime("%Y-%m-%d %H:%M"), length, kind=kind, services=("*",))
        for start, length, kind in specs
    ]
    overrides = Overrides(tuple(tokens))
    request = Request("youtube.com", "groep-7", method="POST" if upload else None, content_type="image/png")
    now = base + dt.timedelta(minutes=at, seconds=7)
    first = decide(basic_policy, request, now, overrides)
    if first.until is None:
        return
    assert first.until > now
    for fraction in (0.3, 0.7):
        probe = now + (first.until - now) * fraction
        assert decide(basic_policy, request, probe, overrides).verdict == first.verdict
    just_before = first.until - dt.timedelta(microseconds=1)
    assert decide(basic_policy, request, just_before, overrides).verdict == first.verdict
    assert decide(basic_policy, request, first.until, overrides).verdict != first.verdict
