"""Time is a parameter: only policies/clock.py may read the system clock."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from policies.clock import system_now
from tests.conftest import REPO

CLOCK_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
               ("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime")}  # fmt: skip


def clock_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if (name, node.func.attr) in CLOCK_CALLS:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def test_only_the_clock_module_reads_the_clock() -> None:
    readers = [hit for path in sorted((REPO / "policies").rglob("*.py")) for hit in clock_reads(path)]
    assert readers == [hit for hit in readers if hit.startswith("policies/clock.py")]
    assert any(hit.startswith("policies/clock.py") for hit in readers)  # the check itself can see a read


def test_the_clock_is_timezone_aware() -> None:
    assert system_now().tzinfo is dt.UTC
