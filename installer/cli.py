"""classguard-install [--root DIR] [--dry-run] [--unattended] COMMAND

Exit status: 0 done, 1 failed (the message says what to do; the machine is as it was),
2 the command line is wrong (argparse's message)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from installer import build_commands, console_commands, laptop_commands, status, uninstall, upgrade
from installer.agent_config import DEFAULT_PAC_PORT, DEFAULT_PROXY_PORT
from installer.agent_health import AgentService
from installer.console_files import postgres_url
from installer.errors import InstallError
from installer.release import valid_version
from installer.venv_step import default_python

PROG = "classguard-install"


def main(argv: Sequence[str] | None = None, *, agent_service: AgentService | None = None) -> int:
    """`agent_service` restarts the agent for upgrade's health check: systemd unless
    given (the tests run the agent in the foreground from a staging root)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage line
        return int(exc.code or 0)
    args.agent_service = agent_service
    if getattr(args, "code", None) and not getattr(args, "console", None):
        parser.print_usage(sys.stderr)
        sys.stderr.write(f"{PROG}: error: --code needs --console URL\n")
        return 2
    os.umask(0o022)  # what we install must not be writable by others, whatever the caller's umask
    try:
        root = Path(args.root).resolve()
        if not root.is_dir():
            raise InstallError(f"--root {args.root} is not a directory: create it or name another")
        result: int = args.run(root, args, sys.stdout)
        return result
    except InstallError as exc:
        sys.stderr.write(f"{PROG}: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted; run `{PROG} status` to see what is installed\n")
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Install, upgrade and remove classguard.")
    parser.add_argument("--root", default="/", metavar="DIR", help="install under DIR (a staging root); default /")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    parser.add_argument("--unattended", action="store_true", help="never ask; for scripts and MDM")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    plan = commands.add_parser("plan", help="print the install steps for this machine")
    _install_options(plan)
    plan.set_defaults(run=laptop_commands.plan)
    install = commands.add_parser("install", help="install the agent, its service, tray and policies")
    _install_options(install)
    install.set_defaults(run=laptop_commands.install)
    remove = commands.add_parser("uninstall", help="undo what install did, from its manifest")
    remove.add_argument("--console", action="store_true", help="the console server (`console`) instead of the laptop")
    remove.add_argument("--purge", action="store_true", help="with --console: remove the instance it made too")
    remove.set_defaults(run=uninstall.uninstall)
    renew = commands.add_parser("upgrade", help="a new version in place; the old one back if it is not healthy")
    renew.add_argument("--to", type=_version, metavar="VERSION", help="default: the installer's own")
    renew.add_argument(
        "--timeout", type=float, default=90.0, metavar="S", help="how long the new agent has to come up healthy"
    )
    _package_options(renew)
    renew.set_defaults(run=upgrade.upgrade)
    show = commands.add_parser("status", help="what is installed, versions, service, enrolment, drift")
    show.set_defaults(run=status.status)
    server = commands.add_parser("console", help="install the console server: gunicorn service, config, nginx example")
    server.add_argument("--instance", required=True, type=_absolute, metavar="DIR", help="e.g. /srv/classguard")
    server.add_argument("--postgres", type=_postgres, metavar="URL", help="postgresql://USER:PASSWORD@HOST/DB")
    server.add_argument("--bind", default="127.0.0.1:5080", type=_bind, metavar="HOST:PORT", help="gunicorn's address")
    server.add_argument("--workers", type=_workers, default=2, metavar="N", help="gevent workers")
    _package_options(server)
    server.set_defaults(run=console_commands.console)
    build = commands.add_parser("build", help="the packages for Windows (WiX source) and macOS (pkg layout, profile)")
    build.add_argument("system", choices=("windows", "macos"))
    build.add_argument("--out", required=True, metavar="DIR", help="an empty or new folder")
    build.add_argument("--console", metavar="URL", help="the school's console (written into the agent's config)")
    build.add_argument("--with-ca", action="store_true", help="intercept guarded hosts and trust the laptop's CA")
    build.add_argument("--ca", metavar="PEM", help="macOS: put this laptop's CA into the profile (per-device MDM)")
    build.add_argument("--allow-private-windows", action="store_true", help="keep Incognito/InPrivate available")
    build.add_argument("--proxy-port", type=int, default=DEFAULT_PROXY_PORT, metavar="PORT")
    build.add_argument("--pac-port", type=int, default=DEFAULT_PAC_PORT, metavar="PORT")
    build.set_defaults(run=build_commands.build)
    return parser


def _version(text: str) -> str:
    if not valid_version(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a version number (e.g. 0.2.0)")
    return text


def _absolute(text: str) -> str:
    if not text.startswith("/") or ".." in text.split("/"):
        raise argparse.ArgumentTypeError(f"{text!r}: name the folder by its absolute path, e.g. /srv/classguard")
    return text.rstrip("/") or "/"


def _postgres(text: str) -> str:
    try:
        return postgres_url(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"{text!r}: give 1 to 64 (2 per CPU core is plenty with gevent)")
    return int(text)


def _bind(text: str) -> str:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT (e.g. 127.0.0.1:5080)")
    return text


def _install_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--console", metavar="URL", help="the school's console")
    parser.add_argument("--code", metavar="CODE", help="an enrolment code: enrol during install")
    parser.add_argument("--with-ca", action="store_true", help="trust this laptop's proxy CA (block pages over HTTPS)")
    _package_options(parser)
    parser.add_argument("--proxy-port", type=int, default=DEFAULT_PROXY_PORT, metavar="PORT")
    parser.add_argument("--pac-port", type=int, default=DEFAULT_PAC_PORT, metavar="PORT")


def _package_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--python", default=default_python(), metavar="PY", help="interpreter for the venv")
    parser.add_argument("--wheels", metavar="DIR", help="install from this wheelhouse only (offline)")
    parser.add_argument("--deps-from", metavar="VENV", help="reuse this venv's dependencies (tests, development)")


if __name__ == "__main__":
    sys.exit(main())
