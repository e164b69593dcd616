"""The tray's menu as plain data, built from the agent's state: the state at a glance
(colour and tooltip), what is blocked now and until when, ask for an exception, report
a problem, what this app keeps, the school's rules. Pure, so it is tested without a
display; app.py turns it into a pystray menu and an icon."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.tray import texts


@dataclass(frozen=True)
class Entry:
    label: str
    action: tuple[str, ...] | None = None  # ("ask", service, message) | ("report", message) | ("quit",)
    children: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Glance:
    colour: str  # green | red | amber | grey (app.py draws it)
    text: str  # the tooltip, exactly


def glance(state: dict[str, Any] | None) -> Glance:
    """The state at a glance. Grey when the agent cannot be reached or has no policy
    yet: then nothing is enforced and the child should tell someone."""
    if state is None or not state.get("ready", True):
        return Glance("grey", texts.GLANCE_BROKEN)
    exceptions = state.get("exceptions") or []
    if state.get("in_lesson") and exceptions:
        parts = ", ".join(f"{', '.join(e['services'])} tot {e['until']}" for e in exceptions)
        return Glance("amber", texts.GLANCE_EXCEPTION.format(exceptions=parts))
    blocked = state.get("blocked") or []
    if blocked:
        return Glance("red", texts.GLANCE_LESSON.format(until=blocked[0].get("until") or state.get("until") or "?"))
    return Glance("green", texts.GLANCE_FREE)


def status_lines(state: dict[str, Any] | None) -> list[str]:
    lines = [glance(state).text]
    if state is None:
        return [*lines, texts.NO_CONNECTION]
    if not state.get("ready", True):
        return [*lines, texts.NO_POLICY, texts.NO_CONNECTION]
    blocked = state.get("blocked") or []
    if blocked:
        lines.append(texts.BLOCKED_NOW.format(until=blocked[0].get("until") or "?"))
        lines.extend(f"  {item['title']}" for item in blocked)
    else:
        lines.append(texts.NOTHING_BLOCKED)
    for token in state.get("exceptions") or []:
        lines.append(texts.EXCEPTION_NOW.format(services=", ".join(token["services"]), until=token["until"]))
    lines.extend(state.get("notices") or [])
    return lines


def tooltip(state: dict[str, Any] | None) -> str:
    return glance(state).text


def build_menu(state: dict[str, Any] | None, message: str | None = None) -> tuple[Entry, ...]:
    entries = [Entry(line) for line in status_lines(state)]
    if message:
        entries.append(Entry(message))
    blocked = (state or {}).get("blocked") or []
    if blocked:
        ask = tuple(
            Entry(item["title"], children=tuple(Entry(m, ("ask", item["service"], m)) for m in texts.ASK_MESSAGES))
            for item in blocked
        )
        entries.append(Entry(texts.ASK_MENU, children=ask))
    else:
        entries.append(Entry(texts.ASK_MENU, children=(Entry(texts.ASK_NOTHING),)))
    entries.append(Entry(texts.REPORT_MENU, children=tuple(Entry(m, ("report", m)) for m in texts.REPORT_MESSAGES)))
    entries.append(Entry(texts.PRIVACY_MENU, children=tuple(Entry(line) for line in texts.PRIVACY_TEXT)))
    entries.append(Entry(texts.PROTOCOL_MENU, children=tuple(Entry(line) for line in texts.PROTOCOL_TEXT)))
    entries.append(Entry(texts.QUIT, ("quit",)))
    return tuple(entries)


def answer_text(action: str, answer: dict[str, Any] | None) -> str:
    if answer is None:
        return texts.SEND_FAILED
    if answer.get("ok") and answer.get("queued"):
        return texts.ASK_QUEUED if action == "ask" else texts.REPORT_QUEUED
    if answer.get("ok"):
        return texts.ASK_SENT if action == "ask" else texts.REPORT_SENT
    return texts.TOO_MANY if answer.get("error") == "too many" else texts.SEND_FAILED
