"""`--resolve NAME=IP`: names normalised, anything else refused with the entry named."""

from __future__ import annotations

import pytest

from proxy.resolve import parse_resolve


def test_resolve_entries():
    assert parse_resolve(["WWW.Instagram.com.=127.0.0.1"]) == {"www.instagram.com": "127.0.0.1"}
    for bad in ["instagram.com", "instagram.com=localhost", "=127.0.0.1"]:
        with pytest.raises(ValueError, match="--resolve"):
            parse_resolve([bad])
