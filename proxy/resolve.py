"""`--resolve NAME=IP`: dial a fixed address for a name, as curl's --resolve does.

For split-horizon school networks and for tests, whose stand-in social sites live on
127.0.0.1. The name is still what TLS checks the upstream certificate against.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

from mitmproxy.proxy import server_hooks

from policies.hosts import normalise_host


def parse_resolve(entries: Iterable[str]) -> dict[str, str]:
    """NAME=IP pairs; ValueError with the entry for anything else."""
    table: dict[str, str] = {}
    for entry in entries:
        name, sep, address = entry.partition("=")
        try:
            if not sep:
                raise ValueError("expected NAME=IP")
            ipaddress.ip_address(address)
            table[normalise_host(name)] = address
        except ValueError as exc:
            raise ValueError(f"--resolve {entry!r}: {exc}") from exc
    return table


class Resolve:
    def __init__(self, table: Mapping[str, str]) -> None:
        self.table = dict(table)

    def server_connect(self, data: server_hooks.ServerConnectionHookData) -> None:
        address = data.server.address
        if not self.table or address is None:
            return
        try:
            name = normalise_host(address[0])
        except ValueError:
            return
        if name in self.table:
            if data.server.sni is None:
                data.server.sni = name
            data.server.address = (self.table[name], address[1])
