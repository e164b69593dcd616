from __future__ import annotations

import json
from pathlib import Path

from agent.proxy_files import blocked_counters, media_enforceable, read_proxy_status


def test_media_rule_follows_the_proxys_word_then_the_ca(tmp_path: Path) -> None:
    assert not media_enforceable(tmp_path, intercept=True)  # no CA yet
    (tmp_path / "ca.pem").write_text("cert")
    assert media_enforceable(tmp_path, intercept=True)
    assert not media_enforceable(tmp_path, intercept=False)
    (tmp_path / "status.json").write_text(json.dumps({"media_enforceable": False}))
    assert not media_enforceable(tmp_path, intercept=True)


def test_odd_files_are_unknown_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "status.json").write_text("[1, 2")
    (tmp_path / "counters.json").write_text(json.dumps({"version": 2, "hours": {}}))
    assert read_proxy_status(tmp_path) == {}
    assert blocked_counters(tmp_path) == {}


def test_only_aggregate_well_formed_counters_leave(tmp_path: Path) -> None:
    hours = {
        "2026-11-30T09": {"youtube": {"blocked": 2}, "tiktok": {"blocked": 0, "allowed_by_token": 4}},
        "2026-11-30T10": {"youtube": {"blocked": True}, "www.youtube.com/watch?v=x": {"blocked": 1}},
    }
    (tmp_path / "counters.json").write_text(json.dumps({"version": 1, "hours": hours}))
    assert blocked_counters(tmp_path) == {"youtube": {"2026-11-30T09": 2}}
