"""classguard-agent: enrol, run, status, tray, settings plan.

Exit codes: 0 ok; 1 something the operator must fix (not enrolled, already running,
console refused); 2 the command line or the config file is wrong. Errors are one
clear line each (config errors one per problem, FILE:LINE:COL), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import Any

from agent.config import Config, load_config
from agent.enrol import enrol
from agent.errors import AgentError, UsageError
from agent.identity import NotEnrolled, load_identity
from agent.lock import agent_running
from agent.paths import StatePaths
from agent.status import STATUS_KEYS, not_enrolled_status, render_dutch
from agent.timekeeping import SystemClock

PROG = "classguard-agent"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # exit 2 with one line, like argparse, but testable
        raise UsageError(message)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        config = load_config(args.config)
        result: int = args.run(config, args)
        return result
    except UsageError as exc:
        for line in str(exc).splitlines():
            sys.stderr.write(f"{PROG}: error: {line}\n" if not _located(line) else f"{line}\n")
        return 2
    except AgentError as exc:
        sys.stderr.write(f"{PROG}: {exc}\n")
        return 1


def _located(line: str) -> bool:
    head = line.split(": ", 1)[0]
    return head.count(":") >= 2  # FILE:LINE:COL


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="The classguard laptop agent.")
    parser.add_argument("--config", required=True, metavar="FILE", help="the agent's YAML config file")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    enrol_cmd = commands.add_parser("enrol", help="enrol this device with the console (once)")
    enrol_cmd.add_argument("--console", metavar="URL", help="the console (default: console_url from the config)")
    enrol_cmd.add_argument(
        "--code", required=True, help="the enrolment code from IT; - reads it from standard input (scripts)"
    )
    enrol_cmd.add_argument(
        "--retry-for",
        metavar="SECONDS",
        type=_seconds,
        default=0.0,
        help="when the console is busy or unreachable, try again for this long (unattended installs)",
    )
    enrol_cmd.set_defaults(run=_enrol)
    run = commands.add_parser("run", help="run the service in the foreground")
    run.set_defaults(run=_run)
    status = commands.add_parser("status", help="what is enforced now")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.set_defaults(run=_status)
    tray = commands.add_parser("tray", help="the tray icon for the person at the laptop")
    tray.set_defaults(run=_tray)
    settings_cmd = commands.add_parser("settings", help="the system settings the agent keeps")
    settings_sub = settings_cmd.add_subparsers(dest="settings_command", required=True, metavar="ACTION",
                                               parser_class=_Parser)  # fmt: skip
    plan = settings_sub.add_parser("plan", help="print what would be set for this config's PAC URL; changes nothing")
    plan.add_argument("--platform", choices=("linux", "windows", "macos"), help="default: this machine's")
    plan.add_argument("--json", action="store_true", help="one JSON object (the only output format)")
    plan.set_defaults(run=_settings_plan)
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86_400:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 86400")
    return value


def _enrol(config: Config, args: argparse.Namespace) -> int:
    # "-": the code from standard input, so it is not in the process list for others to read
    code = sys.stdin.readline().strip() if args.code == "-" else args.code
    if not code:
        raise UsageError("enrol: the enrolment code is empty")
    identity = enrol(StatePaths(config.state_dir), args.console or config.console_url, code, retry_for_s=args.retry_for)
    sys.stdout.write(f"Aangemeld: apparaat {identity.device_id}, groep {identity.group}.\n")
    return 0


def _run(config: Config, args: argparse.Namespace) -> int:
    from agent.tasks import build_agent

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    agent = build_agent(config, SystemClock())

    def stop(signum: int, frame: FrameType | None) -> None:
        agent.request_stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    agent.start()
    try:
        agent.run_forever()
    finally:
        agent.stop()
    return 0


def read_status(config: Config) -> dict[str, Any]:
    paths = StatePaths(config.state_dir)
    try:
        identity = load_identity(paths)
    except NotEnrolled:
        return not_enrolled_status()
    running = agent_running(paths.lock)
    try:
        status = json.loads(paths.status.read_text(encoding="utf-8"))
        if not isinstance(status, dict) or not all(key in status for key in STATUS_KEYS):
            raise ValueError("incomplete")
    except (OSError, ValueError):
        status = {**not_enrolled_status(), "not_enforceable": [], "problems": ["de agent heeft nog geen status"]}
    status.update(enrolled=True, device_id=identity.device_id, group=identity.group, agent_running=running)
    if not running:
        # a file left by an agent that stopped says nothing about now
        status.update(proxy="down", console="offline")
        status.setdefault("problems", []).insert(0, "de agent draait niet: niets wordt afgedwongen")
    return status


def _status(config: Config, args: argparse.Namespace) -> int:
    status = read_status(config)
    if args.json:
        sys.stdout.write(json.dumps(status, sort_keys=True) + "\n")
    else:
        sys.stdout.write(render_dutch(status))
    return 0


def _settings_plan(config: Config, args: argparse.Namespace) -> int:
    from agent.settings_plan import current_platform, plan_document

    if not args.json:
        raise UsageError("settings plan: add --json (the plan is printed as JSON only)")
    platform = args.platform or current_platform(sys.platform)
    document = plan_document(config.pac_url, platform, trust_ca=config.intercept)
    sys.stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
    return 0


def _tray(config: Config, args: argparse.Namespace) -> int:
    from agent.tray.app import run_tray

    return run_tray(config.tray_socket)


if __name__ == "__main__":
    sys.exit(main())
