"""A real tray icon: Xvfb, the trayer system tray, `classguard-agent tray` with the
xorg backend, talking to a real LocalApi. For each of the four states it checks that
the icon docks into the tray and that a
screenshot of the screen shows it in the state's colour (saved as PNG for a look)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.tray.app import COLOURS, window_title
from agent.tray.local_api import LocalApi
from agent.tray.menu import glance
from tests.agent.fakes import wait_for
from tests.agent.tray.fakes import RecordingBackend
from tests.agent.tray.test_menu import EXCEPTION, FREE
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(
    shutil.which("Xvfb") is None or shutil.which("trayer") is None,
    reason="needs Xvfb and a system tray host: apt-get install xvfb trayer",
)


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "640x480x24", "-nolisten", "tcp"],
                            pass_fds=(write_end,), stderr=subprocess.DEVNULL)  # fmt: skip
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    trayer = None
    try:
        assert number, "Xvfb did not start"
        name = f":{number}"
        trayer = subprocess.Popen(["trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel",
                                   "--width", "120", "--height", "32"], env={**os.environ, "DISPLAY": name},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        assert wait_for(lambda: tray_manager_ready(name), timeout=20), "trayer did not become the system tray"
        yield name
    finally:
        for process in (trayer, xvfb):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)


def tray_manager_ready(name: str) -> bool:
    """trayer owns the system-tray selection: only then does a new icon dock into it
    (pystray looks for the tray once, when it starts)."""
    import Xlib.display
    import Xlib.X

    disp = Xlib.display.Display(name)
    try:
        owner = disp.get_selection_owner(disp.intern_atom("_NET_SYSTEM_TRAY_S0"))
        return owner != Xlib.X.NONE
    finally:
        disp.close()


def windows(name: str) -> list[tuple[list[Any], Any]]:
    """(ancestors, window) for every window on the display."""
    import Xlib.display
    import Xlib.error

    disp = Xlib.display.Display(name)
    found: list[tuple[list[Any], Any]] = []

    def walk(window: Any, ancestors: list[Any]) -> None:
        found.append((ancestors, window))
        try:
            children = window.query_tree().children
        except Xlib.error.BadWindow:  # gone while we looked (the tray starts and stops windows)
            return
        for child in children:
            walk(child, [*ancestors, window])

    walk(disp.screen().root, [])
    return found


def wm_class(window: Any) -> str:
    """A window's class, or "" for one that vanished while we looked (windows come and
    go as the tray host re-parents icons: a BadWindow then is no failure)."""
    import Xlib.error

    try:
        return str((window.get_wm_class() or ("", ""))[1])
    except Xlib.error.XError:
        return ""


def classguard_icon(name: str, title: str | None = None) -> tuple[list[Any], Any] | None:
    """The tray's icon window (with that title: a previous test's icon may linger)."""
    import Xlib.error

    for ancestors, window in windows(name):
        try:
            if wm_class(window) == "classguard" and title in (None, window.get_wm_name()):
                return ancestors, window
        except Xlib.error.XError:
            continue
    return None


def screenshot(name: str, path: Path) -> Any:
    """The whole screen as a PIL image (and a PNG beside the test's files)."""
    import Xlib.display
    import Xlib.X
    from PIL import Image

    disp = Xlib.display.Display(name)
    root = disp.screen().root
    geometry = root.get_geometry()
    raw = root.get_image(0, 0, geometry.width, geometry.height, Xlib.X.ZPixmap, 0xFFFFFFFF)
    image = Image.frombytes("RGB", (geometry.width, geometry.height), raw.data, "raw", "BGRX")
    image.save(path)
    return image


def icon_box(name: str, icon: Any) -> tuple[int, int, int, int]:
    import Xlib.display

    root = Xlib.display.Display(name).screen().root
    origin = root.translate_coords(icon, 0, 0)
    geometry = icon.get_geometry()
    return origin.x, origin.y, origin.x + geometry.width, origin.y + geometry.height


def dominant_colour(image: Any) -> str | None:
    """Which of the four state colours most pixels of the icon are close to."""
    counts = dict.fromkeys(COLOURS, 0)
    raw = image.convert("RGB").tobytes()
    for pixel in zip(raw[0::3], raw[1::3], raw[2::3], strict=True):
        for colour, rgba in COLOURS.items():
            if sum(abs(a - b) for a, b in zip(pixel[:3], rgba[:3], strict=True)) < 60:
                counts[colour] += 1
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] > 20 else None


