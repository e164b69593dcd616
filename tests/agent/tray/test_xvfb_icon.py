"""A real tray icon: Xvfb, the trayer system tray, `classguard-agent tray` with the
xorg backend, talking to a real LocalApi. Checks that the icon docks into the tray,
carries the agent's state as its title and is drawn red (something is blocked)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.tray.local_api import LocalApi
from tests.agent.fakes import wait_for
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(
    shutil.which("Xvfb") is None or shutil.which("trayer") is None,
    reason="needs Xvfb and a system tray host: apt-get install xvfb trayer",
)


@pytest.fixture
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

    disp = Xlib.display.Display(name)
    found: list[tuple[list[Any], Any]] = []

    def walk(window: Any, ancestors: list[Any]) -> None:
        found.append((ancestors, window))
        for child in window.query_tree().children:
            walk(child, [*ancestors, window])

    walk(disp.screen().root, [])
    return found


def classguard_icon(name: str) -> tuple[list[Any], Any] | None:
    for ancestors, window in windows(name):
        if (window.get_wm_class() or ("", ""))[1] == "classguard":
            return ancestors, window
    return None


def test_the_icon_docks_in_the_tray_and_shows_the_state(
    display: str, api: LocalApi, write_config: Callable[..., Path]
) -> None:
    assert wait_for(lambda: any((w.get_wm_class() or ("", ""))[1] == "Trayer" for _, w in windows(display)))
    config = write_config(tray_socket=str(api.path))
    env = {**os.environ, "DISPLAY": display, "PYSTRAY_BACKEND": "xorg", "PYTHONPATH": str(REPO)}
    tray = subprocess.Popen([sys.executable, "-m", "agent.cli", "--config", str(config), "tray"], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        assert wait_for(lambda: classguard_icon(display) is not None, timeout=20)
        assert wait_for(lambda: (classguard_icon(display) or ([], None))[1].get_wm_name().startswith("Nu is het les"))
        found = classguard_icon(display)
        assert found is not None
        ancestors, icon = found
        assert any((w.get_wm_class() or ("", ""))[1] == "trayer" for w in ancestors)  # docked in trayer's panel
        geometry = icon.get_geometry()
        image = icon.get_image(0, 0, geometry.width, geometry.height, 2, 0xFFFFFFFF)  # ZPixmap, BGRX
        pixels = image.data
        reds = sum(1 for i in range(0, len(pixels), 4) if pixels[i + 2] > 150 and pixels[i + 1] < 80)
        assert reds > 20, "the icon should be drawn red while YouTube is blocked"
        assert api.callers and api.callers[-1][2] == "state"
    finally:
        tray.terminate()
        tray.wait(timeout=10)
        assert tray.stderr is not None
        tray.stderr.close()
