"""What the tray may see and ask of the running agent (the TrayBackend of local_api):
a read-only view and two requests to the console. No method here changes the agent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from agent.console_client import ConsoleOffline, ConsoleRejected

NOTICE_SECONDS = 300


class AgentTrayBackend:
    def __init__(self, agent: Any) -> None:
        self.agent = agent

    def _hhmm(self, moment: dt.datetime | float | None) -> str | None:
        policy = self.agent.policy
        if moment is None or policy is None:
            return None
        if isinstance(moment, int | float):
            moment = dt.datetime.fromtimestamp(moment, dt.UTC)
        return moment.astimezone(policy.timezone).strftime("%H:%M")

    def tray_state(self) -> dict[str, Any]:
        view = self.agent.view()
        policy = self.agent.policy
        now = self.agent.time.seconds()
        notices = [text for when, text in self.agent.notices if now - when < NOTICE_SECONDS]
        if view is None or policy is None:
            return {"in_lesson": False, "blocked": [], "exceptions": [], "notices": notices}
        title = {name: service.title for name, service in policy.services.items()}
        return {
            "in_lesson": view.in_lesson,
            "until": self._hhmm(view.until),
            "blocked": [{"service": b.name, "title": b.title, "until": self._hhmm(b.until)} for b in view.blocked],
            "exceptions": [
                {"services": sorted(title.get(s, s) for s in t.services), "until": self._hhmm(float(t.exp))}
                for t in view.exceptions
                if t.kind != "lesson"
            ],
            "notices": notices,
        }

    def guarded_services(self) -> set[str]:
        policy = self.agent.policy
        return set(policy.block) if policy is not None else set()

    def ask_exception(self, service: str, message: str) -> bool:
        try:
            self.agent.client.ask_exception(service, message)
        except (ConsoleOffline, ConsoleRejected, AttributeError):
            return False
        return True

    def report_incident(self, message: str) -> bool:
        try:
            self.agent.client.report_incident(message)
        except (ConsoleOffline, ConsoleRejected, AttributeError):
            return False
        return True
