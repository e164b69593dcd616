"""Assembles the agent with its periodic duties for `run` (tests assemble their own)."""

from __future__ import annotations

from agent.config import Config
from agent.service import Agent, Heartbeat
from agent.timekeeping import Clock


def build_agent(config: Config, clock: Clock) -> Agent:
    agent = Agent(config, clock)
    agent.tasks.append(Heartbeat(config.heartbeat_seconds, clock))
    return agent
