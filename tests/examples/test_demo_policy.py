"""`make demo` (for now: the policy core on the reference school) runs and says sensible things."""

from __future__ import annotations

import pytest

from examples.demo_policy import main
from tests.conftest import EXAMPLES


def test_the_demo_checks_the_school_and_walks_through_a_week(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", str(EXAMPLES / "meander.yaml")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{EXAMPLES / 'meander.yaml'}: ok (9 groups, 21 services,")
    assert (
        "maandag 09:00, rekenles (ma 07-12-2026 09:00)\n  www.youtube.com      geblokkeerd les volgens het rooster tot ma 07-12-2026 10:15"
        in out
    )
    assert "  nl.wikipedia.org     toegestaan  geen sociale media" in out
    assert "vakantie of studiedag tot ma 04-01-2027 08:30" in out


def test_a_broken_policy_is_reported_not_a_traceback(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "kapot.yaml"
    broken.write_text("version: 1\n")
    assert main(["demo", str(broken)]) == 1
    assert "timezone: missing required key" in capsys.readouterr().err
