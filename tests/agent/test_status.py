from __future__ import annotations

import time

import pytest

from agent.status import STATUS_KEYS, not_enrolled_status, render_dutch


def sample() -> dict[str, object]:
    return {
        "enrolled": True,
        "agent_running": True,
        "device_id": "dev-42",
        "group": "groep-7",
        "policy_version": 3,
        "lesson": {
            "in_lesson": True,
            "day_off": False,
            "until": "2026-12-01T10:15:00+01:00",
            "blocked": [
                {"service": "youtube", "title": "YouTube", "reason": "lesson", "until": "2026-12-01T10:15:00+01:00"}
            ],
        },
        "exceptions": [{"kind": "exception", "services": ["tiktok"], "until": "2026-12-01T09:30:00+00:00", "id": "j"}],
        "proxy": "running",
        "console": "offline",
        "last_sync": "2026-12-01T08:00:00+00:00",
        "clock_offset_s": -3600.0,
        "clock_skewed": True,
        "not_enforceable": ["regel 7 (foto/film uploaden): geen classguard-CA"],
        "problems": ["cache.json: edited"],
    }


def test_the_dutch_rendering_names_every_fact() -> None:
    text = render_dutch(sample())
    assert "Agent:            draait\n" in text
    assert "Apparaat:         dev-42 (groep groep-7)" in text
    assert "Beleid:           versie 3" in text
    assert "Les:              ja, tot 01-12 " in text
    assert "  geblokkeerd:    YouTube tot 01-12 " in text and "(les)" in text
    assert "Uitzondering:     exception voor tiktok tot" in text
    assert "Proxy:            draait" in text
    assert "Console:          offline, laatste sync" in text
    assert "Klokverschil:     -3600.0 s (klok van de laptop wordt genegeerd)" in text
    assert "Niet af te dwingen: regel 7" in text and "Probleem:         cache.json: edited" in text


def test_a_proxy_that_is_down_and_no_policy() -> None:
    status = {**sample(), "proxy": "down", "lesson": None, "policy_version": None}
    text = render_dutch(status)
    assert "UIT (sociale media geblokkeerd)" in text and "Beleid:           versie geen" in text
    assert "onbekend (nog geen beleid)" in text


def test_not_enrolled() -> None:
    status = not_enrolled_status()
    assert set(STATUS_KEYS) <= set(status) and status["proxy"] == "down"
    assert render_dutch(status).startswith("Niet aangemeld.")


def test_times_are_read_in_the_school_timezone_whatever_the_laptop_says(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lesson that ends at midnight in Amsterdam, on a laptop whose zone is UTC."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        midnight = "2026-12-18T23:00:00+00:00"
        lesson = {"in_lesson": True, "day_off": False, "until": midnight, "blocked": []}
        status = {**sample(), "timezone": "Europe/Amsterdam", "lesson": lesson, "last_sync": midnight}
        status["exceptions"] = [{"kind": "exception", "services": ["tiktok"], "until": midnight, "id": "j"}]
        text = render_dutch(status)
        assert "Les:              ja, tot 19-12 00:00\n" in text
        assert "Uitzondering:     exception voor tiktok tot 19-12 00:00\n" in text
        assert "laatste sync 19-12 00:00\n" in text
        assert "23:00" not in text
    finally:
        monkeypatch.undo()
        time.tzset()


def test_without_a_policy_times_keep_the_offset_they_were_written_with(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        text = render_dutch({**sample(), "lesson": None, "last_sync": "2026-12-01T08:00:00+00:00"})
        assert "laatste sync 01-12 08:00\n" in text
    finally:
        monkeypatch.undo()
        time.tzset()
