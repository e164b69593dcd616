"""init, run, user add, public-key, rotate-key."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from console import audit, changes, context, db, keyring, users
from console.cli import State, with_app
from console.config import write_secret_key
from console.errors import ConsoleError
from console.models import ROLES, SigningKey, User
from console.notifier import commit
from console.passwords import random_password


@click.command()
@click.option("--admin", "admin_name", default="admin", show_default=True, help="The first admin's user name.")
@click.pass_obj
def init(state: State, admin_name: str) -> None:
    """Create (or upgrade) the database, a signing key and the first admin."""
    state.instance.mkdir(parents=True, exist_ok=True)
    write_secret_key(state.instance)
    app = state.app
    app.config["SECRET_KEY"] = (state.instance / "secret-key").read_text(encoding="ascii").strip()
    db.upgrade_schema(app)
    with app.app_context():
        session, now = db.session(), context.now()
        if session.scalar(select(User).limit(1)) is not None:
            click.echo(f"{state.instance} is already initialised; the schema is up to date.")
            return
        if session.scalar(select(SigningKey).limit(1)) is None:
            kid = keyring.create_key(state.instance, session, now)
            audit.record(session, at=now, actor="cli", action="key-created", detail=kid)
        password = random_password()
        users.add_user(session, admin_name, role="admin", groups=[], password=password, actor="cli", now=now)
        commit(session)
    click.echo(f"Initialised {state.instance}.")
    click.echo(f"Admin login: {admin_name}")
    click.echo(f"Password:    {password}")
    click.echo("This password is shown only once: sign in and change it.")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5080, show_default=True, type=click.IntRange(1, 65535))
@click.pass_obj
def run(state: State, host: str, port: int) -> None:
    """Serve the console (threaded development server; use gunicorn -k gevent in production)."""
    state.app.run(host=host, port=port, threaded=True, use_reloader=False)


@click.group()
def user() -> None:
    """Staff accounts."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--groups", default="", help="Comma-separated groups (teachers: the groups they teach).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_app
def user_add(name: str, role: str, groups: str, password_stdin: bool) -> None:
    """Add a user; prints a random password unless --password-stdin."""
    session, now = db.session(), context.now()
    found = context.policy_or_none()
    group_list = users.parse_groups(groups, found[1].groups if found else None)
    if role == "teacher" and not group_list:
        raise ConsoleError("a teacher needs --groups (the groups they teach)")
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else random_password()
    users.add_user(session, name, role=role, groups=group_list, password=password, actor="cli", now=now)
    commit(session)
    click.echo(f"Added {role} {name}" + (f" for {', '.join(group_list)}" if group_list else "") + ".")
    if not password_stdin:
        click.echo(f"Password: {password}")


@click.command("public-key")
@with_app
def public_key() -> None:
    """Print the public keys laptops trust (PEM; the signing key first)."""
    keys = keyring.public_keys(context.instance(), db.session(), context.now())
    if not keys:
        raise ConsoleError("there is no signing key: run init first")
    click.echo("".join(keys), nl=False)


@click.command("rotate-key")
@with_app
def rotate_key() -> None:
    """Sign with a new key from now on; old keys stay trusted until their tokens expire."""
    session, now = db.session(), context.now()
    kid, retired = keyring.rotate(context.instance(), session, now)
    changes.record(session, kind="keys", at=now)
    audit.record(session, at=now, actor="cli", action="key-rotated", detail=f"{kid}; retired {', '.join(retired)}")
    commit(session)
    click.echo(f"New signing key {kid}.")
    if retired:
        click.echo(f"Retired {', '.join(retired)}: trusted until the last token it signed expires.")


def register(group: click.Group) -> None:
    for command in (init, run, user, public_key, rotate_key):
        group.add_command(command)
