"""Reading what the proxy writes in its data directory: status.json and counters.json.

The proxy is another program (and another engineer's code): everything read here is
checked for shape, and a missing or odd file counts as "unknown", never as a crash.
Counters are already aggregate (blocks per service per UTC hour); that is all that
leaves the laptop.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Final

HOUR_KEY: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")
SERVICE: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def read_proxy_status(data_dir: Path) -> dict[str, Any]:
    document = _read_json(data_dir / "status.json")
    return document if isinstance(document, dict) else {}


def media_enforceable(data_dir: Path, intercept: bool) -> bool:
    """Whether upload refusal (rule 7) can work: it needs interception, hence a CA.
    The proxy's own word wins when it has written one."""
    status = read_proxy_status(data_dir)
    value = status.get("media_enforceable")
    if isinstance(value, bool):
        return value
    return intercept and (data_dir / "ca.pem").exists()


def blocked_counters(data_dir: Path) -> dict[str, dict[str, int]]:
    """{service: {hour: blocks}} from counters.json, for the heartbeat. Only
    well-formed service names and hour keys pass (nothing else may leave the laptop)."""
    document = _read_json(data_dir / "counters.json")
    if not isinstance(document, dict) or document.get("version") != 1 or not isinstance(document.get("hours"), dict):
        return {}
    result: dict[str, dict[str, int]] = {}
    for hour, services in document["hours"].items():
        if not isinstance(hour, str) or not HOUR_KEY.fullmatch(hour) or not isinstance(services, dict):
            continue
        for service, counts in services.items():
            if not isinstance(service, str) or not SERVICE.fullmatch(service) or not isinstance(counts, dict):
                continue
            blocked = counts.get("blocked", 0)
            if isinstance(blocked, int) and not isinstance(blocked, bool) and blocked > 0:
                result.setdefault(service, {})[hour] = blocked
    return result
