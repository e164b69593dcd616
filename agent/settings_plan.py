"""`classguard-agent settings plan`: the system-settings plan as one JSON document, for
IT and for the installer's tests, which compare what the installer lays down with what
the agent would apply. Pure: it reads the config's PAC URL and touches nothing.

Shape (docs/agent.md): {"system", "pac_url", "files": [{path, content, mode}],
"registry": [{key, name, kind, value}], "profile_payloads": [...], "commands": [[...]]}.
Paths are absolute as on the target system ("/etc/...", "/Program Files/...").
"""

from __future__ import annotations

from typing import Any, Final

from agent import settings
from agent.settings import _macos

PLATFORMS: Final = {"linux": "linux", "windows": "win32", "macos": "darwin"}
SHAPE_VERSION: Final = 1


def plan_document(pac_url: str, platform: str, trust_ca: bool = False) -> dict[str, Any]:
    plan = settings.proxy_plan(pac_url, PLATFORMS[platform], trust_ca)
    return {
        "format": SHAPE_VERSION,
        "system": plan.system,
        "pac_url": pac_url,
        "files": [{"path": f"/{f.path}", "content": f.content, "mode": f"{f.mode:04o}"} for f in plan.files],
        "registry": [{"key": r.key, "name": r.name, "kind": r.kind, "value": r.value} for r in plan.registry],
        # the macOS profile's payloads as data too (the .mobileconfig file carries the same)
        "profile_payloads": _macos.profile_payloads(pac_url, trust_ca) if plan.system == "macos" else [],
        "commands": [list(command) for command in plan.after_change],
    }


def current_platform(sys_platform: str) -> str:
    return {"win32": "windows", "darwin": "macos"}.get(sys_platform, "linux")
