from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.proxy_supervisor import ProxyArgs, ProxySupervisor
from policies import clock
from tests.agent.conftest import free_port
from tests.agent.fakes import wait_for
from tests.conftest import BASIC_POLICY


def make_args(tmp_path: Path, command: Path, **changes: object) -> ProxyArgs:
    policy = tmp_path / "policy.yaml"
    policy.write_text(BASIC_POLICY)
    key = tmp_path / "key.pem"
    key.write_text("pem")
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    values: dict[str, object] = dict(
        command=command,
        policy=policy,
        group="groep-7",
        device="dev-1",
        listen=("127.0.0.1", free_port()),
        data_dir=data,
        trust_keys=(key,),
        overrides=tmp_path / "overrides.json",
        intercept=False,
    )
    values.update(changes)
    return ProxyArgs(**values)  # type: ignore[arg-type]


@pytest.fixture
def supervisor(tmp_path: Path, fake_proxy: Path) -> Iterator[ProxySupervisor]:
    running = ProxySupervisor(make_args(tmp_path, fake_proxy))
    running.start()
    yield running
    running.stop()


def test_argv_follows_the_proxy_interface(tmp_path: Path, fake_proxy: Path) -> None:
    args = make_args(tmp_path, fake_proxy, intercept=True, listen=("::1", 3128))
    assert args.argv() == [
        str(fake_proxy),
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--group",
        "groep-7",
        "--device",
        "dev-1",
        "--listen",
        "[::1]:3128",
        "--data-dir",
        str(tmp_path / "data"),
        "--trust-key",
        str(tmp_path / "key.pem"),
        "--overrides",
        str(tmp_path / "overrides.json"),
        "--intercept",
    ]


def test_started_and_healthy(supervisor: ProxySupervisor, tmp_path: Path) -> None:
    assert supervisor.wait_ready(10)
    assert wait_for(supervisor.healthy)
    assert supervisor.state() == "running"
    argv = json.loads((tmp_path / "data" / "argv.json").read_text())
    assert argv[argv.index("--group") + 1] == "groep-7"


def test_a_killed_proxy_is_back_within_two_seconds(supervisor: ProxySupervisor) -> None:
    assert supervisor.wait_ready(10) and wait_for(supervisor.healthy)
    old = supervisor.pid
    assert old is not None
    os.kill(old, signal.SIGKILL)
    started = clock.monotonic()
    assert wait_for(lambda: supervisor.pid not in (None, old) and supervisor.healthy(), timeout=5)
    assert clock.monotonic() - started < 2.0 + 1.0  # restart within 2 s; up to 1 s for the fake to bind
    assert supervisor.restarts == 1
    assert supervisor.last_error is not None and "exited" in supervisor.last_error


def test_stop_terminates_the_child(supervisor: ProxySupervisor) -> None:
    assert supervisor.wait_ready(10)
    pid = supervisor.pid
    supervisor.stop()
    assert supervisor.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid or 0, 0)


def test_a_missing_command_is_down_and_reported(tmp_path: Path) -> None:
    supervisor = ProxySupervisor(make_args(tmp_path, tmp_path / "absent"))
    supervisor.start()
    try:
        assert supervisor.state() == "down"
        assert supervisor.last_error is not None and "cannot start" in supervisor.last_error
    finally:
        supervisor.stop()


def test_reconfigure_restarts_with_the_new_group(supervisor: ProxySupervisor, tmp_path: Path) -> None:
    assert supervisor.wait_ready(10)
    old = supervisor.pid
    supervisor.reconfigure(make_args(tmp_path, supervisor.args.command, group="groep-8", listen=supervisor.args.listen))
    assert supervisor.wait_ready(10) and supervisor.pid != old
    assert wait_for(lambda: "groep-8" in (tmp_path / "data" / "argv.json").read_text())


def _real_proxy() -> Path | None:
    command = Path(sys.executable).parent / "classguard-proxy"
    if not command.exists():
        return None
    probe = subprocess.run([str(command), "--help"], capture_output=True, timeout=60, check=False)
    return command if probe.returncode == 0 and b"--data-dir" in probe.stdout else None


