"""policy import FILE, timetable import GROUP FILE.ics."""

from __future__ import annotations

from pathlib import Path

import click

from console import context, db, policy_store
from console.cli import with_app
from console.notifier import commit
from policies.errors import PolicyError
from policies.loader import load_policy


@click.group()
def policy() -> None:
    """The school's policy file."""


@policy.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_app
def policy_import(file: Path) -> None:
    """Check FILE (and the iCalendar files it names) and make it the policy in force."""
    load_policy(file)  # errors name FILE:LINE:COL exactly as the user wrote it
    text = file.read_text(encoding="utf-8")
    files = {}
    for name in policy_store.ical_paths(text).values():
        try:
            files[name] = (file.parent / name).read_text(encoding="utf-8")
        except OSError as exc:
            raise PolicyError.single(str(file), f"cannot read {name}: {exc.strerror}") from exc
    session = db.session()
    version, loaded = policy_store.save_policy(
        session, text, files=files, actor="cli", now=context.now(), label=str(file)
    )
    commit(session)
    click.echo(f"Policy version {version.id} in force: {loaded.school}, {len(loaded.groups)} groups.")


@click.group()
def timetable() -> None:
    """Groups' iCalendar timetables."""


@timetable.command("import")
@click.argument("group")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_app
def timetable_import(group: str, file: Path) -> None:
    """Replace GROUP's iCalendar timetable with FILE."""
    try:
        ics = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError.single(str(file), f"cannot read the file: {exc}") from exc
    session = db.session()
    name = policy_store.save_timetable(session, group, ics, actor="cli", now=context.now(), label=str(file))
    commit(session)
    click.echo(f"Timetable of {group} updated ({name}).")


def register(group: click.Group) -> None:
    group.add_command(policy)
    group.add_command(timetable)
