"""A service runner for the installer's tests: under a staging root there is no
systemd, so this one runs the installed agent in the foreground, as systemd would run
the unit's ExecStart (a fake, not a mock: the agent, its proxy and its status are real)."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path


def agent_command(root: Path, *args: str) -> list[str]:
    """The installed agent, through the `current` link, with the installed config."""
    return [
        str(root / "opt/classguard/current/bin/classguard-agent"),
        "--config",
        str(root / "etc/classguard/agent.yaml"),
        *args,
    ]


class ForegroundAgent:
    observable = True

    def __init__(self, root: Path, log: Path) -> None:
        self.root = root
        self.log = log  # the agents' stderr, for a failing test's message
        self.process: subprocess.Popen[bytes] | None = None
        self.started: list[str] = []  # the release each start ran

    def restart(self) -> None:
        self.stop()
        self.started.append((self.root / "opt/classguard/current").readlink().name)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(agent_command(self.root, "run"), stdout=subprocess.DEVNULL, stderr=log)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)
            self.process = None
