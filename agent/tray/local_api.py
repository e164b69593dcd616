"""The agent's local socket for the tray: three read/ask actions, nothing else.

Any local user may connect (the socket is 0666), because the tray runs as the pupil.
So the socket is an attack surface: the agent reads the caller's uid and pid with
SO_PEERCRED (from the kernel, not from the message), accepts only `state`, `ask` and
`report`, caps the size and time of a request, checks the service against the policy,
lets a message be only one of the tray's fixed texts, and rate-limits asks and
reports per uid. Nothing a caller sends can change the agent.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import socketserver
import stat
import struct
import threading
from collections import defaultdict, deque
from pathlib import Path
from typing import Any, Final, Protocol

from agent.timekeeping import Clock
from agent.tray.texts import ASK_MESSAGES, REPORT_MESSAGES

log = logging.getLogger(__name__)
ACTIONS: Final = ("state", "ask", "report")
MAX_REQUEST: Final = 4096
READ_TIMEOUT_S: Final = 2.0
SENDS_PER_WINDOW: Final = 3
WINDOW_S: Final = 600.0


class TrayBackend(Protocol):
    def tray_state(self) -> dict[str, Any]: ...
    def guarded_services(self) -> set[str]: ...
    # each returns "sent", "queued" (kept on disk, delivered later) or "failed"
    def ask_exception(self, service: str, message: str) -> str: ...
    def report_incident(self, message: str) -> str: ...


def peer_credentials(sock: socket.socket) -> tuple[int, int, int]:
    """(pid, uid, gid) of the process at the other end, from the kernel."""
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    pid, uid, gid = struct.unpack("3i", creds)
    return pid, uid, gid


class LocalApi:
    def __init__(self, path: Path, backend: TrayBackend, clock: Clock) -> None:
        self.path = path
        self.backend = backend
        self.clock = clock
        self.callers: deque[tuple[int, int, str]] = deque(maxlen=50)  # (uid, pid, action): for tests and audit
        self._sends: dict[int, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._server: socketserver.ThreadingUnixStreamServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if not self.path.parent.exists():
            self.path.parent.mkdir(parents=True)
            self.path.parent.chmod(0o755)  # ours: reachable by the tray, writable by the agent only
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISSOCK(self.path.lstat().st_mode):
                raise OSError(f"{self.path} exists and is not a socket; not replacing it")
            self.path.unlink()  # a socket left by an agent that died
        server = socketserver.ThreadingUnixStreamServer(str(self.path), _handler(self))
        server.daemon_threads = True
        self.path.chmod(0o666)  # the tray runs as the pupil
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.1,), name="tray-api", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def tick(self, agent: object) -> None:
        pass  # runs on its own thread; a task only so that the agent stops it

    # -- one request ---------------------------------------------------------
    def handle(self, request: Any, uid: int, pid: int) -> dict[str, Any]:
        if not isinstance(request, dict) or request.get("action") not in ACTIONS:
            return {"ok": False, "error": "unknown action"}
        action = request["action"]
        self.callers.append((uid, pid, action))
        log.info("tray request %s from uid %d", action, uid)  # never the message: it goes to school, not to logs
        if action == "state":
            return {"ok": True, "state": self.backend.tray_state()}
        if action == "ask":
            service, message = request.get("service"), request.get("message")
            if not isinstance(service, str) or service not in self.backend.guarded_services():
                return {"ok": False, "error": "unknown service"}
            if message not in ASK_MESSAGES:
                return {"ok": False, "error": "unknown message"}
            if not self._may_send(uid):
                return {"ok": False, "error": "too many"}
            return _answer(self.backend.ask_exception(service, message))
        message = request.get("message")
        if message not in REPORT_MESSAGES:
            return {"ok": False, "error": "unknown message"}
        if not self._may_send(uid):
            return {"ok": False, "error": "too many"}
        return _answer(self.backend.report_incident(message))

    def _may_send(self, uid: int) -> bool:
        now = self.clock.monotonic()
        with self._lock:
            sent = self._sends[uid]
            while sent and now - sent[0] > WINDOW_S:
                sent.popleft()
            if len(sent) >= SENDS_PER_WINDOW:
                return False
            sent.append(now)
            return True


def _answer(delivery: str) -> dict[str, Any]:
    if delivery == "sent":
        return {"ok": True}
    if delivery == "queued":
        return {"ok": True, "queued": True}
    return {"ok": False, "error": "not sent"}


def _handler(api: LocalApi) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        timeout = READ_TIMEOUT_S  # a caller that sends nothing does not hold a thread for long

        def handle(self) -> None:
            try:
                pid, uid, _ = peer_credentials(self.connection)
                line = self.rfile.readline(MAX_REQUEST + 1)
            except OSError:
                return
            if len(line) > MAX_REQUEST or not line.endswith(b"\n"):
                answer: dict[str, Any] = {"ok": False, "error": "request too large or incomplete"}
            else:
                try:
                    answer = api.handle(json.loads(line), uid, pid)
                except ValueError:
                    answer = {"ok": False, "error": "not JSON"}
            with contextlib.suppress(OSError):
                self.wfile.write(json.dumps(answer).encode("utf-8") + b"\n")

    return Handler
