"""What the tray may see and ask of the running agent (the TrayBackend of local_api):
a read-only view and two messages for the console, which go through the outbox so that
an ask or a report made offline is delivered later. No method here changes the agent."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from agent.outbox import OutboxFull
from agent.outbox_sender import OutboxSender
from agent.tray import texts

log = logging.getLogger(__name__)
NOTICE_SECONDS = 300
SEND_WAIT_S = 2.0  # the tray waits 5 s for an answer: say "sent" or "queued" well before


class AgentTrayBackend:
    def __init__(self, agent: Any, sender: OutboxSender) -> None:
        self.agent = agent
        self.sender = sender

    def _hhmm(self, moment: dt.datetime | float | None) -> str | None:
        policy = self.agent.policy
        if moment is None or policy is None:
            return None
        if isinstance(moment, int | float):
            moment = dt.datetime.fromtimestamp(moment, dt.UTC)
        return moment.astimezone(policy.timezone).strftime("%H:%M")

    def tray_state(self) -> dict[str, Any]:
        """Times as HH:MM in the school's timezone (the policy's), never UTC: a child
        reads them. `ready` is false until a policy is in force (nothing is enforced)."""
        view = self.agent.view()
        policy = self.agent.policy
        now = self.agent.time.seconds()
        notices = [text for when, text in self.agent.notices if now - when < NOTICE_SECONDS]
        if view is None or policy is None:
            return {"ready": False, "in_lesson": False, "blocked": [], "exceptions": [], "notices": notices}
        title = {name: service.title for name, service in policy.services.items()}
        return {
            "ready": True,
            "in_lesson": view.in_lesson,
            "until": self._hhmm(view.until),
            "blocked": [{"service": b.name, "title": b.title, "until": self._hhmm(b.until)} for b in view.blocked],
            "exceptions": [  # a teacher's exception; media and lesson tokens are not the child's business
                {"services": _titles(t.services, title), "until": self._hhmm(float(t.exp))}
                for t in view.exceptions
                if t.kind == "exception"
            ],
            "notices": notices,
        }

    def guarded_services(self) -> set[str]:
        policy = self.agent.policy
        return set(policy.block) if policy is not None else set()

    def ask_exception(self, service: str, message: str) -> str:
        return self._submit("request", {"service": service, "message": message})

    def report_incident(self, message: str) -> str:
        return self._submit("incident", {"message": message})

    def _submit(self, kind: str, body: dict[str, str]) -> str:
        """ "sent", "queued" (on disk, delivered later) or "failed" (not even queued)."""
        try:
            return self.sender.submit(kind, body, SEND_WAIT_S)
        except (OutboxFull, OSError) as exc:
            log.warning("a %s could not be queued: %s", kind, exc)
            return "failed"


def _titles(services: frozenset[str] | tuple[str, ...], title: dict[str, str]) -> list[str]:
    if "*" in services:
        return [texts.ALL_SERVICES]
    return sorted(title.get(s, s) for s in services)
