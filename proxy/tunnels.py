"""Connections that were let through, re-judged as time passes.

A tunnel opened in the break must not stay open into the lesson, and one opened under
a teacher's exception must close when it expires or is revoked: WebSockets and
HTTP/2 connections live for hours. The sweeper asks `due()` a few times a second and
closes what is now blocked through mitmproxy's connection handlers (internals; the
mitmproxy version is pinned and tests/proxy covers this).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from mitmproxy.addons.proxyserver import Proxyserver

from proxy.verdicts import Verdicts

log = logging.getLogger("classguard.proxy")
Names = tuple[str | None, ...]


class OpenConnections:
    def __init__(self) -> None:
        self._names: dict[str, Names] = {}
        self._close_now: set[str] = set()

    def __len__(self) -> int:
        return len(self._names)

    def track(self, client_id: str, names: Names) -> None:
        self._names[client_id] = names

    def forget(self, client_id: str) -> None:
        self._names.pop(client_id, None)
        self._close_now.discard(client_id)

    def close_soon(self, client_id: str) -> None:
        self._close_now.add(client_id)

    def due(self, verdicts: Verdicts) -> set[str]:
        """The connections that must close now: re-judged as blocked, or marked."""
        due = set(self._close_now)
        for client_id, names in self._names.items():
            if not verdicts.judge(names).allowed:
                due.add(client_id)
        return due


def close_clients(server: Proxyserver, client_ids: Iterable[str]) -> int:
    """Cancel the handlers of these client connections (which closes their server
    side too). Returns how many were found open."""
    wanted = set(client_ids)
    closed = 0
    for handler in list(server.connections.values()):
        if handler.client.id not in wanted:
            continue
        transport = handler.transports.get(handler.client)
        if transport is not None and transport.handler is not None:
            transport.handler.cancel("classguard: closed by policy")
            closed += 1
    return closed
