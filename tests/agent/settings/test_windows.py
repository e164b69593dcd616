from __future__ import annotations

import json
from pathlib import Path

from agent.settings import _windows, apply, drift, proxy_plan

PAC = "http://127.0.0.1:8079/proxy.pac"


def test_the_windows_plan_as_registry_values() -> None:
    plan = proxy_plan(PAC, "win32")
    values = {(v.key.rsplit("\\", 1)[-1], v.name): (v.kind, v.value) for v in plan.registry}
    assert values[("Internet Settings", "ProxySettingsPerUser")] == ("REG_DWORD", 0)
    assert values[("Internet Settings", "AutoConfigURL")] == ("REG_SZ", PAC)
    assert values[("Control Panel", "Proxy")] == ("REG_DWORD", 1)
    assert values[("Control Panel", "AutoConfig")] == ("REG_DWORD", 1)
    for browser, private in (("Chrome", "IncognitoModeAvailability"), ("Edge", "InPrivateModeAvailability")):
        assert values[(browser, "QuicAllowed")] == ("REG_DWORD", 0)
        assert values[(browser, "DnsOverHttpsMode")] == ("REG_SZ", "off")
        assert values[(browser, private)] == ("REG_DWORD", 1)
        kind, proxy = values[(browser, "ProxySettings")]
        assert kind == "REG_SZ" and json.loads(str(proxy))["ProxyPacMandatory"] is True


def test_the_reg_file_escapes_and_encodes_values(tmp_path: Path) -> None:
    plan = _windows.proxy_plan(PAC)
    apply(plan, tmp_path)
    assert drift(plan, tmp_path) == []
    text = (tmp_path / "ProgramData/classguard/classguard-policies.reg").read_bytes().decode()
    assert text.startswith("Windows Registry Editor Version 5.00\r\n")
    assert "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome]" in text
    assert '"QuicAllowed"=dword:00000000' in text
    assert '"ProxySettings"="{\\"ProxyMode\\": \\"pac_script\\"' in text
    firefox = json.loads((tmp_path / "Program Files/Mozilla Firefox/distribution/policies.json").read_text())
    assert firefox["policies"]["Proxy"]["Locked"] is True
