from __future__ import annotations

import json
from pathlib import Path

from agent.settings import _linux, apply, drift, proxy_plan

PAC = "http://127.0.0.1:8079/proxy.pac"


def test_the_linux_plan_locks_gnome_and_the_browsers(tmp_path: Path) -> None:
    plan = proxy_plan(PAC, "linux")
    assert apply(plan, tmp_path) == [f"/{f.path}" for f in plan.files]
    etc = tmp_path / "etc"
    assert (etc / "dconf/profile/user").read_text() == "user-db:user\nsystem-db:local\n"
    assert (etc / "dconf/db/local.d/00-classguard-proxy").read_text() == (
        f"[system/proxy]\nmode='auto'\nautoconfig-url='{PAC}'\n"
    )
    assert (etc / "dconf/db/local.d/locks/classguard-proxy").read_text() == (
        "/system/proxy/mode\n/system/proxy/autoconfig-url\n"
    )
    for managed in ("chromium/policies/managed", "opt/chrome/policies/managed"):
        chrome = json.loads((etc / managed / "classguard.json").read_text())
        assert chrome == {
            "ProxySettings": {"ProxyMode": "pac_script", "ProxyPacUrl": PAC, "ProxyPacMandatory": True},
            "QuicAllowed": False,
            "DnsOverHttpsMode": "off",
            "IncognitoModeAvailability": 1,
        }
    firefox = json.loads((etc / "firefox/policies/policies.json").read_text())["policies"]
    assert firefox["Proxy"] == {"Mode": "autoConfig", "AutoConfigURL": PAC, "Locked": True}
    assert firefox["DNSOverHTTPS"] == {"Enabled": False, "Locked": True}
    assert firefox["DisablePrivateBrowsing"] is True
    assert plan.after_change == (("dconf", "update"),)


def test_drift_is_found_and_set_back(tmp_path: Path) -> None:
    plan = _linux.proxy_plan(PAC)
    apply(plan, tmp_path)
    assert drift(plan, tmp_path) == []
    firefox = tmp_path / "etc/firefox/policies/policies.json"
    firefox.write_text('{"policies": {}}')
    (tmp_path / "etc/dconf/db/local.d/locks/classguard-proxy").unlink()
    (tmp_path / "etc/opt/chrome/policies/managed/classguard.json").chmod(0o666)
    expected = [
        "/etc/dconf/db/local.d/locks/classguard-proxy",
        "/etc/opt/chrome/policies/managed/classguard.json",
        "/etc/firefox/policies/policies.json",
    ]
    assert drift(plan, tmp_path) == expected
    assert apply(plan, tmp_path) == expected
    assert drift(plan, tmp_path) == []
