"""Browser enterprise policies, the same on every system: PAC from the agent and
mandatory (no DIRECT fallback when it cannot be fetched), no QUIC, no DNS-over-HTTPS,
no private windows. Chromium-family policy names are Chrome's; Firefox's are its own.

Firefox keeps its own certificate store, so with the classguard CA (block pages and the
media rule over HTTPS) it is told where to find it: on Linux the file the installer puts
in the system store, on Windows and macOS the system store itself."""

from __future__ import annotations

from typing import Any


def chromium_policies(pac_url: str) -> dict[str, Any]:
    return {
        "ProxySettings": {"ProxyMode": "pac_script", "ProxyPacUrl": pac_url, "ProxyPacMandatory": True},
        "QuicAllowed": False,
        "DnsOverHttpsMode": "off",
        "IncognitoModeAvailability": 1,  # 1 = disabled
    }


def firefox_policies(pac_url: str, certificates: dict[str, Any] | None = None) -> dict[str, Any]:
    policies: dict[str, Any] = {
        "Proxy": {"Mode": "autoConfig", "AutoConfigURL": pac_url, "Locked": True},
        "DNSOverHTTPS": {"Enabled": False, "Locked": True},
        "DisablePrivateBrowsing": True,
    }
    if certificates:
        policies["Certificates"] = certificates
    return {"policies": policies}


# Windows and macOS: the installer puts the CA in the system's root store (the MSI, the
# profile); Firefox takes it from there when told to.
SYSTEM_ROOTS: dict[str, Any] = {"ImportEnterpriseRoots": True}
