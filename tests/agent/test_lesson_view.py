from __future__ import annotations

from collections.abc import Callable

from agent.lesson_view import lesson_view
from policies.model import Policy
from policies.overrides import NO_OVERRIDES
from tests.conftest import BASIC_POLICY, local


def test_a_service_whose_first_domain_is_allow_listed_still_shows_as_blocked(
    make_policy: Callable[..., Policy],
) -> None:
    policy = make_policy(BASIC_POLICY.replace("allow_domains: [school.youtube.com]", "allow_domains: [youtube.com]"))
    view = lesson_view(policy, "groep-7", None, NO_OVERRIDES, local("2026-12-01 09:00"))
    assert [b.name for b in view.blocked] == ["youtube", "instagram"]  # ytimg.com is still guarded
    assert view.in_lesson and view.until == local("2026-12-01 10:15")


def test_a_day_off_and_an_unknown_group(basic_policy: Policy) -> None:
    view = lesson_view(basic_policy, "groep-7", None, NO_OVERRIDES, local("2026-12-09 09:00"))  # a study day
    assert view.day_off and not view.in_lesson and view.blocked == ()
    assert lesson_view(basic_policy, "groep-99", None, NO_OVERRIDES, local("2026-12-01 09:00")).blocked == ()
