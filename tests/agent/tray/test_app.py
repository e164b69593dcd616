"""The tray with pystray's dummy backend: the menu model, not the loop (FIELD-NOTES)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from agent.tray import texts
from agent.tray.app import TrayApp, icon_image
from agent.tray.client import TrayClient
from agent.tray.local_api import LocalApi
from tests.agent.tray.fakes import RecordingBackend


@pytest.fixture
def app(api: LocalApi) -> Iterator[TrayApp]:
    yield TrayApp(TrayClient(api.path))


def labels(menu: Any) -> list[str]:
    return [item.text for item in menu.items]


def find(menu: Any, text: str) -> Any:
    return next(item for item in menu.items if item.text == text)


def test_the_menu_follows_the_agent(app: TrayApp, backend: RecordingBackend) -> None:
    app.refresh()
    assert labels(app.icon.menu)[:2] == ["Nu is het les. Geblokkeerd tot 10:15:", "  YouTube"]
    assert app.icon.title.startswith("Nu is het les.")
    assert not find(app.icon.menu, "  YouTube").enabled
    backend.state = {"blocked": [], "exceptions": [], "notices": []}
    app.refresh()
    assert labels(app.icon.menu)[0] == texts.NOTHING_BLOCKED


def test_asking_from_the_menu_reaches_the_agent(app: TrayApp, backend: RecordingBackend) -> None:
    app.refresh()
    services = find(app.icon.menu, texts.ASK_MENU).submenu
    reasons = find(services, "YouTube").submenu
    find(reasons, texts.ASK_MESSAGES[0])(app.icon)  # as a click does
    assert backend.asks == [("youtube", texts.ASK_MESSAGES[0])]
    assert texts.ASK_SENT in labels(app.icon.menu)


def test_reporting_while_the_console_is_offline_says_so(app: TrayApp, backend: RecordingBackend) -> None:
    backend.online = False
    app.refresh()
    find(find(app.icon.menu, texts.REPORT_MENU).submenu, texts.REPORT_MESSAGES[0])(app.icon)
    assert backend.reports == [texts.REPORT_MESSAGES[0]]
    assert texts.SEND_FAILED in labels(app.icon.menu)


def test_the_icon_shows_whether_something_is_blocked() -> None:
    assert icon_image(True).getpixel((32, 12)) != icon_image(False).getpixel((32, 12))
