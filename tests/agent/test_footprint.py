"""The agent runs all day on every laptop (goal: 40 MB resident). The packages that cost
the most stay out of its process: checking signatures needs neither PyJWT nor
cryptography (policies/jws.py, policies/ed25519.py), timetables need no icalendar, and
holidays come from the shipped table. bench/agent.py measures the memory itself."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

HEAVY = ("jwt", "cryptography", "icalendar", "holidays", "bcrypt")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="elsewhere cryptography checks signatures")
def test_the_service_and_the_policy_path_load_none_of_the_heavy_packages() -> None:
    script = (
        "import sys, datetime as dt\n"
        "from zoneinfo import ZoneInfo\n"
        "import agent.cli, agent.tasks, agent.service\n"
        "from policies.loader import load_policy\n"
        "from policies.ed25519 import VerifyKey\n"
        "from policies.decide import Request, decide\n"
        "from policies.overrides import NO_OVERRIDES\n"
        "policy = load_policy('examples/meander.yaml')\n"
        "tuesday = dt.datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo('Europe/Amsterdam'))\n"
        "assert decide(policy, Request('www.instagram.com', 'groep-8'), tuesday, NO_OVERRIDES).verdict == 'block'\n"
        "VerifyKey(bytes(32)).verify(bytes(64), b'x')\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
