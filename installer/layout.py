"""Where a laptop install puts things, as paths on the target system ("/etc/...") and
as paths under --root (a staging directory in tests, "/" on a laptop). Every file the
installer writes names its target path, so the manifest and the plan read like the
real system whatever the root.

An application folder (/opt/classguard, /opt/classguard-console) holds one virtual
environment per version in releases/<version> and a relative link `current` to the one
in use. A venv cannot be moved (its scripts name their interpreter by path), so an
upgrade builds the next one beside the running one and switches the link, and a
rollback switches it back (installer/release.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

APP_DIR: Final = PurePosixPath("/opt/classguard")
CONFIG_DIR: Final = PurePosixPath("/etc/classguard")
STATE_DIR: Final = PurePosixPath("/var/lib/classguard")
RUN_DIR: Final = PurePosixPath("/run/classguard")
UNIT_DIR: Final = PurePosixPath("/etc/systemd/system")
AUTOSTART_DIR: Final = PurePosixPath("/etc/xdg/autostart")
INSTALLER_DIR: Final = PurePosixPath("/var/lib/classguard-install")
CONSOLE_APP_DIR: Final = PurePosixPath("/opt/classguard-console")
CONSOLE_CONFIG_DIR: Final = PurePosixPath("/etc/classguard-console")


@dataclass(frozen=True)
class Layout:
    root: Path
    app_dir: PurePosixPath = APP_DIR
    config_dir: PurePosixPath = CONFIG_DIR
    state_dir: PurePosixPath = STATE_DIR
    run_dir: PurePosixPath = RUN_DIR
    unit_dir: PurePosixPath = UNIT_DIR
    autostart_dir: PurePosixPath = AUTOSTART_DIR
    installer_dir: PurePosixPath = INSTALLER_DIR
    console_app_dir: PurePosixPath = CONSOLE_APP_DIR
    console_config_dir: PurePosixPath = CONSOLE_CONFIG_DIR

    @property
    def real(self) -> bool:
        """True on the machine itself; False for a staging root (nothing system-wide runs)."""
        return self.root == Path("/")

    def at(self, target: PurePosixPath | str) -> Path:
        """The path under the root for a target path such as /etc/classguard/agent.yaml."""
        relative = PurePosixPath(target).relative_to("/")
        return self.root.joinpath(*relative.parts)

    def live(self, target: PurePosixPath | str) -> str:
        """The path as the running system sees it: files written into the install (units,
        config, autostart) name these, so a staging root is self-contained and testable."""
        return str(self.at(target))

    @property
    def venv(self) -> PurePosixPath:
        """The laptop's venv in use: the `current` link into releases/."""
        return self.app_dir / "current"

    @property
    def console_venv(self) -> PurePosixPath:
        return self.console_app_dir / "current"

    @property
    def agent_config(self) -> PurePosixPath:
        return self.config_dir / "agent.yaml"

    @property
    def agent_bin(self) -> PurePosixPath:
        return self.venv / "bin" / "classguard-agent"

    @property
    def proxy_bin(self) -> PurePosixPath:
        return self.venv / "bin" / "classguard-proxy"

    @property
    def agent_unit(self) -> PurePosixPath:
        return self.unit_dir / "classguard-agent.service"

    @property
    def tray_autostart(self) -> PurePosixPath:
        return self.autostart_dir / "classguard-tray.desktop"

    @property
    def tray_socket(self) -> PurePosixPath:
        return self.run_dir / "agent.sock"

    def records_dir(self, kind: str) -> PurePosixPath:
        """One folder per install kind ("laptop", "console"), so each uninstalls alone."""
        return self.installer_dir / kind

    def backup_dir(self, kind: str) -> PurePosixPath:
        return self.records_dir(kind) / "backup"

    def manifest(self, kind: str) -> PurePosixPath:
        return self.records_dir(kind) / "manifest.json"

    @property
    def ca_file(self) -> PurePosixPath:
        """Written by the proxy on its first start with --intercept (docs/proxy.md)."""
        return self.state_dir / "proxy" / "ca.pem"
