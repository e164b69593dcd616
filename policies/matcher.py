"""The domain matcher: which guarded service, if any, a host belongs to.

A precompiled table, not a chain of regexes: the host's suffixes are looked up in one
dict, most specific first, so a lookup costs a few dict probes whatever the number of
rules. A rule for `instagram.com` covers `instagram.com` and every subdomain, and
nothing else (`notinstagram.com` is another name).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from policies.hosts import normalise_host

_MEMO_LIMIT: Final = 65_536  # distinct raw host spellings remembered; then start afresh


@dataclass(frozen=True)
class Allowed:
    """The host is on the school's allow list: never blocked."""

    domain: str


Hit = tuple[str, ...] | Allowed


def _is_within(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


class DomainTable:
    """Maps canonical host names to the services whose rules cover them.

    `services` maps a service name to its domains (already canonical). A domain that
    two services share (a CDN) maps to both. `allowed` domains win over any service
    rule, whichever of the two is more specific: "never blocked" means never.
    """

    __slots__ = ("_memo", "_table")

    def __init__(self, services: Mapping[str, Iterable[str]], allowed: Iterable[str] = ()) -> None:
        allowed = tuple(allowed)
        owners: dict[str, list[str]] = {}
        for service, domains in services.items():
            for domain in domains:
                if any(_is_within(domain, a) for a in allowed):
                    continue
                owners.setdefault(domain, [])
                if service not in owners[domain]:
                    owners[domain].append(service)
        table: dict[str, Hit] = {domain: tuple(names) for domain, names in owners.items()}
        for domain in allowed:
            table[domain] = Allowed(domain)
        self._table = table
        self._memo: dict[str, Hit | None] = {}

    def lookup_host(self, raw: str) -> Hit | None:
        """Normalise `raw` and look it up, remembering the answer: the proxy asks about
        the same few hosts all day. ValueError (not remembered) if it is no host name."""
        memo = self._memo
        if raw in memo:
            return memo[raw]
        hit = self.lookup(normalise_host(raw))
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()  # a flood of distinct names costs a refill, never unbounded memory
        memo[raw] = hit
        return hit

    def lookup(self, host: str) -> Hit | None:
        """The hit for a canonical host (see hosts.normalise_host), or None."""
        table = self._table
        name = host
        while True:
            hit = table.get(name)
            if hit is not None:
                return hit
            dot = name.find(".")
            if dot < 0:
                return None
            name = name[dot + 1 :]

    def guarded_domains(self) -> dict[str, tuple[str, ...]]:
        """Every domain a service rule covers, with its services (for the PAC)."""
        return {d: hit for d, hit in self._table.items() if not isinstance(hit, Allowed)}

    def allowed_domains(self) -> list[str]:
        return [d for d, hit in self._table.items() if isinstance(hit, Allowed)]

    def __len__(self) -> int:
        return len(self._table)
