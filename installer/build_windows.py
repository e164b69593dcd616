"""`build windows --out DIR`: the WiX source of an MSI (.wxs) plus what it installs
that comes from the agent's own settings plan: the registry values (machine-wide PAC,
locked; Chrome and Edge policies), the .reg file and Firefox's policies.json.

PyInstaller and WiX do not run here: build-windows.ps1 in DIR builds the frozen
service and the MSI on a Windows build machine (README-windows.md)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

WIX = "http://wixtoolset.org/schemas/v4/wxs"
UTIL = "http://wixtoolset.org/schemas/v4/wxs/util"
UPGRADE_CODE = "6C1F3D0E-6A8E-4C55-9D1E-3C1A55E0C1A6"  # never changes: MajorUpgrade finds older versions by it
SERVICE = "classguard-agent"
CONFIG = r"[CommonAppDataFolder]classguard\agent.yaml"
EXE = r"[INSTALLFOLDER]classguard-agent.exe"
PRIVATE_MODE = ("IncognitoModeAvailability", "InPrivateModeAvailability")


def registry_values(plan: dict[str, Any], private_windows: bool) -> list[dict[str, Any]]:
    """The plan's values; a school that allows private windows gets 0 (available) there."""
    values = []
    for value in plan["registry"]:
        if private_windows and value["name"] in PRIVATE_MODE:
            value = {**value, "value": 0}
        values.append(value)
    return values


def _component(parent: ET.Element, ident: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, f"{{{WIX}}}Component", {"Id": ident, "Bitness": "always64", **attrs})


