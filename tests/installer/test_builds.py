"""build windows|macos: the WiX source and the macOS pkg layout and profile hold what
the agent's own settings plan says, and what Windows/macOS need to keep it running."""

from __future__ import annotations

import json
import plistlib
import xml.etree.ElementTree as ET
from pathlib import Path

from agent.settings import proxy_plan
from agent.settings._macos import profile_payloads
from tests.installer.conftest import Run

W = "{http://wixtoolset.org/schemas/v4/wxs}"
U = "{http://wixtoolset.org/schemas/v4/wxs/util}"
PAC = "http://127.0.0.1:871/proxy.pac"


def build(run: Run, tmp_path: Path, system: str, *extra: str) -> Path:
    out = tmp_path / system
    status, _, err = run("build", system, "--out", str(out), *extra)
    assert (status, err) == (0, "")
    return out


def registry(wxs: ET.Element) -> dict[tuple[str, str | None], tuple[str | None, str | None]]:
    found = {}
    for value in wxs.iter(f"{W}RegistryValue"):
        found[(f"{value.get('Root')}\\{value.get('Key')}", value.get("Name"))] = (value.get("Type"), value.get("Value"))
    return found


def test_the_msi_sets_every_registry_value_the_agent_expects(run: Run, tmp_path: Path) -> None:
    out = build(run, tmp_path, "windows")
    values = registry(ET.parse(out / "classguard.wxs").getroot())
    expected = proxy_plan(PAC, "win32").registry
    assert len(expected) == 12
    for value in expected:
        kind = "integer" if value.kind == "REG_DWORD" else "string"
        assert values[(value.key, value.name)] == (kind, str(value.value)), value
    assert json.loads((out / "policies.json").read_text())["policies"]["Proxy"]["Locked"] is True


def test_the_msi_installs_a_service_that_restarts_and_a_tray_for_everyone(run: Run, tmp_path: Path) -> None:
    wxs = ET.parse(build(run, tmp_path, "windows") / "classguard.wxs").getroot()
    service = next(wxs.iter(f"{W}ServiceInstall"))
    assert (service.get("Name"), service.get("Start"), service.get("Account")) == (
        "classguard-agent",
        "auto",
        "LocalSystem",
    )
    assert service.get("Arguments") == '--config "[CommonAppDataFolder]classguard\\agent.yaml" run'
    recovery = next(wxs.iter(f"{U}ServiceConfig"))
    assert [recovery.get(f"{n}FailureActionType") for n in ("First", "Second", "Third")] == ["restart"] * 3
    control = next(wxs.iter(f"{W}ServiceControl"))
    assert (control.get("Start"), control.get("Stop"), control.get("Remove")) == ("install", "both", "uninstall")
    tray = registry(wxs)[("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run", "classguard-tray")]
    assert (tray[1] or "").endswith(" tray")
    assert next(wxs.iter(f"{W}MajorUpgrade")) is not None
    refs = {ref.get("Id") for ref in wxs.iter(f"{W}ComponentRef")}
    assert refs == {c.get("Id") for c in wxs.iter(f"{W}Component")}


def test_the_school_may_allow_private_windows_and_ask_for_the_ca(run: Run, tmp_path: Path) -> None:
    out = build(run, tmp_path, "windows", "--allow-private-windows", "--with-ca")
    wxs = ET.parse(out / "classguard.wxs").getroot()
    values = registry(wxs)
    assert values[("HKLM\\SOFTWARE\\Policies\\Google\\Chrome", "IncognitoModeAvailability")] == ("integer", "0")
    assert values[("HKLM\\SOFTWARE\\Policies\\Microsoft\\Edge", "InPrivateModeAvailability")] == ("integer", "0")
    assert not (out / "classguard-policies.reg").exists()
    assert next(p for p in wxs.iter(f"{W}Property") if p.get("Id") == "WITH_CA").get("Value") == "1"
    assert "intercept: true\n" in (out / "agent.yaml").read_text()


def test_the_macos_daemon_is_kept_alive_and_the_tray_runs_in_every_session(run: Run, tmp_path: Path) -> None:
    out = build(run, tmp_path, "macos")
    daemon = plistlib.loads((out / "root/Library/LaunchDaemons/nl.classguard.agent.plist").read_bytes())
    assert daemon["KeepAlive"] is True and daemon["RunAtLoad"] is True
    assert daemon["ProgramArguments"][-1] == "run"
    tray = plistlib.loads((out / "root/Library/LaunchAgents/nl.classguard.tray.plist").read_bytes())
    assert tray["ProgramArguments"][-1] == "tray"
    assert tray["LimitLoadToSessionType"] == ["Aqua"]
    assert tray["ProgramArguments"][:3] == daemon["ProgramArguments"][:3]


def test_the_macos_profile_carries_the_agents_payloads_and_the_ca(run: Run, tmp_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from tests.installer.ca import make_ca

    pem = make_ca(tmp_path)
    out = build(run, tmp_path, "macos", "--ca", str(pem))
    profile = plistlib.loads((out / "classguard.mobileconfig").read_bytes())
    payloads = profile["PayloadContent"]
    assert payloads[:-1] == profile_payloads(PAC)
    proxy = payloads[0]
    assert (proxy["ProxyType"], proxy["ProxyPACURL"], proxy["ProxyPACFallbackAllowed"]) == ("Auto", PAC, False)
    ca = payloads[-1]
    assert ca["PayloadType"] == "com.apple.security.root"
    cert = x509.load_der_x509_certificate(ca["PayloadContent"])
    assert cert.public_bytes(serialization.Encoding.PEM) == pem.read_bytes()
    assert len({p["PayloadUUID"] for p in payloads}) == len(payloads)


def test_build_refuses_a_folder_with_files(run: Run, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("x")
    status, _, err = run("build", "macos", "--out", str(tmp_path / "out"))
    assert status == 1
    assert err == f"classguard-install: --out {tmp_path / 'out'} is not empty: name an empty or new folder\n"
