from __future__ import annotations

from agent.tray import texts
from agent.tray.menu import answer_text, build_menu, status_lines, tooltip
from tests.agent.tray.fakes import RecordingBackend


def test_in_a_lesson_the_menu_says_what_is_blocked_until_when() -> None:
    state = RecordingBackend().state
    assert status_lines(state) == ["Nu is het les. Geblokkeerd tot 10:15:", "  YouTube"]
    menu = build_menu(state)
    labels = [e.label for e in menu]
    assert labels == [
        "Nu is het les. Geblokkeerd tot 10:15:",
        "  YouTube",
        texts.ASK_MENU,
        texts.REPORT_MENU,
        texts.PRIVACY_MENU,
        texts.QUIT,
    ]
    ask = menu[2].children[0]
    assert ask.label == "YouTube"
    assert [c.action for c in ask.children] == [("ask", "youtube", m) for m in texts.ASK_MESSAGES]
    assert all(e.action is None for e in menu[4].children)  # privacy text is read-only


def test_outside_lessons_there_is_nothing_to_ask() -> None:
    state = {"blocked": [], "exceptions": [{"services": ["YouTube"], "until": "11:00"}], "notices": []}
    menu = build_menu(state)
    assert menu[0].label == texts.NOTHING_BLOCKED
    assert menu[1].label == "Je juf of meester heeft YouTube opengezet tot 11:00."
    assert [c.label for c in menu[2].children] == [texts.ASK_NOTHING]


def test_without_the_agent_the_child_is_told_it_is_closed() -> None:
    assert tooltip(None) == texts.NO_CONNECTION
    assert build_menu(None)[0].label == texts.NO_CONNECTION


def test_answers_in_plain_dutch() -> None:
    assert answer_text("ask", {"ok": True}) == texts.ASK_SENT
    assert answer_text("report", {"ok": True}) == texts.REPORT_SENT
    assert answer_text("ask", {"ok": False, "error": "too many"}) == texts.TOO_MANY
    assert answer_text("ask", None) == texts.SEND_FAILED


def test_texts_are_short_enough_for_a_menu() -> None:
    every = [texts.ASK_MENU, texts.REPORT_MENU, texts.PRIVACY_MENU, *texts.ASK_MESSAGES, *texts.REPORT_MESSAGES]
    assert max(len(t) for t in every) <= 60
    assert "uitzondering" in texts.ASK_MENU and "probleem" in texts.REPORT_MENU
