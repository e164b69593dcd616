"""The proxy's own clockwork, a few times a second: reload changed files, close
connections whose verdict has turned, save the counters, keep status.json current."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from pathlib import Path

from mitmproxy import ctx
from mitmproxy.addons.proxyserver import Proxyserver

from policies.clock import monotonic
from proxy.counters import FILE_NAME as COUNTERS_FILE
from proxy.counters import Counters, write_json_atomically
from proxy.sources import Sources
from proxy.tunnels import OpenConnections, close_clients
from proxy.verdicts import Verdicts

log = logging.getLogger("classguard.proxy")
TICK_S = 0.2
COUNTERS_EVERY_S = 10.0
STATUS_FILE = "status.json"


class Housekeeping:
    def __init__(
        self,
        sources: Sources,
        verdicts: Verdicts,
        counters: Counters,
        connections: OpenConnections,
        data_dir: Path,
        intercept: bool,
        announce: Callable[[str], None],
    ) -> None:
        self.sources = sources
        self.verdicts = verdicts
        self.counters = counters
        self.connections = connections
        self.data_dir = data_dir
        self.intercept = intercept
        self.announce = announce
        self.listen = ""
        self.last_error: str | None = None
        self.policy_loaded_at = verdicts.now().timestamp()
        self._task: asyncio.Task[None] | None = None
        self._counters_saved = monotonic()
        sources.on_error = self._error

    def _server(self) -> Proxyserver:
        server = ctx.master.addons.get("proxyserver")
        assert isinstance(server, Proxyserver)
        return server

    async def running(self) -> None:
        addresses = self._server().listen_addrs()
        host, port = addresses[0][:2]
        self.listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.write_status()
        self.announce(f"classguard-proxy listening on {self.listen}")
        self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            try:
                self.tick()
            except Exception:  # the clockwork must keep turning; say so, never die
                log.exception("housekeeping failed; retrying")

    def tick(self) -> None:
        if self.sources.poll():
            self.policy_loaded_at = self.verdicts.now().timestamp()
            self.write_status()
        due = self.connections.due(self.verdicts)
        if due:
            close_clients(self._server(), due)
            for client_id in due:
                self.connections.forget(client_id)
        if self.counters.dirty and monotonic() - self._counters_saved >= COUNTERS_EVERY_S:
            self.save_counters()

    def save_counters(self) -> None:
        try:
            self.counters.write(self.data_dir / COUNTERS_FILE, self.verdicts.now())
        except OSError as exc:  # a full disk loses a few counts, never enforcement
            self._error(f"could not save the counters: {exc}")
        self._counters_saved = monotonic()

    def write_status(self) -> None:
        status = {
            "pid": os.getpid(),
            "listen": self.listen,
            "intercept": self.intercept,
            # Without interception an upload inside TLS cannot be seen: say so.
            "media_enforceable": self.intercept,
            "policy_loaded_at": int(self.policy_loaded_at),
            "last_error": self.last_error,
        }
        try:
            write_json_atomically(self.data_dir / STATUS_FILE, status)
        except OSError as exc:
            log.warning("could not write status.json: %s", exc)

    def _error(self, message: str) -> None:
        log.warning("%s", message)
        self.last_error = message
        self.write_status()

    async def done(self) -> None:
        if self._task is not None:
            self._task.cancel()
        close_clients(self._server(), [h.client.id for h in self._server().connections.values()])
        self.save_counters()
