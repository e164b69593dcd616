"""classguard-proxy's command line: one clear line and exit 2 for bad input, exit 0
after SIGTERM, the listening line once it accepts connections."""

from __future__ import annotations

import signal
import socket
import subprocess

import pytest

from proxy.cli import UsageError, parse_listen
from tests.proxy.conftest import IN_LESSON
from tests.proxy.harness import PROXY_BIN


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PROXY_BIN), *args], capture_output=True, text=True, timeout=30)


def base_args(school, **changes: str) -> list[str]:
    values = {
        "--policy": str(school.policy),
        "--group": "groep-7",
        "--listen": "127.0.0.1:0",
        "--data-dir": str(school.data_dir),
    }
    values.update(changes)
    return [part for item in values.items() for part in item]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"--listen": "0.0.0.0:3128"}, "loopback only"),
        ({"--listen": "127.0.0.1"}, "expected HOST:PORT"),
        ({"--listen": "127.0.0.1:99999"}, "expected HOST:PORT"),
        ({"--group": "groep-9"}, "'groep-9' is not in the policy"),
        ({"--policy": "/nonexistent/policy.yaml"}, "no such file"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(school, changes, message):
    result = run_cli(*base_args(school, **changes))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("classguard-proxy: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_a_broken_policy_is_reported_with_line_and_column(school):
    school.policy.write_text(school.policy.read_text().replace("08:30-12:00", "12:00-08:30"))
    result = run_cli(*base_args(school))
    assert result.returncode == 2
    assert f"{school.policy}:" in result.stderr and "before start" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_required_argument_exits_2_with_one_line(school):
    result = run_cli("--policy", str(school.policy))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "required: --group, --listen, --data-dir" in result.stderr


def test_sigterm_closes_connections_and_exits_0(run_proxy):
    proxy = run_proxy(IN_LESSON)
    client = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    client.sendall(b"CONNECT example.org:1 HTTP/1.1\r\n")  # an unfinished request, left open
    proxy.process.send_signal(signal.SIGTERM)
    assert proxy.process.wait(timeout=10) == 0
    assert client.recv(1024) == b""  # closed by the proxy
    client.close()


def test_sigint_exits_0(run_proxy):
    proxy = run_proxy(IN_LESSON)
    proxy.process.send_signal(signal.SIGINT)
    assert proxy.process.wait(timeout=10) == 0


def test_a_taken_port_is_a_clear_error(run_proxy, school):
    first = run_proxy(IN_LESSON)
    result = run_cli(*base_args(school, **{"--listen": first.address, "--data-dir": str(school.root / "other")}))
    assert result.returncode != 0
    assert "address already in use" in result.stderr.lower()


@pytest.mark.parametrize("value", ["127.0.0.1:3128", "localhost:0", "[::1]:3128", "127.9.9.9:1"])
def test_loopback_listen_addresses_are_accepted(value):
    host, port = parse_listen(value)
    assert port in (0, 1, 3128) and host


@pytest.mark.parametrize("value", ["10.0.0.1:3128", "example.org:80", ":3128", "[::]:3128"])
def test_other_listen_addresses_are_refused(value):
    with pytest.raises(UsageError):
        parse_listen(value)
