from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies.hosts import normalise_domain_rule, normalise_host


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("www.instagram.com", "www.instagram.com"),
        ("WWW.Instagram.COM", "www.instagram.com"),
        ("instagram.com.", "instagram.com"),
        ("instagram.com:443", "instagram.com"),
        ("Instagram.com.:8443", "instagram.com"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("BÜCHER.example", "xn--bcher-kva.example"),
        ("XN--BCHER-KVA.example", "xn--bcher-kva.example"),
        ("instagram\u3002com", "instagram.com"),  # ideographic full stop
        ("instagram\uff0ecom", "instagram.com"),  # full-width full stop
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:DB8::1]", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("192.0.2.7:443", "192.0.2.7"),
    ],
)
def test_every_spelling_of_a_host_has_one_canonical_form(raw: str, expected: str) -> None:
    assert normalise_host(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", ".", "a..b", "ex ample.com", "example.com:http", "[::1", "-bad-.com", "a/b.com", "x" * 64 + ".com"]
)
def test_what_is_no_host_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        normalise_host(raw)


@pytest.mark.parametrize("raw", ["192.0.2.7", "[::1]", "localhost", "http://x.com"])
def test_a_domain_rule_must_be_a_domain(raw: str) -> None:
    with pytest.raises(ValueError, match=r"not|bad port"):
        normalise_domain_rule(raw)


labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
hosts = st.lists(labels, min_size=1, max_size=5).map(".".join)


@given(hosts, st.sampled_from(["", "."]), st.sampled_from(["", ":443", ":8080"]))
def test_case_dots_and_ports_never_change_the_name(host: str, dot: str, port: str) -> None:
    assert normalise_host(host.upper() + dot + port) == host


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_normalising_never_crashes_and_is_idempotent(raw: str) -> None:
    try:
        once = normalise_host(raw)
    except ValueError:
        return
    assert normalise_host(once) == once
    assert once.isascii()


@pytest.mark.parametrize("raw", ["[]", "[ ]", "[not-v6]", "1:2:3:4:5:6:7:8:9"])
def test_brackets_and_colons_must_hold_an_ipv6_address(raw: str) -> None:
    # (found by hypothesis: "[]" once normalised to "", which is no host at all)
    with pytest.raises(ValueError, match="not an IPv6 address"):
        normalise_host(raw)
