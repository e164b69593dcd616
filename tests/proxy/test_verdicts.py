"""One verdict from every name a connection carries; the strictest wins."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from policies.loader import parse_policy
from proxy.gatekeeper import _host_only
from proxy.sources import Snapshot
from proxy.verdicts import Verdicts
from tests.proxy.conftest import IN_BREAK, IN_LESSON, SCHOOL

POLICY = parse_policy(SCHOOL, "school.yaml")


def verdicts_at(moment: dt.datetime, group: str = "groep-7") -> Verdicts:
    return Verdicts(lambda: Snapshot(POLICY), group, None, lambda: moment)


def test_a_guarded_name_anywhere_blocks():
    judge = verdicts_at(IN_LESSON)
    assert judge.judge(["example.org", "www.instagram.com", None]).reason == "lesson"
    assert judge.judge(["127.0.0.1", "instagram.com"]).service == "instagram"
    assert judge.judge(["example.org", "example.com"]).reason == "not-guarded"


def test_a_name_that_is_no_host_fails_closed():
    assert verdicts_at(IN_LESSON).judge(["instagram.com", "bad host\x00"]).reason == "lesson"
    assert verdicts_at(IN_LESSON).judge(["example.org", "exa mple..org"]).verdict == "block"


def test_a_group_the_policy_lost_blocks_guarded_names_only():
    judge = verdicts_at(IN_LESSON, group="groep-9")
    assert judge.judge(["youtube.com"]).reason == "unknown-group"
    assert judge.judge(["example.org"]).allowed


def test_trusted_time_adds_the_agents_offset():
    snapshot = Snapshot(POLICY, offset_s=(IN_LESSON - IN_BREAK).total_seconds())
    judge = Verdicts(lambda: snapshot, "groep-7", None, lambda: IN_BREAK)
    assert judge.now() == IN_LESSON
    assert not judge.judge(["youtube.com"]).allowed


def test_the_media_rule_applies_in_the_break():
    assert verdicts_at(IN_BREAK).media_rule_applies(["youtube.com"])
    assert not verdicts_at(IN_BREAK).media_rule_applies(["example.org"])


@given(st.text(max_size=40))
def test_host_only_never_raises_and_strips_only_a_numeric_port(value):
    result = _host_only(value)
    assert result is not None
    if ":" not in value.strip() or value.strip().startswith("["):
        assert result == value.strip()


def test_host_only_examples():
    assert _host_only("Instagram.com:443") == "Instagram.com"
    assert _host_only("instagram.com:x") == "instagram.com:x"
    assert _host_only(None) is None
