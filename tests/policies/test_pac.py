"""The PAC file, run in a real PAC engine (pacparser, SpiderMonkey) and compared with the matcher.

pacparser is process-global: every use is init → parse → find_proxy → cleanup, one at a
time (pytest-xdist runs workers as processes, so that is still safe).
"""

from __future__ import annotations

import json
import random
import re
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import pacparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.hosts import normalise_host
from policies.loader import load_policy
from policies.matcher import Allowed
from policies.model import HolidaySettings, Policy, Service
from policies.pac import PAC_SIZE_LIMIT, generate_pac

PROXY = "127.0.0.1:3128"
GUARDED_ANSWER = f"PROXY {PROXY}"

SMALL_POLICY = """\
version: 1
school: Testschool
timezone: Europe/Amsterdam
services:
  catalog: false
  custom:
    youtube: {domains: [youtube.com, ytimg.com]}
    instagram: {domains: [instagram.com, cdninstagram.com]}
    facebook: {domains: [facebook.com, fbcdn.net]}
block: [youtube, instagram]
allow_domains: [school.youtube.com]
lessons:
  groep-7:
    weekdays: [08:30-12:00]
"""


@contextmanager
def pac_engine(text: str) -> Iterator[Callable[[str], str]]:
    """A loaded PAC script; yields host -> FindProxyForURL("http://host/", host)."""
    pacparser.init()
    try:
        pacparser.parse_pac_string(text)

        def find(host: str) -> str:
            return pacparser.find_proxy(f"http://{host}/", host)

        yield find
    finally:
        pacparser.cleanup()


def pac_parses(text: str) -> bool:
    pacparser.init()
    try:
        pacparser.parse_pac_string(text)
    except pacparser.error:
        return False
    finally:
        pacparser.cleanup()
    return True


# -- a big, random policy ------------------------------------------------------
TLDS = ("com", "net", "org", "nl", "io", "co.uk", "tv", "app")


def _label(rng: random.Random, low: int = 3, high: int = 12) -> str:
    alphabet = string.ascii_lowercase + string.digits
    body = "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))
    if len(body) > 4 and rng.random() < 0.2:
        cut = rng.randint(1, len(body) - 2)
        body = body[:cut] + "-" + body[cut + 1 :]
    return body


