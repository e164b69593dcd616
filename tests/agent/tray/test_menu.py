from __future__ import annotations

from typing import Any

import pytest

from agent.tray import texts
from agent.tray.menu import Glance, answer_text, build_menu, glance, status_lines, tooltip
from tests.agent.tray.fakes import RecordingBackend

FREE: dict[str, Any] = {"ready": True, "in_lesson": False, "blocked": [], "exceptions": [], "notices": []}
EXCEPTION: dict[str, Any] = {
    "ready": True,
    "in_lesson": True,
    "until": "10:15",
    "blocked": [{"service": "instagram", "title": "Instagram", "until": "10:15"}],
    "exceptions": [{"services": ["YouTube"], "until": "10:45"}],
    "notices": [],
}


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (FREE, Glance("green", "Geen les")),
        (RecordingBackend().state, Glance("red", "Les tot 10:15 — sociale media dicht")),
        (EXCEPTION, Glance("amber", "Uitzondering: YouTube tot 10:45")),
        (None, Glance("grey", "classguard werkt niet — meld het")),
        ({**FREE, "ready": False}, Glance("grey", "classguard werkt niet — meld het")),
    ],
    ids=["free", "lesson", "exception", "no-agent", "no-policy"],
)
def test_the_state_at_a_glance(state: dict[str, Any] | None, expected: Glance) -> None:
    assert glance(state) == expected
    assert tooltip(state) == expected.text
    assert build_menu(state)[0].label == expected.text  # the menu opens with the same words


def test_two_exceptions_are_both_named() -> None:
    state = {**EXCEPTION, "exceptions": [{"services": ["YouTube"], "until": "10:45"},
                                         {"services": ["Instagram", "TikTok"], "until": "11:00"}]}  # fmt: skip
    assert tooltip(state) == "Uitzondering: YouTube tot 10:45, Instagram, TikTok tot 11:00"


def test_an_exception_outside_a_lesson_is_just_no_lesson() -> None:
    assert glance({**FREE, "exceptions": [{"services": ["YouTube"], "until": "10:45"}]}).colour == "green"


def test_in_a_lesson_the_menu_says_what_is_blocked_until_when() -> None:
    state = RecordingBackend().state
    assert status_lines(state) == ["Les tot 10:15 — sociale media dicht", "Dicht tot 10:15:", "  YouTube"]
    menu = build_menu(state)
    labels = [e.label for e in menu]
    assert labels == [
        "Les tot 10:15 — sociale media dicht",
        "Dicht tot 10:15:",
        "  YouTube",
        texts.ASK_MENU,
        texts.REPORT_MENU,
        texts.PRIVACY_MENU,
        texts.PROTOCOL_MENU,
        texts.QUIT,
    ]
    ask = menu[3].children[0]
    assert ask.label == "YouTube"
    assert [c.action for c in ask.children] == [("ask", "youtube", m) for m in texts.ASK_MESSAGES]
    assert all(e.action is None for e in menu[5].children)  # privacy text is read-only
    assert [e.label for e in menu[6].children] == list(texts.PROTOCOL_TEXT)
    assert all(e.action is None for e in menu[6].children)


def test_outside_lessons_there_is_nothing_to_ask() -> None:
    state = {**FREE, "exceptions": [{"services": ["YouTube"], "until": "11:00"}]}
    menu = build_menu(state)
    assert [m.label for m in menu[:3]] == [
        "Geen les",
        texts.NOTHING_BLOCKED,
        "Je juf of meester heeft YouTube opengezet tot 11:00.",
    ]
    assert [c.label for c in menu[3].children] == [texts.ASK_NOTHING]


def test_without_the_agent_the_child_is_told_to_say_so() -> None:
    assert [e.label for e in build_menu(None)][:2] == [texts.GLANCE_BROKEN, texts.NO_CONNECTION]


def test_answers_in_plain_dutch() -> None:
    assert answer_text("ask", {"ok": True}) == texts.ASK_SENT
    assert answer_text("report", {"ok": True}) == texts.REPORT_SENT
    assert answer_text("ask", {"ok": True, "queued": True}) == texts.ASK_QUEUED
    assert answer_text("report", {"ok": True, "queued": True}) == texts.REPORT_QUEUED
    assert answer_text("ask", {"ok": False, "error": "too many"}) == texts.TOO_MANY
    assert answer_text("ask", None) == texts.SEND_FAILED


def test_texts_are_short_enough_for_a_menu() -> None:
    every = [texts.ASK_MENU, texts.REPORT_MENU, texts.PRIVACY_MENU, texts.PROTOCOL_MENU,
             *texts.ASK_MESSAGES, *texts.REPORT_MESSAGES]  # fmt: skip
    assert max(len(t) for t in every) <= 60
    assert "uitzondering" in texts.ASK_MENU and "probleem" in texts.REPORT_MENU
