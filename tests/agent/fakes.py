"""Fakes for the agent's tests: a console that speaks the agent API on 127.0.0.1, a
proxy executable that honours classguard-proxy's interface, and a settable clock."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from policies import clock
from policies.bundle import sign_bundle
from policies.keys import public_pem
from policies.tokens import issue_token


class FakeClock:
    """Wall and monotonic time that only move when a test moves them."""

    def __init__(self, wall: float = 1_796_112_000.0) -> None:  # Tuesday 2026-12-01 09:00 Amsterdam, in a lesson
        self.wall = wall
        self.mono = 1000.0

    def wall_seconds(self) -> float:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.wall += seconds
        self.mono += seconds


@dataclass
class ConsoleState:
    key: Ed25519PrivateKey
    policy_text: str
    files: dict[str, str] = field(default_factory=dict)
    version: int = 1
    tokens: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    server_time: float = 1_796_112_000.0
    secret: str = "s3cret-device-token"
    code: str = "ABC-123"
    down: bool = False
    raw_policy: str | None = None  # a test may serve a hand-made bundle
    group: str = "groep-7"
    retired_keys: list[Ed25519PrivateKey] = field(default_factory=list)  # still trusted after a rotation
    heartbeats: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    enrolments: list[dict[str, Any]] = field(default_factory=list)
    syncs: int = 0
    report_status: int = 200  # what asks and reports get (429, 400, ...); kept only on 200
    enrol_busy: int = 0  # this many enrolments are answered 429 first (a school enrolling at once)
    lose_answers: int = 0  # asks/reports to keep but answer with a dropped connection (a lost response)
    wait: float = 0.3  # long-poll, short in tests

    def bundle(self) -> str:
        if self.raw_policy is not None:
            return self.raw_policy
        return sign_bundle(
            self.key, version=self.version, policy_text=self.policy_text, files=self.files, now=int(self.server_time)
        )

    def token(self, **claims: Any) -> str:
        base: dict[str, Any] = dict(
            sub="juf-anna",
            kind="exception",
            groups=["groep-7"],
            services=["youtube"],
            now=int(self.server_time),
            minutes=30,
            reason="filmpje",
        )
        base.update(claims)
        return issue_token(self.key, **base)


class FakeConsole:
    """The agent API of DESIGN.md, in memory, on 127.0.0.1 (a fake, not a mock)."""

    def __init__(self, state: ConsoleState) -> None:
        self.state = state
        self.changed = threading.Condition()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> FakeConsole:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def publish(self, **changes: Any) -> None:
        with self.changed:
            for key, value in changes.items():
                setattr(self.state, key, value)
            self.changed.notify_all()


def _handler(console: FakeConsole) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") != f"Bearer {console.state.secret}":
                self._send(401, {"error": "unknown device"})
                return False
            return True

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"{}")

        def do_GET(self) -> None:
            state = console.state
            if state.down:
                self._send(503, {"error": "down"})
                return
            parts = urlsplit(self.path)
            if parts.path != "/api/v1/sync":
                self._send(404, {"error": "no such call"})
                return
            if not self._authorised():
                return
            since = parse_qs(parts.query).get("since", [None])[0]
            with console.changed:
                if since is not None and int(since) == state.version:
                    console.changed.wait(state.wait)
                state.syncs += 1
                keys = [public_pem(k.public_key()) for k in (state.key, *state.retired_keys)]
                body = {
                    "version": state.version,
                    "policy": state.bundle(),
                    "tokens": list(state.tokens),
                    "revoked": list(state.revoked),
                    "server_time": state.server_time,
                    "group": state.group,
                    "device_id": "dev-42",
                    "public_keys": keys,
                }
            self._send(200, body)

        def do_POST(self) -> None:
            state = console.state
            if state.down:
                self._send(503, {"error": "down"})
                return
            path = urlsplit(self.path).path
            body = self._body()
            if path == "/api/v1/enroll":
                state.enrolments.append(body)
                if state.enrol_busy > 0:
                    state.enrol_busy -= 1
                    self._send(429, {"error": "too many requests; try again in 30 s"})
                    return
                if body.get("code") != state.code:
                    self._send(403, {"error": "unknown enrolment code"})
                    return
                self._send(
                    200,
                    {
                        "device_id": "dev-42",
                        "device_secret": state.secret,
                        "group": "groep-7",
                        "public_keys": [public_pem(state.key.public_key())],
                    },
                )
                return
            if not self._authorised():
                return
            target = {
                "/api/v1/heartbeat": state.heartbeats,
                "/api/v1/requests": state.requests,
                "/api/v1/incidents": state.incidents,
            }.get(path)
            if target is None:
                self._send(404, {"error": "no such call"})
                return
            if path != "/api/v1/heartbeat" and state.report_status != 200:
                self._send(state.report_status, {"error": "refused by the test"})
                return
            target.append(body)
            if path != "/api/v1/heartbeat" and state.lose_answers > 0:
                state.lose_answers -= 1
                self.close_connection = True  # the console has it; the agent never hears so
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._send(200, {})

    return Handler


FAKE_PROXY = '''\
"""A stand-in for classguard-proxy that honours its command-line interface."""
import argparse, json, os, signal, socket, sys, time
parser = argparse.ArgumentParser()
parser.add_argument("--policy", required=True)
parser.add_argument("--group", required=True)
parser.add_argument("--device")
parser.add_argument("--listen", required=True)
parser.add_argument("--data-dir", required=True)
parser.add_argument("--trust-key", action="append", default=[])
parser.add_argument("--overrides")
parser.add_argument("--intercept", action="store_true")
args = parser.parse_args()
if not os.path.exists(args.policy) or not args.trust_key:
    sys.exit("fake proxy: no policy file or no trust key")
host, port = args.listen.rsplit(":", 1)
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((host, int(port)))
server.listen(16)
server.settimeout(0.2)
def stop(signum, frame):
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
with open(os.path.join(args.data_dir, "argv.json"), "w") as out:
    json.dump(sys.argv[1:], out)
status = {"pid": os.getpid(), "listen": args.listen, "intercept": args.intercept,
          "media_enforceable": args.intercept, "policy_loaded_at": None, "last_error": None}
with open(os.path.join(args.data_dir, "status.json"), "w") as out:
    json.dump(status, out)
print(f"classguard-proxy listening on {args.listen}", file=sys.stderr, flush=True)
while True:
    try:
        conn, _ = server.accept()
        conn.close()
    except socket.timeout:
        pass
'''


def write_fake_proxy(directory: Path) -> Path:
    path = directory / "classguard-proxy"
    path.write_text(f"#!{sys.executable}\n{FAKE_PROXY}", encoding="utf-8")
    path.chmod(0o755)
    return path


def wait_for(condition: Any, timeout: float = 10.0, every: float = 0.05) -> bool:
    """Poll until condition() is true; bounded so no test hangs."""
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())
