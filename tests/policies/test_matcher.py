from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from policies.hosts import normalise_host
from policies.matcher import Allowed, DomainTable

TABLE = DomainTable(
    {"instagram": ["instagram.com", "cdninstagram.com"], "facebook": ["facebook.com", "fbcdn.net"], "x": ["x.com"]},
    allowed=["school.instagram.com", "developers.facebook.com"],
)


def test_a_rule_covers_the_domain_and_its_subdomains() -> None:
    assert TABLE.lookup("instagram.com") == ("instagram",)
    assert TABLE.lookup("scontent.cdninstagram.com") == ("instagram",)
    assert TABLE.lookup("a.b.c.instagram.com") == ("instagram",)


def test_a_rule_covers_nothing_else() -> None:
    for host in ["notinstagram.com", "instagram.com.evil.example", "instagram.co", "com", "reactjs.org", "xx.com"]:
        assert TABLE.lookup(host) is None, host


def test_the_allow_list_wins_over_a_service_rule() -> None:
    assert TABLE.lookup("school.instagram.com") == Allowed("school.instagram.com")
    assert TABLE.lookup("cdn.school.instagram.com") == Allowed("school.instagram.com")
    assert TABLE.lookup("www.instagram.com") == ("instagram",)


def test_an_allowed_parent_removes_the_service_rules_under_it() -> None:
    table = DomainTable({"yt": ["video.example.org"]}, allowed=["example.org"])
    assert table.lookup("video.example.org") == Allowed("example.org")
    assert table.guarded_domains() == {}


def test_a_shared_domain_belongs_to_every_owner() -> None:
    table = DomainTable({"facebook": ["fbcdn.net"], "instagram": ["fbcdn.net", "instagram.com"]})
    assert table.lookup("scontent.fbcdn.net") == ("facebook", "instagram")


labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
prefixes = st.lists(labels, max_size=4).map(lambda parts: "".join(p + "." for p in parts))


@given(prefixes, st.sampled_from(["instagram.com", "cdninstagram.com", "x.com"]))
def test_every_subdomain_is_covered(prefix: str, domain: str) -> None:
    hit = TABLE.lookup(prefix + domain)
    assert hit is not None


@given(labels, st.sampled_from(["instagram.com", "x.com", "facebook.com"]))
def test_gluing_letters_onto_a_domain_escapes_nothing_and_catches_nothing(glue: str, domain: str) -> None:
    # "notinstagram.com" is another site; it must not be caught (precision), and a
    # subdomain must be caught (no escape).
    assert TABLE.lookup(glue + domain) is None
    assert TABLE.lookup(f"{glue}.{domain}") is not None


unicode_labels = st.text(alphabet=st.sampled_from("abcdéüßøçñ"), min_size=1, max_size=10)


@given(unicode_labels)
def test_unicode_and_punycode_forms_match_the_same_rule(label: str) -> None:
    try:
        unicode_host = normalise_host(f"{label}.café.example")
    except ValueError:
        return
    table = DomainTable({"cafe": [normalise_host("café.example")]})
    puny = unicode_host.encode("ascii").decode("ascii")
    assert table.lookup(unicode_host) == ("cafe",)
    assert table.lookup(normalise_host(puny.upper())) == ("cafe",)
