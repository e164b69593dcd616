"""The agent with the real classguard-proxy (skipped when it is not installed): the
console's time reaches the proxy through clock.json, so on a Monday evening laptop a
console that says "Tuesday 09:00" makes the proxy refuse YouTube, and a token for
YouTube opens it, through the overrides file the agent keeps."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from agent.config import load_config
from agent.enrol import enrol
from agent.paths import StatePaths
from agent.service import Agent
from agent.timekeeping import SystemClock
from tests.agent.fakes import FakeConsole, wait_for
from tests.agent.test_proxy_supervisor import _real_proxy
from tests.conftest import REPO


def connect_status(address: tuple[str, int], host: str) -> int:
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
        line = sock.makefile("rb").readline().decode()
    return int(line.split()[1])


def test_console_time_and_tokens_reach_the_real_proxy(write_config: Callable[..., Path], console: FakeConsole) -> None:
    command = _real_proxy()
    if command is None:
        pytest.skip("classguard-proxy is not installed next to this Python")
    config = load_config(write_config(console.url, proxy_command=str(command)))
    enrol(StatePaths(config.state_dir), console.url, console.state.code)
    agent = Agent(config, SystemClock(), sync_wait=0.3)  # the real clock: the console's time must win
    agent.start()
    try:
        assert wait_for(lambda: agent.proxy is not None and agent.proxy.wait_ready(0.1), timeout=30)
        assert agent.time.report().skewed  # the console says Tuesday 09:00, this machine does not
        assert wait_for(lambda: connect_status(config.proxy_listen, "www.youtube.com") == 403, timeout=10)
        console.publish(tokens=[console.state.token(minutes=30)], version=2)
        assert wait_for(lambda: agent.state is not None and agent.state.version == 2)
        # the proxy re-reads overrides.json within a second; 403 no more (it may then fail to dial: no network)
        assert wait_for(lambda: connect_status(config.proxy_listen, "www.youtube.com") != 403, timeout=10)
    finally:
        agent.stop()


def test_while_the_agent_is_dead_the_proxy_keeps_guarded_sites_closed(
    write_config: Callable[..., Path], console: FakeConsole
) -> None:
    """Kill -9 the agent (the service manager restarts it): until then its proxy, in a
    session of its own, keeps refusing. The next agent replaces that proxy with its own;
    in between the port is closed, and the PAC has no DIRECT for guarded sites."""
    command = _real_proxy()
    if command is None:
        pytest.skip("classguard-proxy is not installed next to this Python")
    config_path = write_config(console.url, proxy_command=str(command))
    config = load_config(config_path)
    paths = StatePaths(config.state_dir)
    enrol(paths, console.url, console.state.code)

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "agent.cli", "--config", str(config_path), "run"], cwd=REPO,
                                env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)  # fmt: skip

    def refused() -> bool:
        try:
            return connect_status(config.proxy_listen, "www.youtube.com") == 403
        except OSError:
            return False

    agents = [start()]
    try:
        assert wait_for(refused, timeout=30)
        agents[0].send_signal(signal.SIGKILL)
        agents[0].wait(timeout=10)
        for _ in range(5):  # the gap before the service manager's restart
            assert refused()
        paths.status.unlink()  # the dead agent's last word
        agents.append(start())
        assert wait_for(lambda: paths.status.exists() and json.loads(paths.status.read_text())["proxy"] == "running",
                        timeout=30)  # fmt: skip
        assert refused()
    finally:
        for process in agents:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
        leftover = json.loads((paths.proxy_dir / "status.json").read_text()).get("pid")
        if leftover and psutil.pid_exists(leftover):
            os.kill(leftover, signal.SIGKILL)