def test_the_real_proxy_if_it_exists(tmp_path: Path, signing_key: object) -> None:
    command = _real_proxy()
    if command is None:
        pytest.skip("classguard-proxy is not built yet (proxy/cli.py with --data-dir): nothing real to supervise")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from policies.keys import public_pem

    args = make_args(tmp_path, command)
    args.trust_keys[0].write_text(public_pem(Ed25519PrivateKey.generate().public_key()))
    (tmp_path / "overrides.json").write_text('{"tokens": [], "revoked": []}')
    supervisor = ProxySupervisor(args)
    supervisor.start()
    try:
        assert supervisor.wait_ready(30), supervisor.recent_stderr()
        assert wait_for(supervisor.healthy)
    finally:
        supervisor.stop()


def test_a_program_squatting_the_port_is_reported_not_trusted(tmp_path: Path, fake_proxy: Path) -> None:
    """A pupil's program that listens on the proxy port first would get every guarded
    request; a TCP connect succeeds, so only the listener's pid tells."""
    args = make_args(tmp_path, fake_proxy)
    with socket.socket() as squatter:
        squatter.bind(args.listen)
        squatter.listen()
        supervisor = ProxySupervisor(args)
        supervisor.start()
        try:
            assert wait_for(lambda: supervisor.restarts >= 1, timeout=5)  # the real one could not bind
            assert supervisor.state() == "down"
            assert supervisor.last_error is not None
            assert f"port is taken by another program: pid {os.getpid()}" in supervisor.last_error
        finally:
            supervisor.stop()


def _bind_as_nobody(addresses: list[tuple[str, int]]) -> list[str]:
    """Try to listen on each address as another user (uid 65534), with SO_REUSEADDR and
    SO_REUSEPORT, in a forked child; returns what happened for each."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no pytest machinery, only sockets, then _exit
        os.close(read_end)
        results = []
        try:
            os.setgid(65534)
            os.setuid(65534)
            for address in addresses:
                with socket.socket() as sock:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
                    try:
                        sock.bind(address)
                        sock.listen()
                        results.append("bound")
                    except OSError as exc:
                        results.append(os.strerror(exc.errno or 0))
        finally:
            os.write(write_end, json.dumps(results).encode())
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        data = answer.read()
    os.waitpid(pid, 0)
    return list(json.loads(data))


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
# The forked child only makes system calls and _exits; exec'ing an interpreter instead
# would need one that user 65534 may run (the venv's may sit under /root).
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_no_other_user_can_take_the_port_while_our_proxy_holds_it(tmp_path: Path, fake_proxy: Path) -> None:
    """Why the port's owner is asked once per proxy process, not every second."""
    args = make_args(tmp_path, fake_proxy)
    supervisor = ProxySupervisor(args)
    supervisor.start()
    try:
        assert supervisor.wait_ready(10) and wait_for(supervisor.healthy)
        host, port = args.listen
        tries = _bind_as_nobody([(host, port), ("0.0.0.0", port)])
        assert tries == [os.strerror(98)] * 2  # EADDRINUSE
        assert supervisor.healthy()
    finally:
        supervisor.stop()


def test_a_proxy_left_by_a_killed_agent_is_stopped(tmp_path: Path, fake_proxy: Path) -> None:
    args = make_args(tmp_path, fake_proxy)
    orphan = subprocess.Popen(args.argv(), stderr=subprocess.PIPE)
    try:
        assert orphan.stderr is not None and b"listening" in orphan.stderr.readline()
        supervisor = ProxySupervisor(args)
        supervisor.start()
        try:
            assert orphan.wait(timeout=10) == 0  # SIGTERM, as the interface says
            assert supervisor.wait_ready(10) and wait_for(supervisor.healthy)
        finally:
            supervisor.stop()
    finally:
        if orphan.poll() is None:
            orphan.kill()
            orphan.wait()
        if orphan.stderr is not None:
            orphan.stderr.close()
