from __future__ import annotations

import plistlib
from pathlib import Path

from agent.settings import _macos, apply, drift, proxy_plan

PAC = "http://127.0.0.1:8079/proxy.pac"


def test_the_macos_profile_payloads() -> None:
    payloads = {p["PayloadType"]: p for p in _macos.profile_payloads(PAC)}
    proxy = payloads["com.apple.proxy.http.global"]
    assert (proxy["ProxyType"], proxy["ProxyPACURL"], proxy["ProxyPACFallbackAllowed"]) == ("Auto", PAC, False)
    assert payloads["com.google.Chrome"]["QuicAllowed"] is False
    assert payloads["org.mozilla.firefox"]["policies"]["DisablePrivateBrowsing"] is True
    assert len({p["PayloadUUID"] for p in payloads.values()}) == 3  # distinct, and stable across runs
    assert _macos.profile_payloads(PAC) == list(payloads.values())


def test_the_profile_is_written_as_a_plist_and_networksetup_follows(tmp_path: Path) -> None:
    plan = proxy_plan(PAC, "darwin")
    assert apply(plan, tmp_path) and drift(plan, tmp_path) == []
    profile = plistlib.loads((tmp_path / "Library/Application Support/classguard/classguard.mobileconfig").read_bytes())
    assert profile["PayloadRemovalDisallowed"] is True and len(profile["PayloadContent"]) == 3
    assert ("networksetup", "-setautoproxyurl", "Wi-Fi", PAC) in plan.after_change
