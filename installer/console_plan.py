"""The plan for a console server (`classguard-install console --instance DIR`): its
own venv, a system user, the instance made by the console's own `init`, config, an
nginx example, the hardened gunicorn service and a daily privacy purge. Recorded in
its own manifest (/var/lib/classguard-install/console/), so `uninstall --console`
removes it without touching a laptop install on the same machine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from installer.console_files import USER, config_toml_text, env_file_text, nginx_text, without_password
from installer.console_steps import CreateSystemUser, InitInstance
from installer.layout import Layout
from installer.steps import FilesInForce, MakeTree, Step, SystemCommand, WriteFile
from installer.units import console_unit, purge_unit, timer_unit
from installer.venv_step import CreateVenv, PackageSource

KIND = "console"
SERVICE = "classguard-console.service"
PURGE_TIMER = "classguard-console-purge.timer"


@dataclass(frozen=True)
class ConsoleOptions:
    source: PackageSource
    instance: PurePosixPath
    database_url: str | None = None  # None: SQLite in the instance
    bind: str = "127.0.0.1:5080"
    workers: int = 2

    @property
    def shown_database(self) -> str:
        return without_password(self.database_url) if self.database_url else "SQLite in the instance"

    def recorded(self) -> dict[str, Any]:
        """What the manifest keeps (never the database password): a second run must match."""
        return {
            "instance": str(self.instance),
            "database": self.shown_database,
            "bind": self.bind,
            "workers": self.workers,
        }


def console_files(layout: Layout) -> tuple[PurePosixPath, PurePosixPath, PurePosixPath]:
    """The service's environment file, the nginx example, and the unit."""
    return (
        layout.console_config_dir / "console.env",
        layout.console_config_dir / "nginx-classguard-console.conf",
        layout.unit_dir / SERVICE,
    )


def console_plan(layout: Layout, options: ConsoleOptions) -> list[Step]:
    env_file, nginx, unit = console_files(layout)
    instance, env = layout.live(options.instance), layout.live(env_file)
    service_text = console_unit(layout, instance, env, USER, options.bind, options.workers)
    purge_text = purge_unit(layout, instance, env, USER)
    timer_text = timer_unit("classguard console: daily privacy purge", "*-*-* 03:30")
    units = (
        WriteFile(unit, _text(service_text), 0o644, "the console's systemd unit"),
        WriteFile(layout.unit_dir / "classguard-console-purge.service", _text(purge_text), 0o644, "the privacy purge"),
        WriteFile(layout.unit_dir / PURGE_TIMER, _text(timer_text), 0o644, "the purge's daily timer"),
    )
    return [
        MakeTree(layout.records_dir(KIND), 0o700, "the installer's manifest and the originals of files it replaces"),
        CreateVenv(layout.console_app_dir, options.source),
        CreateSystemUser(USER, options.instance),
        WriteFile(env_file, _text(env_file_text(options.database_url)), 0o600, "the service's database URL, root only"),
        InitInstance(options.instance, options.database_url, options.shown_database),
        WriteFile(options.instance / "config.toml", _text(config_toml_text()), 0o644, "behind one reverse proxy"),
        SystemCommand(
            ("chown", "-R", f"{USER}:{USER}", instance),
            ("chown", "-R", "root:root", instance),  # a kept instance must not belong to a deleted uid
            f"the instance belongs to {USER}",
        ),
        WriteFile(nginx, _text(nginx_text(options.bind)), 0o644, "an example for nginx in front: TLS, long polls"),
        FilesInForce(
            "the console service (gunicorn, hardened) and a daily privacy purge, enabled and started",
            units,
            run=(("systemctl", "daemon-reload"), ("systemctl", "enable", "--now", SERVICE, PURGE_TIMER)),
            undo_first=(("systemctl", "disable", "--now", SERVICE, PURGE_TIMER),),
            undo_last=(("systemctl", "daemon-reload"),),
        ),
    ]


def _text(text: str) -> bytes:
    return text.encode("utf-8")
