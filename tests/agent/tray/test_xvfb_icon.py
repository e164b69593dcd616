"""A real tray icon: Xvfb, the trayer system tray, `classguard-agent tray` with the
xorg backend, talking to a real LocalApi. For each of the four states it checks that
the icon docks into the tray, carries the state's words as its title, and that a
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
        yield name
    finally:
        for process in (trayer, xvfb):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)


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


def classguard_icon(name: str, title: str | None = None) -> tuple[list[Any], Any] | None:
    """The tray's icon window (with that title: a previous test's icon may linger)."""
    import Xlib.error

    for ancestors, window in windows(name):
        try:
            if (window.get_wm_class() or ("", ""))[1] == "classguard" and title in (None, window.get_wm_name()):
                return ancestors, window
        except Xlib.error.BadWindow:
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
    assert wait_for(lambda: any((w.get_wm_class() or ("", ""))[1] == "Trayer" for _, w in windows(display)))
    config = write_config(tray_socket=str(api.path))
    env = {**os.environ, "DISPLAY": display, "PYSTRAY_BACKEND": "xorg", "PYTHONPATH": str(REPO)}
    tray = subprocess.Popen([sys.executable, "-m", "agent.cli", "--config", str(config), "tray"], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    title = window_title(expected.text, "pystray._xorg")
    try:
        assert wait_for(lambda: classguard_icon(display) is not None, timeout=20)
        assert wait_for(lambda: classguard_icon(display, title) is not None)
        found = classguard_icon(display, title)
        assert found is not None
        ancestors, icon = found
        assert any((w.get_wm_class() or ("", ""))[1] == "trayer" for w in ancestors)  # docked in trayer's panel
        shot = tmp_path / f"tray-{state}.png"  # the icon is drawn a moment after its title is set: look again
        assert wait_for(lambda: dominant_colour(screenshot(display, shot).crop(icon_box(display, icon))) == state,
                        timeout=5, every=0.2), f"see {shot}"  # fmt: skip
        if wanted is not None:
            assert api.callers and api.callers[-1][2] == "state"
    finally:
        tray.terminate()
        tray.wait(timeout=10)
        wait_for(lambda: classguard_icon(display) is None, timeout=5)  # the next state's test must not find this one
        assert tray.stderr is not None
        tray.stderr.close()
