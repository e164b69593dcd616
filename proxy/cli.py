"""classguard-proxy: the laptop's enforcing proxy (started and watched by the agent).

    classguard-proxy --policy FILE --group G [--device ID] --listen HOST:PORT
                     --data-dir DIR [--trust-key PEM ...] [--overrides FILE] [--intercept]

Exit status: 0 after SIGTERM/SIGINT, 1 when the proxy fails while running (e.g. its
port is taken), 2 for a bad argument or a policy that does not load.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from policies.errors import PolicyError
from proxy.resolve import parse_resolve
from proxy.runner import Settings, UnsafeOptions, run
from proxy.sources import CLOCK_FILE, Sources


class UsageError(Exception):
    pass


def parse_listen(value: str) -> tuple[str, int]:
    """HOST:PORT on loopback only: a proxy reachable from the network would let anyone
    on it use the laptop's exceptions."""
    host, sep, port_text = value.rpartition(":")
    host = host.strip("[]")
    if not sep or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise UsageError(f"--listen {value!r}: expected HOST:PORT, e.g. 127.0.0.1:3128")
    if host != "localhost":
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise UsageError(f"--listen {value!r}: the proxy listens on loopback only (127.0.0.1 or ::1)")
    return host, int(port_text)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line that says what to fix (argparse would add a usage block).
        self.exit(2, f"classguard-proxy: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="classguard-proxy", description="classguard's enforcing proxy")
    parser.add_argument("--policy", required=True, type=Path, help="the school's policy file")
    parser.add_argument("--group", required=True, help="this laptop's group, e.g. groep-7")
    parser.add_argument("--device", help="this laptop's device id (for device-scoped exceptions)")
    parser.add_argument("--listen", required=True, help="HOST:PORT on loopback, e.g. 127.0.0.1:3128")
    parser.add_argument("--data-dir", required=True, type=Path, help="where the CA, counters and status live")
    parser.add_argument("--trust-key", action="append", default=[], type=Path, help="a console public key (PEM)")
    parser.add_argument("--overrides", type=Path, help="the exceptions file the agent keeps current")
    parser.add_argument("--intercept", action="store_true", help="show block pages over HTTPS (guarded hosts only)")
    parser.add_argument("--upstream-ca", type=Path, help="also trust this CA for upstream servers (a school's own)")
    parser.add_argument("--resolve", action="append", default=[], help="NAME=IP: dial IP for NAME (like curl)")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    host, port = parse_listen(args.listen)
    for path in [args.policy, *args.trust_key, *([args.upstream_ca] if args.upstream_ca else [])]:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
    if not args.group.strip():
        raise UsageError("--group must not be empty")
    try:
        resolve = parse_resolve(args.resolve)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    data_dir: Path = args.data_dir
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--data-dir {data_dir}: {exc.strerror}") from exc
    sources = Sources(
        policy_path=args.policy,
        key_paths=tuple(args.trust_key),
        overrides_path=args.overrides,
        clock_path=data_dir / CLOCK_FILE,
    )
    return Settings(sources, args.group, args.device, host, port, data_dir, args.intercept, args.upstream_ca, resolve)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from(args)
        snapshot = settings.sources.load_initial()
        if settings.group not in snapshot.policy.lessons:
            known = ", ".join(snapshot.policy.groups)
            raise UsageError(f"--group {settings.group!r} is not in the policy (its groups: {known})")
        return run(settings)
    except UsageError as exc:
        return _fail(str(exc))
    except PolicyError as exc:
        return _fail(str(exc).strip().replace("\n", "; "))
    except (UnsafeOptions, ValueError, OSError) as exc:
        return _fail(str(exc))


def _fail(message: str) -> int:
    sys.stderr.write(f"classguard-proxy: {message}\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
