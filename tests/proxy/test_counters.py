"""Counters are per service and hour, nothing more; the running proxy writes them."""

from __future__ import annotations

import json

import pytest

from proxy.counters import Counters
from tests.conftest import local
from tests.proxy.conftest import IN_LESSON, curl


def test_counts_are_per_service_and_utc_hour(tmp_path):
    counters = Counters()
    counters.count("youtube", "blocked", local("2026-12-01 10:05"))
    counters.count("youtube", "blocked", local("2026-12-01 10:55"))
    counters.count("youtube", "allowed_by_token", local("2026-12-01 11:00"))
    counters.write(tmp_path / "c.json", local("2026-12-01 11:00"))
    hours = json.loads((tmp_path / "c.json").read_text())["hours"]
    assert hours == {
        "2026-12-01T09": {"youtube": {"blocked": 2, "allowed_by_token": 0, "media_refused": 0}},
        "2026-12-01T10": {"youtube": {"blocked": 0, "allowed_by_token": 1, "media_refused": 0}},
    }


def test_old_hours_are_dropped_and_a_broken_file_starts_afresh(tmp_path):
    counters = Counters()
    counters.count("x", "blocked", local("2026-11-01 10:00"))
    assert counters.snapshot(local("2026-12-01 10:00"))["hours"] == {}
    (tmp_path / "c.json").write_text("{broken")
    fresh = Counters()
    fresh.load(tmp_path / "c.json")
    assert fresh.snapshot(local("2026-12-01 10:00"))["hours"] == {}


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown counter"):
        Counters().count("x", "visited", local("2026-12-01 10:00"))


def test_the_running_proxy_counts_blocks_without_names(run_proxy, sites):
    proxy = run_proxy(IN_LESSON)
    for _ in range(3):
        curl(proxy, f"https://www.instagram.com:{sites.https.port}/", cacert=sites.ca.cert_path)
    curl(proxy, f"https://example.org:{sites.https.port}/", cacert=sites.ca.cert_path)
    assert proxy.stop() == 0
    text = (proxy.data_dir / "counters.json").read_text()
    hours = json.loads(text)["hours"]
    assert [services["instagram"]["blocked"] for services in hours.values()] == [3]
    assert "example" not in text and "www." not in text
