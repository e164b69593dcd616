"""The running agent's status as one document: for the status file (`classguard-agent
status`), the tray and the heartbeat. Rendering it is agent/status.py's job."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent.proxy_files import media_enforceable
from agent.status import exception_json, iso, lesson_json

if TYPE_CHECKING:
    from agent.service import Agent


def not_enforceable(agent: Agent) -> list[str]:
    """What this laptop cannot enforce now, in Dutch, for the person reading the status."""
    items = []
    media_rule = agent.policy is not None and agent.policy.media_uploads == "block"
    if media_rule and not media_enforceable(agent.paths.proxy_dir, agent.config.intercept):
        items.append("regel 7 (foto/film uploaden): geen classguard-CA, de proxy kan uploads niet zien")
    if not agent.config.apply_system_settings:
        items.append("systeeminstellingen (proxy, browserbeleid): niet afgedwongen, apply_system_settings is uit")
    for task in agent.tasks:
        items.extend(getattr(task, "not_enforceable", lambda: [])())
    return items


def status_document(agent: Agent) -> dict[str, Any]:
    identity, view, times, sync = agent.identity, agent.view(), agent.time.report(), agent.sync
    proxy, state, policy = agent.proxy, agent.state, agent.policy
    return {
        "enrolled": identity is not None,
        "agent_running": True,
        "updated_at": iso(agent.time.seconds()),
        "device_id": identity.device_id if identity else None,
        "group": identity.group if identity else None,
        "policy_version": state.version if state else None,
        "timezone": policy.timezone.key if policy is not None else None,
        "lesson": lesson_json(view),
        "exceptions": [exception_json(t) for t in view.exceptions] if view else [],
        "proxy": proxy.state() if proxy is not None else "down",
        "proxy_restarts": proxy.restarts if proxy is not None else 0,
        "console": "online" if sync is not None and sync.online else "offline",
        "last_sync": iso(sync.last_sync) if sync is not None else None,
        "clock_offset_s": times.offset_s,
        "clock_skewed": times.skewed,
        "not_enforceable": not_enforceable(agent),
        "problems": list(agent.problems),
    }
