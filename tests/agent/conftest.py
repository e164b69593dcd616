"""Fixtures for the agent: keys, a fake console, a fake proxy, a config in tmp_path."""

from __future__ import annotations

import random
import socket
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from agent.config import Config, load_config
from agent.enrol import enrol
from agent.paths import StatePaths
from agent.service import Agent
from tests.agent.fakes import ConsoleState, FakeClock, FakeConsole, write_fake_proxy
from tests.conftest import BASIC_POLICY


def free_port() -> int:
    """A free port below the kernel's ephemeral range, so that no client connection
    (the tests make many) takes it between choosing it and a server binding it."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(max(1024, low - 12_000), low)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port found")


@pytest.fixture
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def console_state(signing_key: Ed25519PrivateKey) -> ConsoleState:
    return ConsoleState(key=signing_key, policy_text=BASIC_POLICY)


@pytest.fixture
def console(console_state: ConsoleState) -> Iterator[FakeConsole]:
    with FakeConsole(console_state) as running:
        yield running


@pytest.fixture
def fake_clock(console_state: ConsoleState) -> FakeClock:
    return FakeClock(console_state.server_time)


@pytest.fixture
def fake_proxy(tmp_path: Path) -> Path:
    return write_fake_proxy(tmp_path)


@pytest.fixture
def write_config(tmp_path: Path, fake_proxy: Path) -> Callable[..., Path]:
    def write(console_url: str = "http://127.0.0.1:9", extra: str = "", **overrides: str) -> Path:
        values = {
            "console_url": console_url,
            "state_dir": str(tmp_path / "state"),
            "proxy_listen": f"127.0.0.1:{free_port()}",
            "pac_listen": f"127.0.0.1:{free_port()}",
            "apply_system_settings": "false",
            "proxy_command": str(fake_proxy),
            "tray_socket": str(tmp_path / "run" / "agent.sock"),
            "settings_root": str(tmp_path / "root"),
        }
        values.update(overrides)
        text = "".join(f"{key}: {value}\n" for key, value in values.items()) + textwrap.dedent(extra)
        path = tmp_path / "agent.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def config(write_config: Callable[..., Path], console: FakeConsole) -> Config:
    return load_config(write_config(console.url))


@pytest.fixture
def enrolled(config: Config, console: FakeConsole) -> Config:
    enrol(StatePaths(config.state_dir), console.url, console.state.code, hostname="laptop")
    return config


@pytest.fixture
def agent(enrolled: Config, fake_clock: FakeClock) -> Iterator[Agent]:
    running = Agent(enrolled, fake_clock, sync_wait=0.3)
    running.start()
    yield running
    running.stop()
