"""enrol-code, grant, revoke: the same service functions as the pages."""

from __future__ import annotations

import datetime as dt

import click

from console import context, db, devices, grants, users
from console.cli import with_app
from console.errors import ConsoleError, NotFound
from console.models import User
from console.notifier import commit
from policies.tokens import KINDS

# The operator at the server's shell acts with admin rights (audited as "cli").
OPERATOR = "cli"


def operator() -> User:
    # Never stored; "!" is no argon2 hash, so nobody can sign in as it either.
    return User(username=OPERATOR, role="admin", active=True, groups_text="", password_hash="!", created_at=0.0)  # noqa: S106


@click.command("enrol-code")
@click.option("--group", required=True)
@click.option("--uses", default=30, show_default=True, type=int, help="How many laptops may enrol with it.")
@click.option("--hours", default=24.0, show_default=True, type=float, help="How long it stays valid.")
@with_app
def enrol_code(group: str, uses: int, hours: float) -> None:
    """Print a one-time enrolment code for laptops of GROUP."""
    policy = context.policy()
    if group not in policy.groups:
        raise ConsoleError(f"the policy has no group {group!r} (it has {', '.join(policy.groups)})")
    session = db.session()
    code = devices.create_code(session, group=group, uses=uses, hours=hours, actor=OPERATOR, now=context.now())
    commit(session)
    click.echo(code)


@click.command()
@click.option("--teacher", required=True, help="Who grants (a teacher of the group, or directie).")
@click.option("--group", "groups", multiple=True, required=True)
@click.option("--service", "services", multiple=True, required=True, help="A blocked service, or * for all.")
@click.option("--minutes", required=True, type=int)
@click.option("--reason", default="")
@click.option("--kind", type=click.Choice(KINDS), default="exception", show_default=True)
@with_app
def grant(
    teacher: str, groups: tuple[str, ...], services: tuple[str, ...], minutes: int, reason: str, kind: str
) -> None:
    """Grant an exception (or, with --kind, a media permission or an ad-hoc lesson)."""
    session, now = db.session(), context.now()
    user = users.by_name(session, teacher)
    if user is None:
        raise NotFound(f"there is no user {teacher!r}")
    policy = context.policy()
    issued = grants.issue(
        session, context.instance(), policy, user, kind=kind, groups=list(groups), services=list(services),
        minutes=minutes, reason=reason, now=now,
    )  # fmt: skip
    commit(session)
    until = dt.datetime.fromtimestamp(issued.exp, policy.timezone).strftime("%Y-%m-%d %H:%M")
    click.echo(f"{issued.jti} {kind} for {','.join(issued.groups)} ({','.join(issued.services)}) until {until}")


@click.command()
@click.argument("token_id")
@with_app
def revoke(token_id: str) -> None:
    """Revoke a token: laptops stop honouring it at their next sync (at once when online)."""
    session = db.session()
    revoked = grants.revoke(session, operator(), token_id, now=context.now())
    commit(session)
    click.echo(f"Revoked {revoked.jti}.")


def register(group: click.Group) -> None:
    for command in (enrol_code, grant, revoke):
        group.add_command(command)
