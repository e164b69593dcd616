"""System settings that send browsers to the PAC and lock it: one private module per
operating system (psutil style) with the same function names:

    proxy_plan(pac_url) -> Plan      what should be set (data)
    drift(plan, root) -> [str]       what differs now
    apply(plan, root) -> [str]       set what differs, return it

`root` is "/" on a laptop and a tmp dir in tests."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

from agent.settings import _linux, _macos, _windows
from agent.settings._plan import ManagedFile, Plan, RegistryValue

__all__ = ["ManagedFile", "Plan", "RegistryValue", "apply", "drift", "for_platform", "proxy_plan"]


def for_platform(platform: str = sys.platform) -> ModuleType:
    if platform.startswith("win"):
        return _windows
    if platform == "darwin":
        return _macos
    return _linux


def proxy_plan(pac_url: str, platform: str = sys.platform) -> Plan:
    plan: Plan = for_platform(platform).proxy_plan(pac_url)
    return plan


def drift(plan: Plan, root: Path) -> list[str]:
    return list(for_platform({"windows": "win32", "macos": "darwin"}.get(plan.system, "linux")).drift(plan, root))


def apply(plan: Plan, root: Path) -> list[str]:
    return list(for_platform({"windows": "win32", "macos": "darwin"}.get(plan.system, "linux")).apply(plan, root))
