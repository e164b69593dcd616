"""Runs classguard-proxy as a child process and keeps it running.

The agent never imports the proxy (an import-linter contract): it runs the
`classguard-proxy` command next to its own Python, with the interface the proxy
documents, and judges its health from outside: the process is alive and its port
accepts a TCP connection. A dead proxy is restarted within two seconds; while it is
down, guarded domains fail closed (the PAC has no DIRECT fallback for them).
"""

from __future__ import annotations

import collections
import contextlib
import logging
import socket
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from agent.config import join_host_port
from agent.port_owner import describe, listener_pids, stop_leftover_proxy

log = logging.getLogger(__name__)
READY_PREFIX: Final = "classguard-proxy listening on "
CHECK_EVERY_S: Final = 0.5
START_TIMEOUT_S: Final = 20.0
STOP_TIMEOUT_S: Final = 5.0
UNREACHABLE_LIMIT: Final = 4  # consecutive failed connects before a live proxy is restarted


@dataclass(frozen=True)
class ProxyArgs:
    """Everything the proxy is started with; a change means a restart."""

    command: Path
    policy: Path
    group: str
    device: str | None
    listen: tuple[str, int]
    data_dir: Path
    trust_keys: tuple[Path, ...]
    overrides: Path | None
    intercept: bool

    def argv(self) -> list[str]:
        argv = [str(self.command), "--policy", str(self.policy), "--group", self.group]
        if self.device:
            argv += ["--device", self.device]
        argv += ["--listen", join_host_port(self.listen), "--data-dir", str(self.data_dir)]
        for key in self.trust_keys:
            argv += ["--trust-key", str(key)]
        if self.overrides is not None:
            argv += ["--overrides", str(self.overrides)]
        if self.intercept:
            argv.append("--intercept")
        return argv


class ProxySupervisor:
    def __init__(self, args: ProxyArgs) -> None:
        self.args = args
        self.restarts = 0
        self.last_error: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._ready = threading.Event()
        self._stderr: collections.deque[str] = collections.deque(maxlen=5)
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._unreachable = 0
        self._watcher: threading.Thread | None = None
        self._owner_confirmed: int | None = None  # the proxy pid seen holding the port

    # -- life cycle ----------------------------------------------------------
    def start(self) -> None:
        """Start the proxy and a watcher thread that restarts it when it dies."""
        self._stop.clear()
        host, port = self.args.listen
        stop_leftover_proxy(host, port, self.args.command, self.args.data_dir)
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="proxy-watch", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=STOP_TIMEOUT_S)
        with self._lock:
            self._terminate()

    def reconfigure(self, args: ProxyArgs) -> None:
        """New group, keys or files: restart with them (policy content changes are
        picked up by the proxy itself from the files)."""
        with self._lock:
            if args == self.args:
                return
            self.args = args
            self._terminate()
            self._spawn()

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> bool:
        return self._ready.wait(timeout)

    # -- health --------------------------------------------------------------
    def healthy(self) -> bool:
        process = self._process
        alive = process is not None and process.poll() is None and self._ready.is_set()
        return alive and self._reachable() and self._owns_port()

    def state(self) -> str:
        return "running" if self.healthy() else "down"

    def _reachable(self) -> bool:
        host, port = self.args.listen
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            return False

    def _owns_port(self) -> bool:
        """Only our proxy listens on the port (unknown counts as yes: no false alarms).

        Asked once per proxy process, not on every health check: listing the system's
        sockets costs ~10 ms, which alone broke the idle CPU budget. Once our live proxy
        holds the listening socket, no other user can bind the same address and port
        (SO_REUSEPORT needs the same user), so the answer holds until that process
        dies, and then the watcher checks for a squatter anyway."""
        process = self._process
        if process is not None and process.pid == self._owner_confirmed:
            return True
        pids = listener_pids(*self.args.listen)
        if pids is None or process is None:
            return pids is None
        others = pids - {process.pid}
        if others:
            self.last_error = "the proxy's port is taken by another program: " + ", ".join(map(describe, others))
        owns = not others and process.pid in pids
        if owns:
            self._owner_confirmed = process.pid
        return owns

    def _watch(self) -> None:
        while not self._stop.wait(CHECK_EVERY_S):
            with self._lock:
                process = self._process
                if process is None or process.poll() is not None:
                    code = None if process is None else process.returncode
                    squatters = (listener_pids(*self.args.listen) or set()) - {getattr(process, "pid", -1)}
                    if squatters:  # it could not bind: someone else holds the port
                        taken = ", ".join(map(describe, squatters))
                        self.last_error = f"the proxy's port is taken by another program: {taken}"
                    else:
                        self.last_error = f"the proxy exited ({code}); restarted"
                    log.warning("proxy exited with %s; restarting", code)
                    self.restarts += 1
                    self._spawn()
                    continue
                if self._ready.is_set() and not self._reachable():
                    self._unreachable += 1
                    if self._unreachable >= UNREACHABLE_LIMIT:
                        self.last_error = "the proxy stopped answering; restarted"
                        log.warning("proxy does not answer on its port; restarting")
                        self.restarts += 1
                        self._terminate()
                        self._spawn()
                else:
                    self._unreachable = 0

    # -- process -------------------------------------------------------------
    def _spawn(self) -> None:
        self._ready.clear()
        self._unreachable = 0
        try:
            process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
                self.args.argv(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,  # a Ctrl-C for the agent's terminal is the agent's to handle
            )
        except OSError as exc:
            self._process = None
            self.last_error = f"cannot start {self.args.command}: {exc.strerror or exc}"
            log.error("%s", self.last_error)
            return
        self._process = process
        threading.Thread(target=self._read_stderr, args=(process,), name="proxy-stderr", daemon=True).start()

    def _read_stderr(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            if line.startswith(READY_PREFIX) and process is self._process:
                self._ready.set()
            elif line:
                self._stderr.append(line[:300])

    def recent_stderr(self) -> list[str]:
        return list(self._stderr)

    def _terminate(self) -> None:
        process = self._process
        self._process = None
        self._ready.clear()
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(STOP_TIMEOUT_S)
