"""The tray's autostart entry for every user (/etc/xdg/autostart). Root-owned and
0644, it only starts the read-only tray: the tray talks to the agent over its socket,
which accepts three read/ask actions, so a user who copies and edits this entry still
cannot change the agent."""

from __future__ import annotations

from installer.layout import Layout


def tray_autostart(layout: Layout) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=classguard\n"
        "Comment=Wat is er nu geblokkeerd, en vraag je leerkracht om een uitzondering\n"
        f"Exec={layout.live(layout.agent_bin)} --config {layout.live(layout.agent_config)} tray\n"
        "Icon=security-medium\n"
        "Terminal=false\n"
        "NoDisplay=true\n"
        "X-GNOME-Autostart-enabled=true\n"
        "X-GNOME-AutoRestart=true\n"
    )
