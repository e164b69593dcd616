"""The benchmark runs and reports what it promises (its figures are never judged here)."""

from __future__ import annotations

import json

import pytest

from bench.decide import main


def test_quick_json_run_reports_the_promised_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quick", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    for key in ("decide_p50_ns", "decide_p99_ns", "set_lookup_p50_ns", "goal_p50_ns"):
        assert report[key] > 0, key
    assert report["decide_p99_ns"] >= report["decide_p50_ns"]