def _domain(rng: random.Random) -> str:
    parts = [_label(rng) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
    return ".".join([*parts, rng.choice(TLDS)])


class BigPolicy:
    """A policy with `count` random domains over six custom services, five of them blocked."""

    def __init__(self, count: int, seed: int) -> None:
        rng = random.Random(seed)
        domains: set[str] = set()
        while len(domains) < count:
            domains.add(_domain(rng))
        ordered = sorted(domains)
        rng.shuffle(ordered)
        self.services: dict[str, list[str]] = {f"svc-{i}": [] for i in range(6)}
        for index, domain in enumerate(ordered):
            self.services[f"svc-{index % 6}"].append(domain)
        # A few CDN domains shared by two services, one of them the unblocked one.
        for domain in ordered[:10]:
            self.services["svc-5"].append(domain)
        self.blocked = [f"svc-{i}" for i in range(5)]
        self.unblocked_only = sorted(set(self.services["svc-5"]) - self._blocked_domains())
        blocked = sorted(self._blocked_domains())
        # Allowed: subdomains of guarded domains, a parent of a guarded domain (which
        # then removes that rule), and an unrelated domain.
        multi = [d for d in blocked if d.count(".") >= 2 and not d.endswith("co.uk")]
        self.allowed = [f"school.{blocked[0]}", f"edu.{blocked[1]}", multi[0].split(".", 1)[1], "wikipedia.org"]
        self.rng = rng

    def _blocked_domains(self) -> set[str]:
        return {d for name in self.blocked for d in self.services[name]}

    def yaml(self) -> str:
        custom = "\n".join(
            f"    {name}: {{domains: [{', '.join(domains)}]}}" for name, domains in self.services.items()
        )
        return (
            "version: 1\n"
            "school: Grote School\n"
            "timezone: Europe/Amsterdam\n"
            "services:\n"
            "  catalog: false\n"
            "  custom:\n"
            f"{custom}\n"
            f"block: [{', '.join(self.blocked)}]\n"
            f"allow_domains: [{', '.join(self.allowed)}]\n"
            "lessons:\n"
            "  groep-7:\n"
            "    weekdays: [08:30-12:00]\n"
        )

    def oracle(self, host: str) -> bool:
        """Guarded, from the raw sets: a blocked rule covers the host and no allowed rule does."""
        name = host.lower().rstrip(".")
        suffixes = [name.split(".", i)[-1] for i in range(name.count(".") + 1)]
        blocked = self._blocked_domains()
        return any(s in blocked for s in suffixes) and not any(s in self.allowed for s in suffixes)

    def hosts(self) -> list[str]:
        rng = self.rng
        blocked = sorted(self._blocked_domains())
        hosts: list[str] = []
        for domain in rng.sample(blocked, 500):
            hosts += [
                domain,
                f"{_label(rng)}.{domain}",
                f"{_label(rng)}.{_label(rng)}.{domain}",
                f"not{domain}",  # a look-alike: another name
                f"{domain.split('.')[0]}x.{domain.split('.', 1)[1]}",
                f"{domain}.evil.example",
                domain.split(".", 1)[1],  # the parent: guarded only if itself a rule
            ]
        for domain in rng.sample(blocked, 200):
            host = f"www.{domain}" if rng.random() < 0.5 else domain
            hosts += [host.upper(), host + ".", host.title() + ".", host + ".."]
        for domain in self.allowed:
            hosts += [domain, f"a.{domain}", f"x.y.{domain}", domain.upper() + "."]
        hosts += self.unblocked_only[:100] + [f"cdn.{d}" for d in self.unblocked_only[:100]]
        hosts += [_domain(rng) for _ in range(500)]
        hosts += ["localhost", "com", "co.uk", "127.0.0.1", "10.0.0.8", "intranet"]
        return hosts


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[BigPolicy, Policy, str]:
    spec = BigPolicy(3000, seed=20261201)
    path = tmp_path_factory.mktemp("big") / "big.yaml"
    path.write_text(spec.yaml(), encoding="utf-8")
    policy = load_policy(path)
    return spec, policy, generate_pac(policy, PROXY)


def test_the_pac_agrees_with_the_matcher_for_thousands_of_hosts(big: tuple[BigPolicy, Policy, str]) -> None:
    spec, policy, pac = big
    hosts = spec.hosts()
    assert len(hosts) > 4000
    mismatches = []
    counts = {"guarded": 0, "direct": 0}
    with pac_engine(pac) as find:
        for host in hosts:
            hit = policy.matcher.lookup(normalise_host(host))
            guarded = isinstance(hit, tuple)
            assert guarded == spec.oracle(host), host  # the matcher itself is right
            expected = GUARDED_ANSWER if guarded else "DIRECT"
            counts["guarded" if guarded else "direct"] += 1
            answer = find(host)
            if answer != expected:
                mismatches.append((host, hit, answer))
    assert mismatches == []
    # The sample is meaningful on both sides.
    assert counts["guarded"] > 1500
    assert counts["direct"] > 1500


def test_the_big_policy_exercises_every_kind_of_rule(big: tuple[BigPolicy, Policy, str]) -> None:
    spec, policy, _ = big
    # An allowed parent removed a guarded rule, allowed subdomains stay allowed.
    parent = spec.allowed[2]
    assert isinstance(policy.matcher.lookup(parent), Allowed)
    removed = [d for d in spec._blocked_domains() if d.endswith("." + parent)]
    assert removed
    assert not set(removed) & set(policy.matcher.guarded_domains())
    assert isinstance(policy.matcher.lookup(f"a.{spec.allowed[0]}"), Allowed)
    # Domains of the unblocked service are not guarded, shared ones are.
    assert spec.unblocked_only
    assert all(policy.matcher.lookup(d) is None for d in spec.unblocked_only)


def test_guarded_hosts_get_no_direct_fallback(big: tuple[BigPolicy, Policy, str]) -> None:
    _, policy, pac = big
    domain = next(iter(policy.matcher.guarded_domains()))
    with pac_engine(pac) as find:
        answer = find(f"www.{domain}")
        assert answer == GUARDED_ANSWER
        assert "DIRECT" not in answer
        assert ";" not in answer
        assert find("example.invalid") == "DIRECT"


def test_the_pac_table_is_exactly_the_guarded_and_allowed_domains(big: tuple[BigPolicy, Policy, str]) -> None:
    _, policy, pac = big
    guarded = re.search(r"^var GUARDED = (\{.*\});$", pac, re.MULTILINE)
    allowed = re.search(r"^var ALLOWED = (\{.*\});$", pac, re.MULTILINE)
    assert guarded is not None
    assert allowed is not None
    assert set(json.loads(guarded.group(1))) == set(policy.matcher.guarded_domains())
    assert set(json.loads(allowed.group(1))) == set(policy.matcher.allowed_domains())
    assert set(json.loads(guarded.group(1)).values()) == {1}


def test_the_pac_is_a_table_lookup_and_small_for_5000_domains(write_policy: Callable[..., Path]) -> None:
    spec = BigPolicy(5000, seed=7)
    policy = load_policy(write_policy(spec.yaml()))
    assert len(policy.matcher.guarded_domains()) > 4000
    pac = generate_pac(policy, PROXY)
    assert "dnsDomainIs" not in pac
    assert "shExpMatch" not in pac
    assert "isInNet" not in pac
    assert "dnsResolve" not in pac  # no DNS lookups per request either
    assert len(pac.encode("utf-8")) < 1_000_000
    assert pac.count("function ") == 1
    with pac_engine(pac) as find:
        assert find(spec.allowed[0]) == "DIRECT"
        assert find(next(iter(policy.matcher.guarded_domains()))) == GUARDED_ANSWER


def test_a_pac_over_the_browser_limit_is_refused() -> None:
    domains = tuple(f"{'a' * 50}{i}.example.com" for i in range(20_000))
    policy = Policy(
        source="huge.yaml",
        school="Huge",
        timezone=ZoneInfo("Europe/Amsterdam"),
        holidays=HolidaySettings(),
        services={"huge": Service("huge", "Huge", domains)},
        block=("huge",),
        allow_domains=(),
        lessons={},
    )
    with pytest.raises(ValueError, match="bytes"):
        generate_pac(policy, PROXY)
    assert PAC_SIZE_LIMIT <= 1_000_000


# -- small policy: exact answers -------------------------------------------------
def test_small_policy_answers(make_policy: Callable[..., Policy]) -> None:
    pac = generate_pac(make_policy(SMALL_POLICY), PROXY)
    expected = {
        "youtube.com": GUARDED_ANSWER,
        "www.youtube.com": GUARDED_ANSWER,
        "WWW.YouTube.COM.": GUARDED_ANSWER,
        "i.ytimg.com": GUARDED_ANSWER,
        "instagram.com": GUARDED_ANSWER,
        "scontent.cdninstagram.com": GUARDED_ANSWER,
        "school.youtube.com": "DIRECT",
        "a.school.youtube.com": "DIRECT",
        "notinstagram.com": "DIRECT",
        "instagram.com.evil.example": "DIRECT",
        "facebook.com": "DIRECT",  # known but not blocked
        "fbcdn.net": "DIRECT",
        "example.org": "DIRECT",
        "com": "DIRECT",
        "localhost": "DIRECT",
        "constructor": "DIRECT",  # JS object members are not table entries
        "__proto__": "DIRECT",
        "tostring.com": "DIRECT",
        "hasownproperty": "DIRECT",
    }
    with pac_engine(pac) as find:
        assert {host: find(host) for host in expected} == expected


@pytest.mark.parametrize("proxy", ["proxy.school.internal:8080", "[::1]:3128", "localhost:1"])
def test_other_valid_proxies_are_used_verbatim(make_policy: Callable[..., Policy], proxy: str) -> None:
    pac = generate_pac(make_policy(SMALL_POLICY), proxy)
    with pac_engine(pac) as find:
        assert find("instagram.com") == f"PROXY {proxy}"
        assert find("example.org") == "DIRECT"


# -- injection -----------------------------------------------------------------
@pytest.mark.parametrize(
    "proxy",
    [
        '127.0.0.1:3128"; alert(1); "',
        "127.0.0.1:3128; DIRECT",
        '127.0.0.1:3128"}; function FindProxyForURL(){return "DIRECT";} //',
        "nohost",
        ":80",
        "127.0.0.1:",
        "127.0.0.1",
        "127.0.0.1:3128\n",
        "127.0.0.1:3128 ",
        " 127.0.0.1:3128",
        "127.0.0.1:3128\\",
        "host name:80",
        "",
        "[::1:3128",
        "127.0.0.1:3128\u2028x",
    ],
)
def test_a_proxy_that_is_not_host_port_is_refused(make_policy: Callable[..., Policy], proxy: str) -> None:
    policy = make_policy(SMALL_POLICY)
    with pytest.raises(ValueError, match="HOST:PORT"):
        generate_pac(policy, proxy)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(proxy=st.text(alphabet=st.characters(codec="utf-8"), max_size=30) | st.from_regex(r"[a-z.\[\]:0-9\"';]+"))
def test_any_accepted_proxy_is_inert(make_policy: Callable[..., Policy], proxy: str) -> None:
    """Whatever string is offered, either it is refused or the PAC parses and answers
    with exactly that proxy: no string can change the script."""
    policy = make_policy(SMALL_POLICY)
    try:
        pac = generate_pac(policy, proxy)
    except ValueError:
        return
    assert re.fullmatch(r"[A-Za-z0-9.\[\]:-]+", proxy)
    with pac_engine(pac) as find:
        assert find("instagram.com") == f"PROXY {proxy}"
        assert find("example.org") == "DIRECT"


# Each case: the scalar as written in YAML, and the name it must load as.
SCHOOL_NAMES = [
    ("'De \"Regenboog\" ''school'''", "De \"Regenboog\" 'school'"),
    ('"Line one\\nLine two"', "Line one\nLine two"),
    ('"Back\\\\slash */ /* --> <!--"', "Back\\slash */ /* --> <!--"),
    ('"Para\\u2028graph\\u2029sep"', "Para\u2028graph\u2029sep"),
    ('"Carriage\\rreturn\\tand tab"', "Carriage\rreturn\tand tab"),
    ('"Ünïcødé 学校 \\x01 ctl"', "Ünïcødé 学校 \x01 ctl"),
]


@pytest.mark.parametrize(("yaml_school", "school"), SCHOOL_NAMES)
def test_a_school_name_cannot_break_the_pac(make_policy: Callable[..., Policy], yaml_school: str, school: str) -> None:
    policy = make_policy(SMALL_POLICY.replace("school: Testschool", f"school: {yaml_school}"))
    assert policy.school == school  # the YAML escapes were decoded into real characters
    pac = generate_pac(policy, PROXY)
    assert pac_parses(pac)
    with pac_engine(pac) as find:
        assert find("instagram.com") == GUARDED_ANSWER
        assert find("example.org") == "DIRECT"
    # The comment stays one line: the name cannot start a line of its own.
    lines = pac.splitlines()
    assert lines[0].startswith("// classguard PAC for ")
    assert lines[1].startswith("// ")
    assert "\u2028" not in pac
    assert "\u2029" not in pac


def test_a_school_name_with_real_line_breaks_stays_in_the_comment(make_policy: Callable[..., Policy]) -> None:
    policy = make_policy(SMALL_POLICY.replace("school: Testschool", 'school: "x\\nreturn \\"DIRECT\\";\\n//"'))
    assert policy.school == 'x\nreturn "DIRECT";\n//'
    pac = generate_pac(policy, PROXY)
    assert "\nreturn" not in pac
    with pac_engine(pac) as find:
        assert find("instagram.com") == GUARDED_ANSWER


def test_a_source_path_with_odd_characters_cannot_break_the_pac(tmp_path: Path) -> None:
    odd = tmp_path / 'we"ird\nname\u2028.yaml'
    odd.write_text(SMALL_POLICY, encoding="utf-8")
    pac = generate_pac(load_policy(odd), PROXY)
    assert pac_parses(pac)
    with pac_engine(pac) as find:
        assert find("instagram.com") == GUARDED_ANSWER
