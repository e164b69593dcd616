"""privacy export --device ID, privacy purge."""

from __future__ import annotations

import json

import click

from console import audit, context, db, privacy
from console.cli import with_app
from console.cli_tokens import OPERATOR
from console.notifier import commit


@click.group("privacy")
def privacy_group() -> None:
    """Data subject requests and retention (AVG)."""


@privacy_group.command("export")
@click.option("--device", "device_id", required=True)
@with_app
def export(device_id: str) -> None:
    """Print, as JSON, everything the console keeps about one laptop."""
    session = db.session()
    document = privacy.export_device(session, device_id)
    audit.record(session, at=context.now(), actor=OPERATOR, action="privacy-export", detail=device_id)
    commit(session)
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


@privacy_group.command("purge")
@with_app
def purge() -> None:
    """Delete counters, requests, incidents and audit entries past the policy's retention."""
    session = db.session()
    counts = privacy.purge(session, context.policy().privacy, now=context.now(), actor=OPERATOR)
    commit(session)
    click.echo("Deleted " + ", ".join(f"{n} {kind}" for kind, n in counts.items()) + ".")


def register(group: click.Group) -> None:
    group.add_command(privacy_group)
