"""macOS: a configuration profile (for MDM) with the PAC as the global proxy and Chrome
and Firefox policies as managed preferences; `networksetup` sets the PAC per network
service on an unmanaged Mac. Since Big Sur a CA is trusted only through a profile."""

from __future__ import annotations

import plistlib
import uuid
from pathlib import Path, PurePosixPath
from typing import Any

from agent.settings._browsers import SYSTEM_ROOTS, chromium_policies, firefox_policies
from agent.settings._plan import ManagedFile, Plan, apply_files, file_drift, json_text

PROFILE = PurePosixPath("Library/Application Support/classguard/classguard.mobileconfig")
FIREFOX = PurePosixPath("Applications/Firefox.app/Contents/Resources/distribution/policies.json")
NETWORK_SERVICES = ("Wi-Fi", "Ethernet")
_NAMESPACE = uuid.UUID("6c1f3d0e-6a8e-4c55-9d1e-3c1a55e0c1a5")


def _payload(kind: str, content: dict[str, Any]) -> dict[str, Any]:
    ident = f"nl.classguard.{kind}"
    return {
        "PayloadType": kind,
        "PayloadIdentifier": ident,
        "PayloadVersion": 1,
        "PayloadUUID": str(uuid.uuid5(_NAMESPACE, ident)).upper(),
        **content,
    }


def profile_payloads(pac_url: str, trust_ca: bool = False) -> list[dict[str, Any]]:
    firefox = firefox_policies(pac_url, SYSTEM_ROOTS if trust_ca else None)
    return [
        _payload(
            "com.apple.proxy.http.global",
            {"ProxyType": "Auto", "ProxyPACURL": pac_url, "ProxyPACFallbackAllowed": False},
        ),
        _payload("com.google.Chrome", chromium_policies(pac_url)),
        _payload("org.mozilla.firefox", {"EnterprisePoliciesEnabled": True, **firefox}),
    ]


def profile(pac_url: str, trust_ca: bool = False) -> dict[str, Any]:
    return {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": "nl.classguard.profile",
        "PayloadUUID": str(uuid.uuid5(_NAMESPACE, "profile")).upper(),
        "PayloadDisplayName": "classguard",
        "PayloadScope": "System",
        "PayloadRemovalDisallowed": True,
        "PayloadContent": profile_payloads(pac_url, trust_ca),
    }


def proxy_plan(pac_url: str, trust_ca: bool = False) -> Plan:
    text = plistlib.dumps(profile(pac_url, trust_ca), sort_keys=True).decode("utf-8")
    firefox = firefox_policies(pac_url, SYSTEM_ROOTS if trust_ca else None)
    return Plan(
        system="macos",
        files=(ManagedFile(PROFILE, text), ManagedFile(FIREFOX, json_text(firefox))),
        after_change=tuple(("networksetup", "-setautoproxyurl", service, pac_url) for service in NETWORK_SERVICES),
    )


def drift(plan: Plan, root: Path) -> list[str]:
    return file_drift(plan, root)


def apply(plan: Plan, root: Path) -> list[str]:
    return apply_files(plan, root)
