"""A tray backend that records what it is asked (a fake of the running agent)."""

from __future__ import annotations

from typing import Any


class RecordingBackend:
    def __init__(self, delivery: str = "sent") -> None:
        self.delivery = delivery  # what the agent's outbox says: sent | queued | failed
        self.asks: list[tuple[str, str]] = []
        self.reports: list[str] = []
        self.state: dict[str, Any] = {
            "ready": True,
            "in_lesson": True,
            "until": "10:15",
            "blocked": [{"service": "youtube", "title": "YouTube", "until": "10:15"}],
            "exceptions": [],
            "notices": [],
        }

    def tray_state(self) -> dict[str, Any]:
        return self.state

    def guarded_services(self) -> set[str]:
        return {"youtube", "instagram"}

    def ask_exception(self, service: str, message: str) -> str:
        self.asks.append((service, message))
        return self.delivery

    def report_incident(self, message: str) -> str:
        self.reports.append(message)
        return self.delivery
