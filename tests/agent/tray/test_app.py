"""The tray with pystray's dummy backend: the menu model, not the loop (FIELD-NOTES)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from agent.tray import texts
from agent.tray.app import COLOURS, TrayApp, icon_image, window_title
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


def test_the_menu_and_icon_follow_the_agent(app: TrayApp, backend: RecordingBackend) -> None:
    app.refresh()
    assert labels(app.icon.menu)[:3] == ["Les tot 10:15 — sociale media dicht", "Dicht tot 10:15:", "  YouTube"]
    assert app.icon.title == "Les tot 10:15 — sociale media dicht"  # the dummy backend takes it as it is
    assert app.colour == "red" and app.icon.icon.getpixel((10, 32)) == COLOURS["red"]
    assert not find(app.icon.menu, "  YouTube").enabled
    backend.state = {"ready": True, "blocked": [], "exceptions": [], "notices": []}
    app.refresh()
    assert labels(app.icon.menu)[:2] == ["Geen les", texts.NOTHING_BLOCKED]
    assert app.icon.title == "Geen les" and app.icon.icon.getpixel((10, 32)) == COLOURS["green"]


def test_an_agent_that_went_away_turns_the_icon_grey(app: TrayApp, api: LocalApi) -> None:
    app.refresh()
    api.stop()
    app.refresh()
    assert app.icon.title == texts.GLANCE_BROKEN and app.icon.icon.getpixel((10, 32)) == COLOURS["grey"]


def test_asking_from_the_menu_reaches_the_agent(app: TrayApp, backend: RecordingBackend) -> None:
    app.refresh()
    services = find(app.icon.menu, texts.ASK_MENU).submenu
    reasons = find(services, "YouTube").submenu
    find(reasons, texts.ASK_MESSAGES[0])(app.icon)  # as a click does
    assert backend.asks == [("youtube", texts.ASK_MESSAGES[0])]
    assert texts.ASK_SENT in labels(app.icon.menu)


def test_reporting_while_the_console_is_offline_says_it_goes_later(app: TrayApp, backend: RecordingBackend) -> None:
    backend.delivery = "queued"
    app.refresh()
    find(find(app.icon.menu, texts.REPORT_MENU).submenu, texts.REPORT_MESSAGES[0])(app.icon)
    assert backend.reports == [texts.REPORT_MESSAGES[0]]
    assert texts.REPORT_QUEUED in labels(app.icon.menu)


def test_a_report_that_cannot_even_be_queued_says_so(app: TrayApp, backend: RecordingBackend) -> None:
    backend.delivery = "failed"
    app.refresh()
    find(find(app.icon.menu, texts.REPORT_MENU).submenu, texts.REPORT_MESSAGES[0])(app.icon)
    assert texts.SEND_FAILED in labels(app.icon.menu)


def test_four_colours_and_four_marks() -> None:
    images = {colour: icon_image(colour) for colour in ("green", "red", "amber", "grey")}
    assert {image.getpixel((10, 32)) for image in images.values()} == set(COLOURS.values())
    assert len({image.tobytes() for image in images.values()}) == 4


def test_the_xorg_title_is_latin_1() -> None:
    assert window_title("Les tot 10:15 — sociale media dicht", "pystray._xorg") == "Les tot 10:15 - sociale media dicht"
    assert window_title("Les tot 10:15 — sociale media dicht", "pystray._appindicator").count("—") == 1
