"""Browser enterprise policies, the same on every system: PAC from the agent and
mandatory (no DIRECT fallback when it cannot be fetched), no QUIC, no DNS-over-HTTPS,
no private windows. Chromium-family policy names are Chrome's; Firefox's are its own."""

from __future__ import annotations

from typing import Any


def chromium_policies(pac_url: str) -> dict[str, Any]:
    return {
        "ProxySettings": {"ProxyMode": "pac_script", "ProxyPacUrl": pac_url, "ProxyPacMandatory": True},
        "QuicAllowed": False,
        "DnsOverHttpsMode": "off",
        "IncognitoModeAvailability": 1,  # 1 = disabled
    }


def firefox_policies(pac_url: str) -> dict[str, Any]:
    return {
        "policies": {
            "Proxy": {"Mode": "autoConfig", "AutoConfigURL": pac_url, "Locked": True},
            "DNSOverHTTPS": {"Enabled": False, "Locked": True},
            "DisablePrivateBrowsing": True,
        }
    }
