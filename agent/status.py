"""The status document (`classguard-agent status [--json]`) and its Dutch rendering.

`run` writes it to state_dir/status.json every couple of seconds; `status` reads it
and checks the instance lock to tell a stale file from a running agent. It holds no
host, URL or name of a person.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from agent.lesson_view import LessonView
from policies.tokens import Token

STATUS_KEYS = (
    "enrolled",
    "device_id",
    "group",
    "policy_version",
    "lesson",
    "exceptions",
    "proxy",
    "console",
    "clock_offset_s",
    "not_enforceable",
)  # `timezone` (the policy's, null before one) came later: a status without it still reads


def iso(moment: dt.datetime | float | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, int | float):
        moment = dt.datetime.fromtimestamp(moment, dt.UTC)
    return moment.isoformat(timespec="seconds")


def lesson_json(view: LessonView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    return {
        "in_lesson": view.in_lesson,
        "day_off": view.day_off,
        "until": iso(view.until),
        "blocked": [
            {"service": b.name, "title": b.title, "reason": b.reason, "until": iso(b.until)} for b in view.blocked
        ],
    }


def exception_json(token: Token) -> dict[str, Any]:
    return {"kind": token.kind, "services": sorted(token.services), "until": iso(float(token.exp)), "id": token.jti}


def not_enrolled_status() -> dict[str, Any]:
    return {
        "enrolled": False,
        "device_id": None,
        "group": None,
        "policy_version": None,
        "lesson": None,
        "exceptions": [],
        "proxy": "down",
        "console": "offline",
        "last_sync": None,
        "clock_offset_s": 0.0,
        "clock_skewed": False,
        "not_enforceable": ["nog niet aangemeld: er is geen beleid"],
        "problems": [],
        "agent_running": False,
        "timezone": None,
    }


_REASON_NL = {"lesson": "les", "ad-hoc-lesson": "les (door de leerkracht gestart)"}


def school_zone(status: dict[str, Any]) -> dt.tzinfo | None:
    """The policy's timezone, in which a person reads every time (never the laptop's
    zone, which may be UTC or wrong); None before the first policy."""
    name = status.get("timezone")
    if not isinstance(name, str):
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _at(value: str | None, zone: dt.tzinfo | None) -> str:
    if value is None:
        return "onbekend"
    moment = dt.datetime.fromisoformat(value)
    # without a policy, the offset the time was written with (not the laptop's zone)
    return (moment.astimezone(zone) if zone is not None else moment).strftime("%d-%m %H:%M")


def render_dutch(status: dict[str, Any]) -> str:
    """Human output for IT staff at the laptop (Dutch, one fact per line), times in the
    school's timezone."""
    if not status.get("enrolled"):
        return "Niet aangemeld. Meld dit apparaat aan met: classguard-agent enrol --console URL --code CODE\n"
    zone = school_zone(status)

    def _local(value: str | None) -> str:
        return _at(value, zone)

    lines = [
        f"Agent:            {'draait' if status.get('agent_running') else 'draait NIET'}",
        f"Apparaat:         {status['device_id']} (groep {status['group']})",
        f"Beleid:           versie {status['policy_version'] if status['policy_version'] is not None else 'geen'}",
    ]
    lesson = status.get("lesson")
    if lesson is None:
        lines.append("Les:              onbekend (nog geen beleid)")
    elif lesson["in_lesson"]:
        lines.append(f"Les:              ja, tot {_local(lesson['until'])}")
    else:
        free = "vrije dag" if lesson["day_off"] else "geen les"
        lines.append(f"Les:              {free}, volgende les {_local(lesson['until'])}")
    for item in (lesson or {}).get("blocked", []):
        reason = _REASON_NL.get(item["reason"], item["reason"])
        lines.append(f"  geblokkeerd:    {item['title']} tot {_local(item['until'])} ({reason})")
    for token in status.get("exceptions", []):
        services = ", ".join(token["services"])
        lines.append(f"Uitzondering:     {token['kind']} voor {services} tot {_local(token['until'])}")
    lines.append(f"Proxy:            {'draait' if status['proxy'] == 'running' else 'UIT (sociale media geblokkeerd)'}")
    online = "online" if status["console"] == "online" else "offline"
    lines.append(f"Console:          {online}, laatste sync {_local(status.get('last_sync'))}")
    skew = " (klok van de laptop wordt genegeerd)" if status.get("clock_skewed") else ""
    lines.append(f"Klokverschil:     {status['clock_offset_s']:+.1f} s{skew}")
    for item in status.get("not_enforceable", []):
        lines.append(f"Niet af te dwingen: {item}")
    for item in status.get("problems", []):
        lines.append(f"Probleem:         {item}")
    return "\n".join(lines) + "\n"
