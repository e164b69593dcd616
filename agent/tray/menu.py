"""The tray's menu as plain data, built from the agent's state: what is blocked now and
until when, ask for an exception, report a problem, what this app keeps. Pure, so it
is tested without a display; app.py turns it into a pystray menu."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.tray import texts


@dataclass(frozen=True)
class Entry:
    label: str
    action: tuple[str, ...] | None = None  # ("ask", service, message) | ("report", message) | ("quit",)
    children: tuple[Entry, ...] = ()


def status_lines(state: dict[str, Any] | None) -> list[str]:
    if state is None:
        return [texts.NO_CONNECTION]
    lines = []
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
    return " ".join(status_lines(state)[:2]).strip()


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
    entries.append(Entry(texts.QUIT, ("quit",)))
    return tuple(entries)


def answer_text(action: str, answer: dict[str, Any] | None) -> str:
    if answer is None:
        return texts.SEND_FAILED
    if answer.get("ok"):
        return texts.ASK_SENT if action == "ask" else texts.REPORT_SENT
    return texts.TOO_MANY if answer.get("error") == "too many" else texts.SEND_FAILED
