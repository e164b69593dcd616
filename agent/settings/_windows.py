"""Windows: machine-wide PAC (Internet Settings, not per user) locked with the Control
Panel policies, Chrome and Edge policies in HKLM, Firefox's policies.json.

The plan is data (registry values); `apply` writes it under a root directory as a
.reg file that the installer imports (`reg import`), and the Firefox file; writing the
live registry from the agent is left to the installer and the service (winreg) on
Windows itself."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from agent.settings._browsers import SYSTEM_ROOTS, chromium_policies, firefox_policies
from agent.settings._plan import ManagedFile, Plan, RegistryValue, apply_files, file_drift, json_text

CHROME_KEY = r"HKLM\SOFTWARE\Policies\Google\Chrome"
EDGE_KEY = r"HKLM\SOFTWARE\Policies\Microsoft\Edge"
INET_POLICY = r"HKLM\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings"
INET_MACHINE = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings"
CONTROL_PANEL = r"HKLM\SOFTWARE\Policies\Microsoft\Internet Explorer\Control Panel"
REG_FILE = PurePosixPath("ProgramData/classguard/classguard-policies.reg")
FIREFOX = PurePosixPath("Program Files/Mozilla Firefox/distribution/policies.json")


def _chromium_values(key: str, pac_url: str, private_name: str) -> list[RegistryValue]:
    policies = chromium_policies(pac_url)
    return [
        RegistryValue(key, "ProxySettings", "REG_SZ", json.dumps(policies["ProxySettings"], sort_keys=True)),
        RegistryValue(key, "QuicAllowed", "REG_DWORD", 0),
        RegistryValue(key, "DnsOverHttpsMode", "REG_SZ", "off"),
        RegistryValue(key, private_name, "REG_DWORD", 1),
    ]


def registry_values(pac_url: str) -> tuple[RegistryValue, ...]:
    return (
        RegistryValue(INET_POLICY, "ProxySettingsPerUser", "REG_DWORD", 0),
        RegistryValue(INET_MACHINE, "AutoConfigURL", "REG_SZ", pac_url),
        RegistryValue(CONTROL_PANEL, "Proxy", "REG_DWORD", 1),
        RegistryValue(CONTROL_PANEL, "AutoConfig", "REG_DWORD", 1),
        *_chromium_values(CHROME_KEY, pac_url, "IncognitoModeAvailability"),
        *_chromium_values(EDGE_KEY, pac_url, "InPrivateModeAvailability"),
    )


def reg_file(values: tuple[RegistryValue, ...]) -> str:
    lines = ["Windows Registry Editor Version 5.00", ""]
    for key in dict.fromkeys(v.key for v in values):
        lines.append(f"[{key.replace('HKLM', 'HKEY_LOCAL_MACHINE', 1)}]")
        for value in (v for v in values if v.key == key):
            if value.kind == "REG_DWORD":
                lines.append(f'"{value.name}"=dword:{int(value.value):08x}')
            else:
                escaped = str(value.value).replace("\\", "\\\\").replace('"', '\\"')
                lines.append(f'"{value.name}"="{escaped}"')
        lines.append("")
    return "\r\n".join(lines)


def proxy_plan(pac_url: str, trust_ca: bool = False) -> Plan:
    values = registry_values(pac_url)
    firefox = firefox_policies(pac_url, SYSTEM_ROOTS if trust_ca else None)
    return Plan(
        system="windows",
        files=(ManagedFile(REG_FILE, reg_file(values)), ManagedFile(FIREFOX, json_text(firefox))),
        registry=values,
    )


def drift(plan: Plan, root: Path) -> list[str]:
    return file_drift(plan, root)


def apply(plan: Plan, root: Path) -> list[str]:
    return apply_files(plan, root)
