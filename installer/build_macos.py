"""`build macos --out DIR`: a pkg layout (payload root + scripts for pkgbuild) with a
LaunchDaemon that keeps the agent running (KeepAlive) and a LaunchAgent for the tray
in every user's session, and a configuration profile (.mobileconfig) for MDM with the
PAC and browser settings from the agent's own plan (and a CA when one is given).
Since Big Sur a CA is trusted only through a profile, and the CA is per laptop, so
MDM sends a per-device profile with it (docs/install.md)."""

from __future__ import annotations

import base64
import plistlib
import uuid
from pathlib import Path
from typing import Any

APP_DIR = "/Library/Application Support/classguard"
AGENT = f"{APP_DIR}/venv/bin/classguard-agent"
CONFIG = f"{APP_DIR}/agent.yaml"
DAEMON_LABEL = "nl.classguard.agent"
TRAY_LABEL = "nl.classguard.tray"
_NAMESPACE = uuid.UUID("6c1f3d0e-6a8e-4c55-9d1e-3c1a55e0c1a7")


def launch_daemon() -> dict[str, Any]:
    return {
        "Label": DAEMON_LABEL,
        "ProgramArguments": [AGENT, "--config", CONFIG, "run"],
        "RunAtLoad": True,
        "KeepAlive": True,
        "ThrottleInterval": 2,
        "UserName": "root",
        "StandardErrorPath": "/Library/Logs/classguard-agent.log",
    }


def launch_agent() -> dict[str, Any]:
    return {
        "Label": TRAY_LABEL,
        "ProgramArguments": [AGENT, "--config", CONFIG, "tray"],
        "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},
        "LimitLoadToSessionType": ["Aqua"],
    }


def ca_payload(pem: bytes) -> dict[str, Any]:
    body = b"".join(line for line in pem.splitlines() if line and not line.startswith(b"-----"))
    ident = "nl.classguard.proxy-ca"
    return {
        "PayloadType": "com.apple.security.root",
        "PayloadIdentifier": ident,
        "PayloadVersion": 1,
        "PayloadUUID": str(uuid.uuid5(_NAMESPACE, ident)).upper(),
        "PayloadDisplayName": "classguard proxy CA (this laptop)",
        "PayloadContent": base64.b64decode(body),
    }


def mobileconfig(plan: dict[str, Any], ca_pem: bytes | None) -> dict[str, Any]:
    payloads = list(plan["profile_payloads"]) + ([ca_payload(ca_pem)] if ca_pem else [])
    return {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": "nl.classguard.profile",
        "PayloadUUID": str(uuid.uuid5(_NAMESPACE, "profile")).upper(),
        "PayloadDisplayName": "classguard",
        "PayloadScope": "System",
        "PayloadRemovalDisallowed": True,
        "PayloadContent": payloads,
    }


POSTINSTALL = f"""#!/bin/sh
# pkg postinstall: the venv was laid down by the payload; (re)load the daemon.
set -e
chown -R root:wheel "{APP_DIR}"
chmod -R go-w "{APP_DIR}"
launchctl bootout system/{DAEMON_LABEL} 2>/dev/null || true
launchctl bootstrap system /Library/LaunchDaemons/{DAEMON_LABEL}.plist
"""

BUILD_SCRIPT = f"""#!/bin/sh
# Build classguard.pkg on a Mac (Python 3.12 from python.org, Xcode command line tools).
set -e
VERSION=${{1:?version}}
python3.12 -m venv "root{APP_DIR}/venv"
"root{APP_DIR}/venv/bin/pip" install "classguard[agent,proxy]==$VERSION"
pkgbuild --root root --scripts scripts --identifier {DAEMON_LABEL} --version "$VERSION" classguard-unsigned.pkg
productsign --sign "Developer ID Installer: YOUR SCHOOL BOARD" classguard-unsigned.pkg "classguard-$VERSION.pkg"
"""


def write_macos(out: Path, plan: dict[str, Any], config_text: str, ca_pem: bytes | None) -> list[Path]:
    files: dict[str, bytes] = {
        f"root/Library/LaunchDaemons/{DAEMON_LABEL}.plist": plistlib.dumps(launch_daemon()),
        f"root/Library/LaunchAgents/{TRAY_LABEL}.plist": plistlib.dumps(launch_agent()),
        f"root{CONFIG}": config_text.encode("utf-8"),
        "classguard.mobileconfig": plistlib.dumps(mobileconfig(plan, ca_pem)),
        "scripts/postinstall": POSTINSTALL.encode("utf-8"),
        "build-macos.sh": BUILD_SCRIPT.encode("utf-8"),
    }
    for item in plan["files"]:
        if item["path"].endswith("policies.json"):
            files[f"root{item['path']}"] = item["content"].encode("utf-8")
    written = []
    for name, data in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o755 if name.endswith((".sh", "postinstall")) else 0o644)
        written.append(path)
    return written
