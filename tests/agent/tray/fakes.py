"""A tray backend that records what it is asked (a fake of the running agent)."""

from __future__ import annotations

from typing import Any


class RecordingBackend:
    def __init__(self, online: bool = True) -> None:
        self.online = online
        self.asks: list[tuple[str, str]] = []
        self.reports: list[str] = []
        self.state: dict[str, Any] = {
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

    def ask_exception(self, service: str, message: str) -> bool:
        self.asks.append((service, message))
        return self.online

    def report_incident(self, message: str) -> bool:
        self.reports.append(message)
        return self.online
