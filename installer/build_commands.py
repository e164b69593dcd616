"""`build windows|macos --out DIR`: the packages for the other systems, with the
settings taken from the agent's own plan for that system."""

from __future__ import annotations

import argparse
from importlib.metadata import version
from pathlib import Path
from typing import TextIO

from installer.agent_config import AgentSettings, agent_config_text
from installer.agent_settings import settings_plan
from installer.build_macos import APP_DIR, write_macos
from installer.build_windows import write_windows
from installer.commands import Runner
from installer.errors import InstallError
from installer.layout import Layout


def windows_config(settings: AgentSettings) -> str:
    """The agent's config on Windows: ProgramData paths, the frozen proxy beside the agent."""
    data = r"C:\ProgramData\classguard"
    return (
        "# Installed by the classguard MSI. Keys: docs/agent.md.\n"
        f"console_url: {settings.console_url or 'https://console.invalid'}\n"
        f"state_dir: '{data}\\state'\n"
        f"proxy_listen: 127.0.0.1:{settings.proxy_port}\n"
        f"pac_listen: 127.0.0.1:{settings.pac_port}\n"
        "apply_system_settings: true\n"
        "proxy_command: 'C:\\Program Files\\classguard\\classguard-proxy.exe'\n"
        f"intercept: {'true' if settings.intercept else 'false'}\n"
    )


def macos_config(settings: AgentSettings) -> str:
    return (
        "# Installed by classguard.pkg. Keys: docs/agent.md.\n"
        f"console_url: {settings.console_url or 'https://console.invalid'}\n"
        f"state_dir: {APP_DIR}/state\n"
        f"proxy_listen: 127.0.0.1:{settings.proxy_port}\n"
        f"pac_listen: 127.0.0.1:{settings.pac_port}\n"
        "apply_system_settings: true\n"
        "tray_socket: /var/run/classguard/agent.sock\n"
        f"proxy_command: {APP_DIR}/venv/bin/classguard-proxy\n"
        f"intercept: {'true' if settings.intercept else 'false'}\n"
    )


def build(root: Path, args: argparse.Namespace, out: TextIO) -> int:
    target = Path(args.out)
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise InstallError(f"--out {args.out} is not empty: name an empty or new folder")
    settings = AgentSettings(args.console, args.with_ca, args.proxy_port, args.pac_port)
    runner = Runner(out, real=False)
    if args.system == "windows":
        config = windows_config(settings)
        plan = settings_plan(runner, agent_config_text(Layout(Path("/")), settings), "windows")
        written = write_windows(target, plan, config, version("classguard"), args.allow_private_windows, args.with_ca)
    else:
        config = macos_config(settings)
        plan = settings_plan(runner, config, "macos")
        ca = Path(args.ca).read_bytes() if args.ca else None
        written = write_macos(target, plan, config, ca)
    out.writelines(f"wrote {path}\n" for path in written)
    return 0
