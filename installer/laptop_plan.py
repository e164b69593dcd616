"""The plan for a Linux laptop: the steps, in order, for the options IT gave. The same
list is printed by `plan` and `--dry-run`, carried out by `install`, and recorded in
the manifest that `uninstall` reads."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from installer.agent_config import AgentSettings, agent_config_text
from installer.agent_settings import settings_plan
from installer.agent_steps import Enrol
from installer.ca_trust import TrustCA
from installer.commands import Runner
from installer.desktop import tray_autostart
from installer.layout import Layout
from installer.steps import FilesInForce, MakeTree, Step, WriteFile
from installer.units import agent_unit
from installer.venv_step import CreateVenv, PackageSource

CA_WAIT_S = 90  # first start: enrol is done, the agent syncs and starts the proxy, which makes the CA
SERVICE = "classguard-agent.service"


@dataclass(frozen=True)
class LaptopOptions:
    source: PackageSource
    console_url: str | None = None
    code: str | None = None
    with_ca: bool = False
    proxy_port: int = 870
    pac_port: int = 871

    def recorded(self) -> dict[str, Any]:
        """What the manifest keeps (never the enrolment code): a second install must match."""
        return {
            "console_url": self.console_url,
            "with_ca": self.with_ca,
            "proxy_port": self.proxy_port,
            "pac_port": self.pac_port,
        }

    @property
    def agent_settings(self) -> AgentSettings:
        return AgentSettings(self.console_url, self.with_ca, self.proxy_port, self.pac_port)


def laptop_plan(layout: Layout, options: LaptopOptions, runner: Runner) -> list[Step]:
    config = agent_config_text(layout, options.agent_settings)
    system_settings = settings_plan(runner, config, "linux")
    settings_files = tuple(
        WriteFile(PurePosixPath(f["path"]), f["content"].encode("utf-8"), int(f["mode"], 8), "browser/desktop policy")
        for f in system_settings["files"]
    )
    dconf = any(f.target.parts[1:3] == ("etc", "dconf") for f in settings_files)
    dconf_update = (("dconf", "update"),) if dconf and (not layout.real or shutil.which("dconf")) else ()
    steps: list[Step] = [
        MakeTree(
            layout.records_dir("laptop"), 0o700, "the installer's manifest and the originals of files it replaces"
        ),
        CreateVenv(layout.app_dir, options.source),
        WriteFile(layout.agent_config, config.encode("utf-8"), 0o644, "the agent's config"),
        MakeTree(layout.state_dir, 0o700, "the agent's state: enrolment, policy cache, proxy CA"),
        MakeTree(layout.run_dir, 0o755, "the tray's socket folder; on the laptop systemd keeps it"),
        FilesInForce(
            f"browser and GNOME proxy policies: PAC {options.agent_settings.pac_url}, locked",
            settings_files,
            run=dconf_update,
            undo_last=dconf_update,
        ),
        WriteFile(layout.tray_autostart, tray_autostart(layout).encode("utf-8"), 0o644, "the tray for every user"),
    ]
    if options.console_url and options.code:
        steps.append(Enrol(options.console_url, options.code))
    steps.append(
        FilesInForce(
            "the agent service (hardened systemd unit), enabled and started",
            (WriteFile(layout.agent_unit, agent_unit(layout).encode("utf-8"), 0o644, "the agent's systemd unit"),),
            run=(("systemctl", "daemon-reload"), ("systemctl", "enable", "--now", SERVICE)),
            undo_first=(("systemctl", "disable", "--now", SERVICE),),
            undo_last=(("systemctl", "daemon-reload"),),
        )
    )
    if options.with_ca:
        steps.append(TrustCA(CA_WAIT_S if layout.real and options.code else 0))
    return steps
