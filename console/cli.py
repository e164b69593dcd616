"""`classguard-console --instance DIR <command>`: set up and run the console.

main(argv) -> int: 0 done, 1 the input was wrong (a clear message on stderr, nothing
changed), 2 the command line was wrong. Commands live in cli_*.py, one file per theme,
and call the same service functions as the web pages.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask
from sqlalchemy.exc import OperationalError, ProgrammingError

from console.app import create_app
from console.clock import Clock
from console.errors import ConsoleError
from policies.errors import PolicyError

F = TypeVar("F", bound=Callable[..., Any])


class State:
    def __init__(self, instance: Path, clock: Clock | None) -> None:
        self.instance = instance
        self.clock = clock
        self._app: Flask | None = None

    @property
    def app(self) -> Flask:
        if self._app is None:
            self._app = create_app({"INSTANCE": str(self.instance)}, clock=self.clock)
        return self._app


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--instance",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="CLASSGUARD_INSTANCE",
    required=True,
    help="Directory with the database, signing keys and config.toml (or $CLASSGUARD_INSTANCE).",
)
@click.pass_context
def cli(ctx: click.Context, instance: Path) -> None:
    """The classguard web console: teachers' exceptions, IT's policy, the laptops' API."""
    ctx.obj = State(instance.resolve(), ctx.meta.get("classguard.clock"))


def with_app[F: Callable[..., Any]](command: F) -> F:
    """Run the command inside an app context (the db session is closed afterwards)."""
    import functools

    @functools.wraps(command)
    @click.pass_obj
    def wrapper(state: State, *args: Any, **kwargs: Any) -> Any:
        with state.app.app_context():
            return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    from console import cli_policy, cli_privacy, cli_setup, cli_tokens

    for module in (cli_setup, cli_policy, cli_tokens, cli_privacy):
        module.register(cli)
    try:
        with cli.make_context("classguard-console", list(sys.argv[1:] if argv is None else argv)) as ctx:
            ctx.meta["classguard.clock"] = clock
            cli.invoke(ctx)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.UsageError as exc:
        exc.show()
        return 2
    except click.ClickException as exc:
        exc.show()
        return 1
    except click.Abort:
        click.echo("aborted", err=True)
        return 1
    except PolicyError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        return 1
    except ConsoleError as exc:
        click.echo(f"error: {exc}", err=True)
        return 1
    except (OperationalError, ProgrammingError) as exc:
        click.echo(f"error: the database is not ready ({exc.orig}); run `init` first", err=True)
        return 1
    return 0
