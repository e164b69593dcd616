"""Assembles the agent with its periodic duties for `run` (tests assemble their own)."""

from __future__ import annotations

from agent.app_guard import AppGuard
from agent.config import Config
from agent.heartbeat import Heartbeat
from agent.outbox import Outbox
from agent.outbox_sender import OutboxSender
from agent.service import Agent
from agent.settings_guard import SettingsGuard
from agent.timekeeping import Clock
from agent.tray.backend import AgentTrayBackend
from agent.tray.local_api import LocalApi


def build_agent(config: Config, clock: Clock) -> Agent:
    agent = Agent(config, clock)
    agent.tasks.append(Heartbeat(config.heartbeat_seconds, clock))
    agent.tasks.append(AppGuard(config.app_grace_seconds, clock, agent.notify))
    # asks and reports from the tray go through the outbox: kept on disk until delivered
    outbox = OutboxSender(Outbox(agent.paths.outbox, agent.time.seconds), lambda: agent.client, agent.report)
    agent.tasks.append(outbox)
    agent.tasks.append(LocalApi(config.tray_socket, AgentTrayBackend(agent, outbox), clock))
    if config.apply_system_settings:
        agent.tasks.append(
            SettingsGuard(
                config.pac_url,
                config.settings_root,
                config.settings_interval_seconds,
                clock,
                trust_ca=config.intercept,
            )
        )
    return agent