def wxs(plan: dict[str, Any], version: str, private_windows: bool, with_ca: bool) -> str:
    ET.register_namespace("", WIX)
    ET.register_namespace("util", UTIL)
    root = ET.Element(f"{{{WIX}}}Wix")
    package = ET.SubElement(
        root,
        f"{{{WIX}}}Package",
        Name="classguard",
        Manufacturer="classguard",
        Version=version,
        UpgradeCode=UPGRADE_CODE,
        Scope="perMachine",
        Compressed="yes",
    )
    ET.SubElement(package, f"{{{WIX}}}MajorUpgrade", DowngradeErrorMessage="A newer classguard is already installed.")
    ET.SubElement(package, f"{{{WIX}}}MediaTemplate", EmbedCab="yes")
    ET.SubElement(package, f"{{{WIX}}}Property", Id="WITH_CA", Value="1" if with_ca else "0")
    program_files = ET.SubElement(package, f"{{{WIX}}}StandardDirectory", Id="ProgramFiles64Folder")
    install = ET.SubElement(program_files, f"{{{WIX}}}Directory", Id="INSTALLFOLDER", Name="classguard")
    data = ET.SubElement(package, f"{{{WIX}}}StandardDirectory", Id="CommonAppDataFolder")
    data_dir = ET.SubElement(data, f"{{{WIX}}}Directory", Id="DATAFOLDER", Name="classguard")

    service = _component(install, "AgentService", Guid="*")
    ET.SubElement(
        service, f"{{{WIX}}}File", Id="AgentExe", Source=r"dist\classguard-agent\classguard-agent.exe", KeyPath="yes"
    )
    ET.SubElement(
        service,
        f"{{{WIX}}}ServiceInstall",
        Name=SERVICE,
        DisplayName="classguard agent",
        Description="Keeps social media off this laptop during lessons",
        Type="ownProcess",
        Start="auto",
        ErrorControl="normal",
        Account="LocalSystem",
        Arguments=f'--config "{CONFIG}" run',
    )
    ET.SubElement(
        service,
        f"{{{UTIL}}}ServiceConfig",
        ServiceName=SERVICE,
        FirstFailureActionType="restart",
        SecondFailureActionType="restart",
        ThirdFailureActionType="restart",
        RestartServiceDelayInSeconds="2",
        ResetPeriodInDays="1",
    )
    ET.SubElement(
        service,
        f"{{{WIX}}}ServiceControl",
        Id="AgentControl",
        Name=SERVICE,
        Start="install",
        Stop="both",
        Remove="uninstall",
        Wait="yes",
    )
    # the rest of PyInstaller's onedir output (WiX v5 harvests it)
    ET.SubElement(install, f"{{{WIX}}}Files", Include=r"dist\classguard-agent\**", Directory="INSTALLFOLDER")

    config = _component(data_dir, "AgentConfig", Guid="*", Permanent="no")
    ET.SubElement(config, f"{{{WIX}}}File", Id="AgentYaml", Source="agent.yaml", KeyPath="yes")

    tray = _component(install, "TrayAutostart", Guid="*")
    ET.SubElement(
        tray,
        f"{{{WIX}}}RegistryValue",
        Root="HKLM",
        Key=r"SOFTWARE\Microsoft\Windows\CurrentVersion\Run",
        Name="classguard-tray",
        Type="string",
        Value=f'"{EXE}" --config "{CONFIG}" tray',
        KeyPath="yes",
    )
    policies = _component(install, "ProxyPolicies", Guid="*")
    for value in registry_values(plan, private_windows):
        hive, key = value["key"].split("\\", 1)
        ET.SubElement(
            policies,
            f"{{{WIX}}}RegistryValue",
            Root=hive,
            Key=key,
            Name=value["name"],
            Type="integer" if value["kind"] == "REG_DWORD" else "string",
            Value=str(value["value"]),
        )
    firefox_dir = ET.SubElement(install, f"{{{WIX}}}Directory", Id="FIREFOXDIST", Name="firefox-policies")
    firefox = _component(firefox_dir, "FirefoxPolicies", Guid="*")
    ET.SubElement(firefox, f"{{{WIX}}}File", Id="FirefoxPoliciesJson", Source="policies.json", KeyPath="yes")
    ET.SubElement(firefox, f"{{{WIX}}}CopyFile", Id="FirefoxCopy", FileId="FirefoxPoliciesJson",
                  DestinationProperty="FIREFOXDISTRIBUTION")  # fmt: skip
    ET.SubElement(
        package,
        f"{{{WIX}}}SetProperty",
        Id="FIREFOXDISTRIBUTION",
        Value="[ProgramFiles64Folder]Mozilla Firefox\\distribution\\",
        Before="CostFinalize",
    )
    # The CA is made by the proxy on the laptop at its first start, so it is trusted by a
    # deferred action after the service started; certutil waits for nothing, so the
    # agent's first sync must be quick (or IT re-runs `msiexec /fa` later: README).
    ET.SubElement(
        package,
        f"{{{WIX}}}CustomAction",
        Id="TrustProxyCA",
        Directory="INSTALLFOLDER",
        ExeCommand=r'"[SystemFolder]certutil.exe" -addstore -f Root "[DATAFOLDER]state\proxy\ca.pem"',
        Execute="deferred",
        Impersonate="no",
        Return="ignore",
    )
    sequence = ET.SubElement(package, f"{{{WIX}}}InstallExecuteSequence")
    ET.SubElement(sequence, f"{{{WIX}}}Custom", Action="TrustProxyCA", After="StartServices",
                  Condition='WITH_CA = "1" AND NOT REMOVE')  # fmt: skip
    feature = ET.SubElement(package, f"{{{WIX}}}Feature", Id="Main", Title="classguard")
    for ident in ("AgentService", "AgentConfig", "TrayAutostart", "ProxyPolicies", "FirefoxPolicies"):
        ET.SubElement(feature, f"{{{WIX}}}ComponentRef", Id=ident)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


BUILD_SCRIPT = r"""# Build the classguard MSI on a Windows build machine (PowerShell, Python 3.12, WiX 5).
$ErrorActionPreference = "Stop"
python -m venv build-venv
build-venv\Scripts\pip install "classguard[agent,proxy]==VERSION" pyinstaller
build-venv\Scripts\pyinstaller --noconfirm --onedir --name classguard-agent build-venv\Scripts\classguard-agent.exe
wix extension add WixToolset.Util.wixext
wix build classguard.wxs -ext WixToolset.Util.wixext -arch x64 -o classguard-VERSION.msi
# sign: signtool sign /fd SHA256 /tr http://timestamp.example /td SHA256 classguard-VERSION.msi
"""


def write_windows(
    out: Path, plan: dict[str, Any], config_text: str, version: str, private_windows: bool, with_ca: bool
) -> list[Path]:
    files = {
        "classguard.wxs": wxs(plan, version, private_windows, with_ca),
        "agent.yaml": config_text,
        "build-windows.ps1": BUILD_SCRIPT.replace("VERSION", version),
        "plan.json": json.dumps(plan, indent=2, sort_keys=True) + "\n",
    }
    for item in plan["files"]:
        name = item["path"].rsplit("/", 1)[-1]
        if name.endswith(".reg") and private_windows:
            continue  # the agent's .reg says "no private windows"; the .wxs carries the school's choice
        files[name] = item["content"]
    written = []
    for name, text in files.items():
        path = out / name
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written
