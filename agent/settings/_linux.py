"""Linux: GNOME's proxy setting through a dconf system database with locks, and the
managed-policy files of Chromium, Chrome and Firefox."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from agent.settings._browsers import chromium_policies, firefox_policies
from agent.settings._plan import ManagedFile, Plan, apply_files, file_drift, json_text

DCONF_PROFILE = PurePosixPath("etc/dconf/profile/user")
DCONF_KEYFILE = PurePosixPath("etc/dconf/db/local.d/00-classguard-proxy")
DCONF_LOCKS = PurePosixPath("etc/dconf/db/local.d/locks/classguard-proxy")
CHROMIUM = PurePosixPath("etc/chromium/policies/managed/classguard.json")
CHROME = PurePosixPath("etc/opt/chrome/policies/managed/classguard.json")
FIREFOX = PurePosixPath("etc/firefox/policies/policies.json")
# Where the installer's --with-ca puts the proxy's CA (installer/ca_trust.py SYSTEM_CERT)
SYSTEM_CA = "/usr/local/share/ca-certificates/classguard-proxy-ca.crt"


def proxy_plan(pac_url: str, trust_ca: bool = False) -> Plan:
    keyfile = f"[system/proxy]\nmode='auto'\nautoconfig-url='{pac_url}'\n"
    locks = "/system/proxy/mode\n/system/proxy/autoconfig-url\n"
    chromium = json_text(chromium_policies(pac_url))
    return Plan(
        system="linux",
        files=(
            ManagedFile(DCONF_PROFILE, "user-db:user\nsystem-db:local\n"),
            ManagedFile(DCONF_KEYFILE, keyfile),
            ManagedFile(DCONF_LOCKS, locks),
            ManagedFile(CHROMIUM, chromium),
            ManagedFile(CHROME, chromium),
            ManagedFile(FIREFOX, json_text(firefox_policies(pac_url, {"Install": [SYSTEM_CA]} if trust_ca else None))),
        ),
        after_change=(("dconf", "update"),),  # compiles local.d into the locked system database
    )


def drift(plan: Plan, root: Path) -> list[str]:
    return file_drift(plan, root)


def apply(plan: Plan, root: Path) -> list[str]:
    return apply_files(plan, root)
