"""The policy core on the reference school: what groep 7 may reach, now and during a week.

Run by `make demo` until the whole system has a demo of its own. It checks the policy
file, then asks decide() about a few hosts at chosen moments of a school week.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from policies.clock import system_now
from policies.decide import Decision, Request, decide
from policies.errors import PolicyError
from policies.loader import load_policy
from policies.model import Policy
from policies.overrides import NO_OVERRIDES

GROUP = "groep-7"
HOSTS = ("www.youtube.com", "www.instagram.com", "nl.wikipedia.org")
REASONS = {
    "lesson": "les volgens het rooster",
    "ad-hoc-lesson": "les gestart door de leerkracht",
    "outside-lessons": "geen les",
    "holiday": "vakantie of studiedag",
    "override": "uitzondering van de leerkracht",
    "allow-listed": "altijd toegestaan",
    "not-guarded": "geen sociale media",
    "media-upload": "foto/film/geluid uploaden (regel 7)",
}


DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")


def when(moment: dt.datetime) -> str:
    return f"{DAYS[moment.weekday()]} {moment:%d-%m-%Y %H:%M}"


def describe(decision: Decision) -> str:
    verdict = "geblokkeerd" if decision.verdict == "block" else "toegestaan"
    until = f" tot {when(decision.until)}" if decision.until else ""
    return f"{verdict:<11} {REASONS[decision.reason]}{until}"


def moments(policy: Policy, now: dt.datetime) -> list[tuple[str, dt.datetime]]:
    tz = policy.timezone
    monday = dt.date(2026, 12, 7)  # a school week in December

    def at(day: int, hour: int, minute: int) -> dt.datetime:
        return dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hour, minute), tz)

    return [
        ("nu", now.astimezone(tz)),
        ("maandag 09:00, rekenles", at(0, 9, 0)),
        ("maandag 10:20, kleine pauze", at(0, 10, 20)),
        ("woensdag 13:00, middag vrij", at(2, 13, 0)),
        ("vrijdag 14:44, laatste minuut", at(4, 14, 44)),
        ("zaterdag 11:00, weekend", at(5, 11, 0)),
        ("woensdag 23 dec, kerstvakantie", dt.datetime.combine(dt.date(2026, 12, 23), dt.time(10), tz)),
    ]


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "examples/meander.yaml")
    try:
        policy = load_policy(path)
    except PolicyError as exc:
        print(exc, file=sys.stderr)
        return 1
    guarded = len(policy.matcher.guarded_domains())
    print(f"{path}: ok ({len(policy.lessons)} groups, {len(policy.block)} services, {guarded} domains)")
    print(f"{policy.school}, {GROUP}: wat mag er, en tot wanneer?\n")
    for label, moment in moments(policy, system_now()):
        print(f"{label} ({when(moment)})")
        for host in HOSTS:
            decision = decide(policy, Request(host, GROUP), moment, NO_OVERRIDES)
            print(f"  {host:<20} {describe(decision)}")
        print()
    print("Meer: classguard-policy decide examples/meander.yaml --group groep-7 --host www.tiktok.com")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
