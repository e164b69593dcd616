"""The agent's config file as the installer writes it (keys: docs/agent.md). Paths
are the live paths under --root, so a staging install runs as it is."""

from __future__ import annotations

from dataclasses import dataclass

from installer.layout import Layout

DEFAULT_CONSOLE = "https://console.invalid"  # until enrolment names the real one
# Below 1024 on purpose: a pupil's account cannot bind them first (docs/agent.md).
DEFAULT_PROXY_PORT = 870
DEFAULT_PAC_PORT = 871


@dataclass(frozen=True)
class AgentSettings:
    console_url: str | None = None
    intercept: bool = False
    proxy_port: int = DEFAULT_PROXY_PORT
    pac_port: int = DEFAULT_PAC_PORT

    @property
    def pac_url(self) -> str:
        return f"http://127.0.0.1:{self.pac_port}/proxy.pac"


def agent_config_text(layout: Layout, settings: AgentSettings) -> str:
    return (
        "# Written by classguard-install; uninstall removes it. Keys: docs/agent.md.\n"
        f"console_url: {settings.console_url or DEFAULT_CONSOLE}\n"
        f"state_dir: {layout.live(layout.state_dir)}\n"
        f"proxy_listen: 127.0.0.1:{settings.proxy_port}\n"
        f"pac_listen: 127.0.0.1:{settings.pac_port}\n"
        "apply_system_settings: true\n"
        f"settings_root: {layout.root}\n"
        f"tray_socket: {layout.live(layout.tray_socket)}\n"
        f"proxy_command: {layout.live(layout.proxy_bin)}\n"
        f"intercept: {'true' if settings.intercept else 'false'}\n"
    )
