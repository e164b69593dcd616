"""The agent's errors meant for a person: one line each, shown by the CLI."""

from __future__ import annotations


class AgentError(Exception):
    """Something the person running the agent must fix (exit 1)."""


class UsageError(AgentError):
    """The command line or the config file is wrong (exit 2)."""
