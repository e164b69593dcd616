"""System settings that send browsers to the PAC and lock it: one private module per
operating system (psutil style) with the same function names:

    proxy_plan(pac_url) -> Plan      what should be set (data)
    drift(plan, root) -> [str]       what differs now
    apply(plan, root) -> [str]       set what differs, return it

`root` is "/" on a laptop and a tmp dir in tests."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from agent.settings._plan import ManagedFile, Plan, RegistryValue

__all__ = ["ManagedFile", "Plan", "RegistryValue", "apply", "drift", "for_platform", "proxy_plan"]


def for_platform(platform: str = sys.platform) -> ModuleType:
    """The module for one system, imported when first asked for: a laptop needs only
    its own (the others cost memory the agent's budget does not have)."""
    name = "_windows" if platform.startswith("win") else "_macos" if platform == "darwin" else "_linux"
    return importlib.import_module(f"agent.settings.{name}")


def proxy_plan(pac_url: str, platform: str = sys.platform, trust_ca: bool = False) -> Plan:
    """trust_ca: the proxy intercepts with its CA, so browsers with a store of their own
    (Firefox) are told to trust it."""
    plan: Plan = for_platform(platform).proxy_plan(pac_url, trust_ca)
    return plan


def drift(plan: Plan, root: Path) -> list[str]:
    return list(for_platform({"windows": "win32", "macos": "darwin"}.get(plan.system, "linux")).drift(plan, root))


def apply(plan: Plan, root: Path) -> list[str]:
    return list(for_platform({"windows": "win32", "macos": "darwin"}.get(plan.system, "linux")).apply(plan, root))