def _describe(name: str, title: str) -> str:
    """What the display holds, for a failure message."""
    rows = []
    for ancestors, window in windows(name):
        if wm_class(window) == "classguard":
            try:
                rows.append(f"{window.get_wm_name()!r} under {[wm_class(a) for a in ancestors]}")
            except Exception as exc:  # a description must not fail
                rows.append(f"? ({exc})")
    return f"wanted {title!r}; classguard windows: {rows}"


def icon_colour(name: str, icon: Any, shot: Path) -> str | None:
    import Xlib.error

    try:
        return dominant_colour(screenshot(name, shot).crop(icon_box(name, icon)))
    except Xlib.error.XError:  # re-parented or redrawn while we looked: look again
        return None


@pytest.mark.parametrize("state", ["green", "red", "amber", "grey"])
def test_the_icon_docks_in_the_tray_and_shows_the_state(
    display: str,
    api: LocalApi,
    backend: RecordingBackend,
    write_config: Callable[..., Path],
    tmp_path: Path,
    state: str,
) -> None:
    wanted = {"green": FREE, "red": backend.state, "amber": EXCEPTION, "grey": None}[state]
    expected = glance(wanted)
    assert expected.colour == state
    if wanted is None:
        api.stop()  # the agent is unreachable
    else:
        backend.state = wanted
    assert wait_for(lambda: any(wm_class(w) == "Trayer" for _, w in windows(display)), timeout=15)
    config = write_config(tray_socket=str(api.path))
    env = {**os.environ, "DISPLAY": display, "PYSTRAY_BACKEND": "xorg", "PYTHONPATH": str(REPO)}
    title = window_title(expected.text, "pystray._xorg")
    shot = tmp_path / f"tray-{state}.png"
    # pystray's xorg backend now and then docks an icon that it never paints (an empty
    # slot in trayer, also after later image updates: seen about 1 start in 8 here).
    # That is pystray's race, not classguard's; a restart paints it, as it would when
    # the user logs in again. So: up to three starts, and one must show the colour.
    seen = [_start_and_look(display, config, env, title, shot, state)]
    while seen[-1] != state and len(seen) < 3:
        seen.append(_start_and_look(display, config, env, title, shot, state))
    assert seen[-1] == state, f"colours seen on {len(seen)} starts: {seen}; see {shot}"
    if wanted is not None:
        assert api.callers and api.callers[-1][2] == "state"


def _start_and_look(display: str, config: Path, env: dict[str, str], title: str, shot: Path, state: str) -> str | None:
    """Start `classguard-agent tray`, wait until its icon docks in trayer and shows the
    `state` colour (10 s at most); return the colour last seen; always stop it again."""
    tray = subprocess.Popen([sys.executable, "-m", "agent.cli", "--config", str(config), "tray"], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        # The state's words as the window title are not checked here: xorg shows no
        # tooltip, and its title updates race with docking (agent/tray/app.py). The
        # colour, which is what a child sees, is; the words are tested with the dummy
        # backend (test_app.py).
        def docked() -> bool:  # inside trayer's panel (it re-parents icons)
            found = classguard_icon(display)
            return found is not None and any(wm_class(w) == "trayer" for w in found[0])

        assert wait_for(docked, timeout=20), _describe(display, title)
        found = classguard_icon(display)
        assert found is not None
        icon = found[1]
        colours: list[str | None] = [None]

        def shows_a_colour() -> bool:
            colours[0] = icon_colour(display, icon, shot)
            return (colours[0] is not None and colours[0] != "grey") or (colours[0] == "grey" and "meld" in title)

        wait_for(shows_a_colour, timeout=10, every=0.2)
        return colours[0]
    finally:
        tray.terminate()
        tray.wait(timeout=10)
        # the next start must not find this one
        assert wait_for(lambda: classguard_icon(display) is None, timeout=15)
