"""Host name normalisation: one spelling per name, so matching cannot be dodged.

Browsers and pupils can write the same host many ways: upper case, a trailing dot,
Unicode or punycode (IDNA), a port, IPv6 brackets, full-width dots. Every form is
brought to lowercase ASCII (punycode) without port, brackets or trailing dot.
"""

from __future__ import annotations

import ipaddress
import re

_LABEL = re.compile(r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?")
# Dots that IDNA treats as label separators (UTS #46): full stop, ideographic full
# stop, full-width full stop, half-width ideographic full stop.
_DOTS = re.compile("[\u3002\uff0e\uff61]")


_CANONICAL = re.compile(r"(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")


def normalise_host(raw: str) -> str:
    """Return the canonical form of `raw`, or raise ValueError if it is no host name.

    IP literals are returned as they are written (lowercase, no brackets): they never
    match a domain rule, which is what callers want.
    """
    # Fast path for the common case, a name that is already canonical: this runs
    # once per connection in the proxy.
    if len(raw) <= 253 and "xn--" not in raw and _CANONICAL.fullmatch(raw):
        return raw
    return _normalise_slow(raw)


def _ipv6(text: str, raw: str) -> str:
    try:
        return ipaddress.IPv6Address(text).compressed
    except ValueError as exc:
        raise ValueError(f"not an IPv6 address: {raw!r}") from exc


def _normalise_slow(raw: str) -> str:
    host = raw.strip()
    if host.startswith("["):
        end = host.find("]")
        if end < 0:
            raise ValueError(f"unclosed IPv6 bracket in {raw!r}")
        return _ipv6(host[1:end], raw)
    if host.count(":") == 1:
        host, _, port = host.partition(":")
        if not port.isdigit():
            raise ValueError(f"bad port in {raw!r}")
    elif host.count(":") > 1:
        return _ipv6(host, raw)  # a bare IPv6 address
    if not host.isascii():
        host = _DOTS.sub(".", host)
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise ValueError(f"not a valid internationalised name: {raw!r}") from exc
    host = host.lower().rstrip(".")
    if not host or len(host) > 253:
        raise ValueError(f"not a host name: {raw!r}")
    labels = host.split(".")
    for index, label in enumerate(labels):
        if not _LABEL.fullmatch(label):
            raise ValueError(f"not a host name: {raw!r}")
        if label.startswith("xn--"):
            labels[index] = _canonical_punycode(label, raw)
    return ".".join(labels)


def _canonical_punycode(label: str, raw: str) -> str:
    """Decode and re-encode an `xn--` label, so every spelling of it compares equal."""
    try:
        unicode_label = label.encode("ascii").decode("idna")
        return unicode_label.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise ValueError(f"bad punycode label {label!r} in {raw!r}") from exc


def normalise_domain_rule(raw: str) -> str:
    """A domain as written in a policy or catalogue: a host name that is not an IP."""
    domain = normalise_host(raw)
    if ":" in domain or domain.replace(".", "").isdigit() or "." not in domain:
        raise ValueError(f"not a domain name: {raw!r}")
    return domain
