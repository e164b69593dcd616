"""classguard-policy: the command line of the core (check, decide, pac, keygen, token).

Exit codes: 0 ok; 1 the input is wrong (policy errors, a rejected token); 2 the
command line is wrong. Errors are one clear line each, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from policies.clock import system_now
from policies.decide import Request, decide
from policies.ed25519 import VerifyKey
from policies.errors import PolicyError, UserError
from policies.keys import key_id, load_private_key, load_public_key, write_key_pair
from policies.loader import load_policy
from policies.model import Policy
from policies.overrides import NO_OVERRIDES, load_overrides
from policies.pac import generate_pac
from policies.tokens import KINDS, TokenError, issue_token, verify_token

PROG = "classguard-policy"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        result: int = args.run(args)
        return result
    except PolicyError as exc:
        print(exc, file=sys.stderr)
        return 1
    except UserError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except TokenError as exc:
        print(f"rejected: {exc}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Check and use classguard policy files.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="validate policy files")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.set_defaults(run=_check)

    ask = commands.add_parser("decide", help="what the policy says for one host, now or at a given moment")
    ask.add_argument("file", metavar="FILE")
    ask.add_argument("--group", required=True)
    ask.add_argument("--host", required=True)
    ask.add_argument("--device", help="this device's id (device-scoped tokens need it)")
    ask.add_argument("--at", help="ISO-8601 moment; without an offset it is the school's local time")
    ask.add_argument("--method")
    ask.add_argument("--content-type")
    ask.add_argument("--overrides", metavar="FILE", help='JSON {"tokens": [...], "revoked": [...]}')
    ask.add_argument("--trust-key", action="append", default=[], metavar="PEM")
    ask.add_argument("--json", action="store_true", help="print the decision as one JSON object")
    ask.set_defaults(run=_decide)

    pac = commands.add_parser("pac", help="print the PAC file for a policy")
    pac.add_argument("file", metavar="FILE")
    pac.add_argument("--proxy", required=True, metavar="HOST:PORT")
    pac.set_defaults(run=_pac)

    keygen = commands.add_parser("keygen", help="create an Ed25519 signing key pair")
    keygen.add_argument("--out", required=True, metavar="DIR")
    keygen.set_defaults(run=_keygen)

    token = commands.add_parser("token", help="issue or verify override tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True, metavar="COMMAND")
    issue = token_commands.add_parser("issue", help="sign a token (prints it)")
    issue.add_argument("--key", required=True, metavar="PEM")
    issue.add_argument("--group", action="append", required=True)
    issue.add_argument("--device", action="append", default=[])
    issue.add_argument("--service", action="append", required=True)
    issue.add_argument("--minutes", type=int, required=True)
    issue.add_argument("--reason", required=True)
    issue.add_argument("--kind", choices=KINDS, default="exception")
    issue.add_argument("--sub", default="classguard-policy", help="who grants it (the teacher's id)")
    issue.set_defaults(run=_token_issue)
    verify = token_commands.add_parser("verify", help="check a token and print its claims")
    verify.add_argument("token")
    verify.add_argument("--trust-key", action="append", required=True, metavar="PEM")
    verify.add_argument("--policy", metavar="FILE")
    verify.add_argument("--group")
    verify.set_defaults(run=_token_verify)
    return parser


# -- commands ------------------------------------------------------------------
def _check(args: argparse.Namespace) -> int:
    failed = False
    for file in args.files:
        try:
            policy = load_policy(file)
        except PolicyError as exc:
            print(exc, file=sys.stderr)
            failed = True
            continue
        services = len(policy.block)
        domains = len(policy.matcher.guarded_domains())
        print(f"{file}: ok ({len(policy.lessons)} groups, {services} services, {domains} domains)")
    return 1 if failed else 0


def _decide(args: argparse.Namespace) -> int:
    policy = load_policy(args.file)
    _known_group(policy, args.group)
    now = _moment(args.at, policy) if args.at else system_now()
    overrides = NO_OVERRIDES
    if args.overrides:
        if not args.trust_key:
            raise UserError("--overrides needs at least one --trust-key to verify the tokens with")
        try:
            loaded = load_overrides(Path(args.overrides), _trusted_keys(args.trust_key))
        except ValueError as exc:
            raise UserError(str(exc)) from exc
        for line in loaded.rejected:
            print(f"{PROG}: warning: {args.overrides}: ignored {line}", file=sys.stderr)
        overrides = loaded.overrides
    request = Request(args.host, args.group, args.device, args.method, args.content_type)
    try:
        decision = decide(policy, request, now, overrides)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    except OverflowError as exc:  # a moment at the very edge of the calendar
        raise UserError(f"--at {args.at} is outside the dates classguard can work with") from exc
    if args.json:
        print(json.dumps(decision.as_json()))
    else:
        what = decision.service or request.host
        until = f" until {decision.until:%a %Y-%m-%d %H:%M}" if decision.until else ""
        print(f"{decision.verdict}: {what} ({decision.reason}){until}")
    return 0


def _pac(args: argparse.Namespace) -> int:
    policy = load_policy(args.file)
    try:
        sys.stdout.write(generate_pac(policy, args.proxy))
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    return 0


def _keygen(args: argparse.Namespace) -> int:
    try:
        private, public = write_key_pair(Path(args.out))
    except FileExistsError as exc:
        raise UserError(f"{exc.filename} exists already; move it away to make a new key") from exc
    except OSError as exc:
        raise UserError(f"cannot write the key: {exc}") from exc
    print(f"wrote {private} (keep secret) and {public} (kid {key_id(load_public_key(public.read_bytes()))})")
    return 0


def _token_issue(args: argparse.Namespace) -> int:
    try:
        key = load_private_key(Path(args.key).read_bytes())
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot use {args.key} as a signing key: {exc}") from exc
    try:
        token = issue_token(
            key,
            sub=args.sub,
            kind=args.kind,
            groups=args.group,
            devices=args.device,
            services=args.service,
            now=int(system_now().timestamp()),
            minutes=args.minutes,
            reason=args.reason,
        )
    except (ValueError, TokenError) as exc:
        raise UserError(str(exc)) from exc
    print(token)
    return 0


def _token_verify(args: argparse.Namespace) -> int:
    token = verify_token(args.token.strip(), _trusted_keys(args.trust_key))
    now = system_now().timestamp()
    if now >= token.exp:
        raise TokenError("expired", f"expired at {dt.datetime.fromtimestamp(token.exp, dt.UTC):%Y-%m-%d %H:%M} UTC")
    if not token.active_at(now):
        raise TokenError(
            "not yet valid", f"valid from {dt.datetime.fromtimestamp(token.nbf, dt.UTC):%Y-%m-%d %H:%M} UTC"
        )
    if args.policy:
        if not args.group:
            raise UserError("--policy needs --group")
        policy = load_policy(args.policy)
        _known_group(policy, args.group)
        if token.exp - token.nbf > policy.overrides.max_minutes * 60:
            raise TokenError("lifetime", f"longer than the policy's max_minutes ({policy.overrides.max_minutes})")
    if args.group and args.group not in token.groups:
        raise TokenError("group", f"not for {args.group}")
    claims = {
        "jti": token.jti, "sub": token.sub, "kind": token.kind, "groups": sorted(token.groups),
        "devices": sorted(token.devices), "services": sorted(token.services), "iat": token.iat,
        "nbf": token.nbf, "exp": token.exp, "reason": token.reason, "kid": token.kid,
    }  # fmt: skip
    print(json.dumps(claims, indent=2, ensure_ascii=False))
    return 0


# -- helpers -------------------------------------------------------------------
def _trusted_keys(paths: Sequence[str]) -> dict[str, VerifyKey]:
    keys = {}
    for path in paths:
        try:
            key = load_public_key(Path(path).read_bytes())
        except (OSError, ValueError) as exc:
            raise UserError(f"cannot use {path} as a trusted key: {exc}") from exc
        keys[key_id(key)] = key
    return keys


def _known_group(policy: Policy, group: str) -> None:
    if group not in policy.lessons:
        raise UserError(f"unknown group '{group}'; {policy.source} has: {', '.join(policy.lessons)}")


def _moment(text: str, policy: Policy) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise UserError(f"--at {text!r} is not an ISO-8601 moment (e.g. 2026-12-01T10:00)") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=policy.timezone)


if __name__ == "__main__":
    sys.exit(main())
