"""Steps of a console server install that are not plain files: its system user, and
its instance (database, signing keys, session key) made by the console's own
`classguard-console init` from the installed venv."""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass
from pathlib import PurePosixPath

from installer.errors import InstallError
from installer.layout import Layout
from installer.manifest import Record
from installer.steps import Context, StepFailed, make_parents


@dataclass(frozen=True)
class CreateSystemUser:
    """A system user without a login; an existing one (a re-install) is used as it is
    and kept on uninstall, since classguard did not make it."""

    name: str
    home: PurePosixPath

    @property
    def id(self) -> str:
        return f"user:{self.name}"

    def describe(self) -> str:
        return f"create the system user {self.name} (no login) for the console"

    def useradd(self) -> tuple[str, ...]:
        return (
            "useradd", "--system", "--user-group", "--no-create-home", "--home-dir", str(self.home),
            "--shell", "/usr/sbin/nologin", self.name,
        )  # fmt: skip

    def changes(self, layout: Layout) -> list[str]:
        if layout.real and _user_exists(self.name):
            return [f"uses the existing user {self.name} (kept on uninstall)"]
        staged = "" if layout.real else " (staging root: listed, not run)"
        return [f"runs `{' '.join(self.useradd())}`{staged}", f"undone by `userdel {self.name}`"]

    def apply(self, ctx: Context) -> list[Record]:
        if ctx.layout.real and _user_exists(self.name):
            return []
        ctx.runner.system(self.useradd())
        return [Record("command", undo=("userdel", self.name))]


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@dataclass(frozen=True)
class InitInstance:
    """The instance folder and `classguard-console init` in it. A new folder is the
    school's data from then on: uninstall keeps it unless --purge. An existing
    instance (from an earlier install, or made by hand) is only schema-upgraded by
    init, and never removed."""

    instance: PurePosixPath
    database_url: str | None
    shown_database: str  # without the password

    @property
    def id(self) -> str:
        return f"instance:{self.instance}"

    def describe(self) -> str:
        return f"create the console's instance {self.instance} (classguard-console init)"

    def changes(self, layout: Layout) -> list[str]:
        lines = (
            [f"uses the existing instance {self.instance}: init only upgrades its schema; kept on uninstall"]
            if _holds_files(layout, self.instance)
            else [f"creates {self.instance}/ (mode 0750): kept on uninstall (the school's data), removed by --purge"]
        )
        return [
            *lines,
            f"runs `classguard-console --instance {self.instance} init` with the database {self.shown_database}",
        ]

    def apply(self, ctx: Context) -> list[Record]:
        layout, records = ctx.layout, []
        if not _holds_files(layout, self.instance):
            records = make_parents(ctx, self.instance)
            path = layout.at(self.instance)
            path.mkdir(mode=0o750, exist_ok=True)
            path.chmod(0o750)
            records.append(Record("data", str(self.instance)))
        console = layout.live(layout.console_venv / "bin" / "classguard-console")
        env = {**os.environ, "CLASSGUARD_DATABASE_URL": self.database_url} if self.database_url else None
        try:
            said = ctx.runner.local([console, "--instance", layout.live(self.instance), "init"], env=env)
        except InstallError as exc:
            raise StepFailed(records) from InstallError(
                f"{exc}\n  the console could not set up its database: check the PostgreSQL URL, that the database "
                "exists and that its user may create tables (or leave out --postgres for SQLite)"
            )
        # the first admin's password is shown here once, as `init` itself does
        ctx.runner.out.write("".join(f"  {line}\n" for line in said.splitlines()))
        return records


def _holds_files(layout: Layout, target: PurePosixPath) -> bool:
    path = layout.at(target)
    return path.is_dir() and any(path.iterdir())
