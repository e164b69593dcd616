"""Benchmark of decide(): the cost of one decision, next to a bare set lookup.

Prints figures; it never passes or fails on time (the goal is printed beside them).

The policy is built in a temporary directory: 50 custom services of 100 domains each
(5,000 guarded domains, `svc17-domain42.example`), all blocked; eight groups with the
Meander timetable; 50 active override tokens signed with a fresh Ed25519 key and
verified as the laptop does. Time is injected: Tuesday 2026-12-01 09:00 in
Europe/Amsterdam, during groep-7's first lesson. The real clock is used only to time.

Each figure is the time of one call, from batches of BATCH calls timed with
perf_counter_ns and divided by BATCH; p50 and p99 are over the batches (so p99 is that
of a batch's mean, not of single calls). The kinds take turns in blocks of BLOCK
batches in the same run, with the garbage collector off, after a warm-up. Requests are
built beforehand: the figure is decide() alone, not Request(...). Host kinds: guarded
(`svcN-domainM.example`, blocked), unguarded, deep subdomains of guarded domains, and
override (services that groep-7 holds an exception token for); the baseline is a bare
`host in set_of_5000`, timed the same way.

    .venv/bin/python bench/decide.py            # table
    .venv/bin/python bench/decide.py --json     # one JSON object
    .venv/bin/python bench/decide.py --quick    # fewer rounds (smoke test)
    .venv/bin/python bench/decide.py --profile  # cProfile of the guarded path
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import math
import os
import platform
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from policies.decide import Decision, Request, decide
from policies.keys import key_id
from policies.loader import load_policy
from policies.model import Policy
from policies.overrides import Overrides
from policies.tokens import Token, issue_token, verify_token

GOAL_P50_NS = 2000
SERVICES = 50
DOMAINS_PER_SERVICE = 100
TOKENS = 50
GROUP = "groep-7"
LESSONS = "08:30-10:15, 10:30-12:00, 12:45-14:45"
GROUPS = tuple(f"groep-{n}" for n in range(1, 9))
TZ = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)  # a Tuesday, in a school week, in a lesson
# The same instant as the proxy passes it: trusted time is kept in UTC (policies.clock
# and the agent's clock both give UTC), and an aware UTC datetime converts to a Unix
# time ~4x faster than one in Europe/Amsterdam.
NOW_UTC = NOW.astimezone(dt.UTC)
# groep-7 has an exception for these services (so their hosts take the override path),
# and a device-scoped one for DEVICE_ONLY_SERVICE that a request without a device
# does not get (its hosts stay blocked).
EXCEPTED_SERVICES = ("svc3", "svc11", "svc29")
DEVICE_ONLY_SERVICE = "svc40"
HOSTS_PER_KIND = 1000
BATCH = 100
BLOCK = 20  # batches of one kind in a row
ROUNDS = 2000
WARMUP_ROUNDS = 200
QUICK_ROUNDS = 150
QUICK_WARMUP_ROUNDS = 20
SEED = 20261201

# The kinds measured, in table order; DECIDE_HOSTS is the one in decide_p50_ns.
SET_LOOKUP = "set-lookup"
DECIDE_HOSTS = "guarded"
KINDS = ("guarded", "unguarded", "deep", "override")
KIND_NOTES = {
    SET_LOOKUP: "`host in set_of_5000` (baseline)",
    "guarded": "svcN-domainM.example -> block/lesson",
    "unguarded": "www.siteN.example.org etc. -> allow/not-guarded",
    "deep": "a.b.c.d.svcN-domainM.example -> block/lesson",
    "override": "groep-7 exception -> allow/override",
}
EXPECTED = {
    "guarded": ("block", "lesson"),
    "unguarded": ("allow", "not-guarded"),
    "deep": ("block", "lesson"),
    "override": ("allow", "override"),
}


@dataclass(frozen=True)
class Setup:
    policy: Policy
    overrides: Overrides
    requests: dict[str, list[Request]]  # per kind
    domains: frozenset[str]  # the 5,000 guarded domains, for the baseline
    lookup_hosts: list[str]  # hosts looked up in `domains` (all present)
    load_seconds: float


# -- the policy and the tokens ---------------------------------------------------


def domain(service: int, index: int) -> str:
    return f"svc{service}-domain{index}.example"


def policy_yaml() -> str:
    lines = [
        "version: 1",
        "school: Benchmarkschool",
        "timezone: Europe/Amsterdam",
        "holidays:",
        "  region: midden",
        "services:",
        "  catalog: false",
        "  custom:",
    ]
    for s in range(SERVICES):
        domains = ", ".join(domain(s, d) for d in range(DOMAINS_PER_SERVICE))
        lines += [f"    svc{s}:", f"      title: Service {s}", f"      domains: [{domains}]"]
    lines.append("block: [" + ", ".join(f"svc{s}" for s in range(SERVICES)) + "]")
    lines += ["allow_domains: [school.example.org]", "lessons:"]
    for group in GROUPS:
        lines += [
            f"  {group}:",
            f"    weekdays: [{LESSONS}]",
            "    wednesday: [08:30-12:15]",
        ]
    lines += ["overrides:", "  max_minutes: 120", ""]
    return "\n".join(lines)


def make_tokens(rng: random.Random) -> list[Token]:
    """50 tokens active at NOW, issued between 08:05 and 09:00 for 60 minutes:
    30 exceptions for other groups, 4 for groep-7 (3 services, and one scoped to a
    device), 8 media permissions (2 for groep-7) and 8 ad-hoc lessons for other groups."""
    key = Ed25519PrivateKey.generate()
    trusted = {key_id(key.public_key()): key.public_key()}
    others = [g for g in GROUPS if g != GROUP]

    def services(count: int) -> list[str]:
        return [f"svc{s}" for s in rng.sample(range(SERVICES), count)]

    # (kind, groups, services, devices)
    specs: list[tuple[str, list[str], list[str], list[str]]] = []
    for _ in range(30):
        specs.append(("exception", [rng.choice(others)], services(rng.randint(1, 3)), []))
    specs.append(("exception", [GROUP], [EXCEPTED_SERVICES[0]], []))
    specs.append(("exception", [GROUP, "groep-8"], list(EXCEPTED_SERVICES[1:]), []))
    specs.append(("exception", [GROUP], [EXCEPTED_SERVICES[2]], []))
    specs.append(("exception", [GROUP], [DEVICE_ONLY_SERVICE], ["laptop-g7-12"]))
    for index in range(8):
        specs.append(("media", [GROUP if index < 2 else rng.choice(others)], services(1), []))
    for index in range(8):
        specs.append(("lesson", [rng.choice(others)], ["*"] if index % 2 else services(2), []))
    assert len(specs) == TOKENS

    base = int(NOW.timestamp())
    tokens = []
    for index, (kind, groups, names, devices) in enumerate(specs):
        raw = issue_token(
            key,
            sub=f"leerkracht-{index % 12}",
            kind=kind,
            groups=groups,
            services=names,
            devices=devices,
            now=base - 60 * rng.randint(0, 55),
            minutes=60,
            reason="benchmark",
            jti=f"bench-{index:02d}",
        )
        tokens.append(verify_token(raw, trusted))
    return tokens


def make_setup(seed: int = SEED) -> Setup:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="classguard-bench-") as tmp:
        path = Path(tmp) / "school.yaml"
        path.write_text(policy_yaml(), encoding="utf-8")
        start = time.perf_counter()
        policy = load_policy(path)
        load_seconds = time.perf_counter() - start
    overrides = Overrides(tuple(make_tokens(rng)), frozenset())
    guarded_domains = [domain(s, d) for s in range(SERVICES) for d in range(DOMAINS_PER_SERVICE)]
    blocked = [d for d in guarded_domains if d.split("-", 1)[0] not in EXCEPTED_SERVICES]
    excepted = [d for d in guarded_domains if d.split("-", 1)[0] in EXCEPTED_SERVICES]
    tlds = ("example.org", "example.net", "example.com", "nl", "org")
    unguarded = []
    for i in range(HOSTS_PER_KIND):
        shape = i % 4
        if shape == 0:
            unguarded.append(f"www.site{i}.example.org")
        elif shape == 1:
            unguarded.append(f"site{i}.{rng.choice(tlds)}")
        elif shape == 2:
            unguarded.append(f"cdn{i % 7}.static.news{i}.{rng.choice(tlds)}")
        else:
            unguarded.append(f"api.v2.app{i}.example.net")
    hosts = {
        "guarded": rng.sample(blocked, HOSTS_PER_KIND),
        "unguarded": unguarded,
        "deep": [f"a{i % 10}.b.c.d.{rng.choice(blocked)}" for i in range(HOSTS_PER_KIND)],
        "override": [rng.choice(excepted) for _ in range(HOSTS_PER_KIND)],
    }
    requests = {kind: [Request(host, GROUP) for host in names] for kind, names in hosts.items()}
    return Setup(
        policy=policy,
        overrides=overrides,
        requests=requests,
        domains=frozenset(guarded_domains),
        lookup_hosts=list(hosts["guarded"]),
        load_seconds=load_seconds,
    )


def check(setup: Setup) -> None:
    """Every request gives the verdict it should, once, before any timing: the
    benchmark must not measure a broken path (an exception, a wrong verdict)."""
    if len(setup.policy.matcher.guarded_domains()) != SERVICES * DOMAINS_PER_SERVICE:
        raise RuntimeError("the policy does not guard 5,000 domains")
    if len(setup.overrides.tokens) != TOKENS:
        raise RuntimeError("not every token verified")
    now_ts = NOW.timestamp()
    if not all(t.active_at(now_ts) for t in setup.overrides.tokens):
        raise RuntimeError("a token is not active at NOW")
    for kind, requests in setup.requests.items():
        for request in requests:
            got: Decision = decide(setup.policy, request, NOW, setup.overrides)
            if (got.verdict, got.reason) != EXPECTED[kind]:
                raise RuntimeError(f"{kind} host {request.host}: got {got}, expected {EXPECTED[kind]}")
            if kind in ("guarded", "deep") and got.until != NOW.replace(hour=10, minute=15):
                raise RuntimeError(f"{kind} host {request.host}: until {got.until}, expected 10:15")
    if not all(host in setup.domains for host in setup.lookup_hosts):
        raise RuntimeError("a baseline host is not in the set")


# -- timing ----------------------------------------------------------------------


def batches[T](items: Sequence[T]) -> list[tuple[T, ...]]:
    """`items` cut into batches of BATCH, in order (a multiple of BATCH is expected)."""
    return [tuple(items[i : i + BATCH]) for i in range(0, len(items) - BATCH + 1, BATCH)]


Runner = Callable[[int], int]  # batch number -> ns for the whole batch


def decide_runner(setup: Setup, kind: str) -> Runner:
    policy, overrides, now = setup.policy, setup.overrides, NOW_UTC
    work = batches(setup.requests[kind])

    def run(number: int) -> int:
        batch = work[number % len(work)]
        perf = time.perf_counter_ns
        start = perf()
        for request in batch:
            decide(policy, request, now, overrides)
        return perf() - start

    return run


def set_runner(setup: Setup) -> Runner:
    domains = setup.domains
    work = batches(setup.lookup_hosts)

    def run(number: int) -> int:
        batch = work[number % len(work)]
        perf = time.perf_counter_ns
        found = False
        start = perf()
        for host in batch:
            found = host in domains
        elapsed = perf() - start
        assert found
        return elapsed

    return run


def measure(setup: Setup, rounds: int, warmup: int) -> dict[str, list[float]]:
    """Per kind, the time of one call in each of `rounds` batches (ns).

    After a warm-up of every kind, the kinds take turns in blocks of BLOCK batches, so
    that drift in the machine's speed hits them alike. Each block starts with one
    untimed batch: batch-by-batch turns would time every set lookup with caches just
    emptied by decide() (5x slower on the reference machine), not the lookup itself.
    """
    plans: dict[str, Runner] = {SET_LOOKUP: set_runner(setup)}
    for kind in KINDS:
        plans[kind] = decide_runner(setup, kind)
    samples: dict[str, list[float]] = {kind: [] for kind in plans}
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for run in plans.values():
            for number in range(warmup):
                run(number)
        for first in range(0, rounds, BLOCK):
            numbers = range(warmup + first, warmup + min(first + BLOCK, rounds))
            for kind, run in plans.items():
                run(numbers[0] - 1)
                samples[kind].extend(run(number) / BATCH for number in numbers)
    finally:
        if was_enabled:
            gc.enable()
    return samples


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


# -- reporting -------------------------------------------------------------------


def machine() -> dict[str, object]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "cpu_count": os.cpu_count(),
    }


@dataclass(frozen=True)
class Row:
    kind: str
    p50_ns: float
    p99_ns: float
    ratio: float  # p50 / the set lookup's p50

    def as_json(self) -> dict[str, object]:
        return {
            "p50_ns": round(self.p50_ns, 1),
            "p99_ns": round(self.p99_ns, 1),
            "ratio_to_set_lookup_p50": round(self.ratio, 1),
            "what": KIND_NOTES[self.kind],
        }


def rows(samples: dict[str, list[float]]) -> dict[str, Row]:
    set_p50 = percentile(samples[SET_LOOKUP], 0.50)
    found = {}
    for kind, values in samples.items():
        p50 = percentile(values, 0.50)
        found[kind] = Row(kind, p50, percentile(values, 0.99), p50 / set_p50)
    return found


def report_json(setup: Setup, table_rows: dict[str, Row], rounds: int, warmup: int) -> dict[str, object]:
    head, base = table_rows[DECIDE_HOSTS], table_rows[SET_LOOKUP]
    return {
        "benchmark": "policies.decide.decide",
        "decide_hosts": DECIDE_HOSTS,
        "decide_p50_ns": round(head.p50_ns, 1),
        "decide_p99_ns": round(head.p99_ns, 1),
        "set_lookup_p50_ns": round(base.p50_ns, 1),
        "set_lookup_p99_ns": round(base.p99_ns, 1),
        "goal_p50_ns": GOAL_P50_NS,
        "goal_met": head.p50_ns <= GOAL_P50_NS,
        "kinds": {kind: row.as_json() for kind, row in table_rows.items()},
        "method": {
            "batch": BATCH,
            "rounds": rounds,
            "warmup_rounds": warmup,
            "figure": "ns per call = perf_counter_ns around a batch of calls / batch; p50, p99 over batches; gc off",
        },
        "workload": {
            "guarded_domains": len(setup.policy.matcher.guarded_domains()),
            "services": SERVICES,
            "active_tokens": len(setup.overrides.tokens),
            "group": GROUP,
            "now": NOW.isoformat(),
            "policy_load_seconds": round(setup.load_seconds, 3),
        },
        "machine": machine(),
    }


def report_table(setup: Setup, table_rows: dict[str, Row], rounds: int, warmup: int) -> str:
    info = machine()
    guarded = len(setup.policy.matcher.guarded_domains())
    out = [
        "classguard decide() benchmark",
        f"  policy : {guarded} guarded domains ({SERVICES} services x {DOMAINS_PER_SERVICE}),"
        f" {len(setup.overrides.tokens)} active tokens; loaded in {setup.load_seconds:.2f} s",
        f"  request: Request(host, {GROUP!r}) at {NOW:%Y-%m-%d %H:%M} {TZ.key} ({NOW:%A})",
        f"  method : {rounds} batches of {BATCH} calls per kind, after {warmup} warm-up batches;"
        " gc off; ns per call, p50/p99 over batches",
        f"  machine: {info['platform']}; CPU {info['cpu']}; {info['implementation']} {info['python']};"
        f" os.cpu_count() = {info['cpu_count']}",
        "",
        f"  {'kind':<11} {'p50 ns':>9} {'p99 ns':>9} {'x set p50':>10}  {'goal p50 <= 2000 ns':<20} what",
    ]
    for kind, row in table_rows.items():
        goal = "(baseline)" if kind == SET_LOOKUP else "met" if row.p50_ns <= GOAL_P50_NS else "NOT met"
        out.append(
            f"  {kind:<11} {row.p50_ns:>9.1f} {row.p99_ns:>9.1f} {row.ratio:>10.1f}  {goal:<20} {KIND_NOTES[kind]}"
        )
    head = table_rows[DECIDE_HOSTS]
    verdict = "met" if head.p50_ns <= GOAL_P50_NS else "NOT met"
    out += [
        "",
        f"  goal: p50 <= 2 us ({GOAL_P50_NS} ns) per decision -- {DECIDE_HOSTS} hosts: p50 = {head.p50_ns:.0f} ns,"
        f" {verdict}",
    ]
    return "\n".join(out)


def profile(setup: Setup, calls: int) -> str:
    """cProfile of `calls` decisions for guarded hosts (profiling inflates the times;
    read it for the shares, not the figures)."""
    requests = setup.requests[DECIDE_HOSTS]
    policy, overrides = setup.policy, setup.overrides
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(calls):
        decide(policy, requests[i % len(requests)], NOW_UTC, overrides)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(20)
    return stream.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROUNDS} rounds instead of {ROUNDS}")
    parser.add_argument("--rounds", type=int, default=None, help="batches per kind (overrides --quick)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the guarded path")
    args = parser.parse_args(argv)
    rounds = args.rounds or (QUICK_ROUNDS if args.quick else ROUNDS)
    warmup = QUICK_WARMUP_ROUNDS if args.quick else WARMUP_ROUNDS
    if rounds < 1:
        parser.error("--rounds must be positive")

    setup = make_setup()
    check(setup)
    samples = measure(setup, rounds, warmup)
    table_rows = rows(samples)
    if args.json:
        print(json.dumps(report_json(setup, table_rows, rounds, warmup), indent=2))
    else:
        print(report_table(setup, table_rows, rounds, warmup))
    if args.profile:
        print(profile(setup, 20_000), file=sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
