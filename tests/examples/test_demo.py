"""`make demo` as a new user runs it: the whole system comes up, prints what it says,
blocks in the demo group's lesson, stops on Ctrl-C, and a second run reuses the data."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

LINE = re.compile(r"^(console|login|proxy|pac|block|allowed): ")


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


class Demo:
    def __init__(self, data: Path, ports: list[int]) -> None:
        args = ["--data", str(data), "--console-port", str(ports[0]), "--proxy-port", str(ports[1])]
        args += ["--pac-port", str(ports[2])]
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "examples" / "demo.py"), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.errors: list[str] = []
        assert self.process.stdout and self.process.stderr
        threading.Thread(target=lambda: self.errors.extend(self.process.stderr), daemon=True).start()  # type: ignore[arg-type]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip("\n"))
            if line.startswith("allowed: "):
                return
        self.stop()
        raise AssertionError("the demo did not come up:\n" + "".join(self.errors))

    def value(self, key: str) -> str:
        return next(line.split(": ", 1)[1] for line in self.lines if line.startswith(key + ": "))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        return self.process.wait(30)


@pytest.mark.timeout(400)
def test_the_demo_comes_up_blocks_stops_and_comes_back(tmp_path):
    data = tmp_path / "demo-data"
    ports = free_ports(3)
    demo = Demo(data, ports)
    try:
        assert all(LINE.match(line) for line in demo.lines), demo.lines
        assert demo.value("console") == f"http://127.0.0.1:{ports[0]}/"
        roles = [line.split()[1] for line in demo.lines if line.startswith("login: ")]
        assert roles == ["admin", "teacher", "teacher", "directie"]
        assert demo.value("proxy") == f"127.0.0.1:{ports[1]}"
        assert demo.value("pac") == f"http://127.0.0.1:{ports[2]}/proxy.pac"
        # The printed block line works as pasted (the proxy never dials the site, so
        # this needs no internet).
        blocked = subprocess.run(demo.value("block"), shell=True, capture_output=True, text=True, timeout=30)
        assert "Instagram is nu even dicht" in blocked.stdout
        pac = subprocess.run(["curl", "-sS", demo.value("pac")], capture_output=True, text=True, timeout=30).stdout
        assert f'"PROXY 127.0.0.1:{ports[1]}"' in pac and "instagram.com" in pac
        login = subprocess.run(
            ["curl", "-sS", demo.value("console") + "login"], capture_output=True, text=True, timeout=30
        )
        assert "<form" in login.stdout
        teacher_password = demo.lines[2].split()[-1]
    finally:
        assert demo.stop() == 0
    assert not _still_running(data), "Ctrl-C must stop the console, agent and proxy\n" + _logs(data, demo)

    again = Demo(data, ports)
    try:
        assert "first run only" not in "".join(again.errors)
        assert again.lines[2].split()[-1] == teacher_password  # the same data, the same logins
    finally:
        assert again.stop() == 0
    assert not _still_running(data), _logs(data, again)


def _logs(data: Path, demo: Demo) -> str:
    agent_log = (data / "logs" / "agent.log").read_text(errors="replace").splitlines()
    return "demo:\n" + "".join(demo.errors) + "\nagent.log (end):\n" + "\n".join(agent_log[-30:])


def _still_running(data: Path) -> list[str]:
    time.sleep(0.5)
    found = subprocess.run(["pgrep", "-af", str(data)], capture_output=True, text=True).stdout
    return [line for line in found.splitlines() if "pgrep" not in line]
