"""The tray icon (pystray), run as the logged-in user by `classguard-agent tray`.

It only reads the agent's state and passes on asks and reports over the local socket;
it cannot change the agent. pystray owns the main thread; a poller thread refreshes
the menu every few seconds. The xorg backend shows the icon and its title but no menu
(pystray's xorg backend has none); GNOME/KDE laptops use the appindicator or gtk
backend (python3-gi), which show the full menu.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path
from typing import Any, Final

from PIL import Image, ImageDraw

from agent.tray import texts
from agent.tray.client import AgentUnavailable, TrayClient
from agent.tray.menu import Entry, answer_text, build_menu, glance

log = logging.getLogger("classguard.tray")
REFRESH_S = 5.0
RETRY_S = 0.5


COLOURS: Final = {  # RGBA; each state also has its own white mark, for colour-blind children
    "green": (40, 150, 70, 255),
    "red": (200, 40, 40, 255),
    "amber": (230, 150, 0, 255),
    "grey": (128, 128, 128, 255),
}


def icon_image(colour: str, size: int = 64) -> Image.Image:
    """A round badge in the state's colour with a white mark: a bar (closed) when red,
    a tick-like dot when green, a ring when amber (open for now), a '!' when grey."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    white = (255, 255, 255, 255)
    draw.ellipse((4, 4, size - 4, size - 4), fill=COLOURS[colour], outline=white, width=3)
    if colour == "red":
        draw.rectangle((size * 0.3, size * 0.45, size * 0.7, size * 0.55), fill=white)
    elif colour == "amber":
        draw.ellipse((size * 0.36, size * 0.36, size * 0.64, size * 0.64), outline=white, width=4)
    elif colour == "grey":
        draw.rectangle((size * 0.46, size * 0.25, size * 0.54, size * 0.58), fill=white)
        draw.rectangle((size * 0.46, size * 0.66, size * 0.54, size * 0.74), fill=white)
    else:
        draw.ellipse((size * 0.42, size * 0.42, size * 0.58, size * 0.58), fill=white)
    return image


def window_title(text: str, backend_module: str) -> str:
    """pystray's xorg backend sets WM_NAME as Latin-1 and fails on an em dash; there
    the dash becomes a hyphen. Other backends take the text as it is."""
    if backend_module.endswith("_xorg"):
        return text.replace("—", "-").encode("latin-1", "replace").decode("latin-1")
    return text


class TrayApp:
    def __init__(self, client: TrayClient) -> None:
        import pystray  # type: ignore[import-untyped]  # here: needs a display (or PYSTRAY_BACKEND=dummy)

        self.pystray = pystray
        self.client = client
        self.state: dict[str, Any] | None = None
        self.message: str | None = None
        self._stop = threading.Event()
        self.icon = pystray.Icon(texts.TITLE, icon_image("grey"), texts.TITLE, menu=self._menu())
        self.colour = "grey"

    def refresh(self) -> None:
        self.state = self.client.state()
        now = glance(self.state)
        self.colour = now.colour
        self.icon.icon = icon_image(now.colour)
        backend = type(self.icon).__module__
        title = window_title(now.text, backend)[:120]
        if backend.endswith("_xorg") and self.icon.title == title:
            # xorg can lose a title set while it maps the window, and pystray never sets an
            # unchanged title again: set it anew on every refresh (xorg shows no tooltip)
            self.icon.title = ""
        self.icon.title = title
        self._show_menu()

    def _show_menu(self) -> None:
        # the setter stores the menu, then asks the backend to redraw; a backend that draws
        # no menus (dummy, in tests) raises, and the menu is stored all the same
        with contextlib.suppress(NotImplementedError):
            self.icon.menu = self._menu()

    def entries(self) -> tuple[Entry, ...]:
        return build_menu(self.state, self.message)

    def _menu(self) -> Any:
        return self.pystray.Menu(*(self._item(e) for e in self.entries()))

    def _item(self, entry: Entry) -> Any:
        item = self.pystray.MenuItem
        if entry.children:
            return item(entry.label, self.pystray.Menu(*(self._item(c) for c in entry.children)))
        if entry.action is None:
            return item(entry.label, None, enabled=False)
        action = entry.action
        return item(entry.label, lambda icon, _item: self.perform(action))

    def perform(self, action: tuple[str, ...]) -> None:
        if action[0] == "quit":
            self._stop.set()
            self.icon.stop()
            return
        fields = {"service": action[1], "message": action[2]} if action[0] == "ask" else {"message": action[1]}
        try:
            answer: dict[str, Any] | None = self.client.call(action[0], **fields)
        except AgentUnavailable:
            answer = None
        self.message = answer_text(action[0], answer)
        if getattr(self.icon, "HAS_NOTIFICATION", False):
            with contextlib.suppress(NotImplementedError):  # the dummy backend claims it but has none
                self.icon.notify(self.message, texts.TITLE)
        self._show_menu()

    def _poll(self, icon: Any) -> None:
        icon.visible = True
        while not self._stop.is_set():
            try:
                self.refresh()
            except Exception:  # e.g. an X error while the tray host re-parents the icon
                # pystray runs this in a thread that would die silently, leaving a stale
                # icon: say so and try again soon instead.
                log.warning("could not update the tray icon; retrying", exc_info=True)
                self._stop.wait(RETRY_S)
                continue
            self._stop.wait(REFRESH_S)

    def run(self) -> None:
        self.icon.run(setup=self._poll)


def run_tray(socket_path: Path) -> int:
    TrayApp(TrayClient(socket_path)).run()
    return 0
