"""What a clever pupil (or bad luck) does to a running agent, one test each, with real
processes and files: the fake console and fake proxy on 127.0.0.1, a fake clock.

The agent process itself is restarted by the service manager (systemd `Restart=always`,
see docs/agent.md); here: a new agent after a SIGKILL'd one starts cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pacparser
import psutil
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from agent.cache import PolicyCache
from agent.config import Config, load_config
from agent.enrol import enrol
from agent.paths import StatePaths
from agent.service import Agent
from agent.tasks import build_agent
from policies import clock
from policies.tokens import issue_token
from tests.agent.fakes import FakeClock, FakeConsole, wait_for
from tests.agent.test_service import pac_text
from tests.conftest import REPO


def find_proxy(pac: str, host: str) -> str:
    pacparser.init()
    try:
        pacparser.parse_pac_string(pac)
        return str(pacparser.find_proxy(f"https://{host}/", host))
    finally:
        pacparser.cleanup()


def refused(address: tuple[str, int]) -> bool:
    try:
        socket.create_connection(address, timeout=1).close()
    except OSError:
        return True
    return False


def status_of(agent: Agent) -> dict:  # type: ignore[type-arg]
    agent.tick()
    return json.loads(agent.paths.status.read_text())  # type: ignore[no-any-return]


@pytest.fixture
def running(agent: Agent) -> Agent:
    assert wait_for(lambda: agent.state is not None)
    assert agent.proxy is not None and agent.proxy.wait_ready(10)
    return agent


def test_kill_the_proxy_it_is_back_within_2_s_and_guarded_sites_stay_closed(running: Agent, enrolled: Config) -> None:
    proxy = running.proxy
    assert proxy is not None and proxy.pid is not None
    old = proxy.pid
    pac = pac_text(enrolled)
    os.kill(old, signal.SIGKILL)
    killed = clock.monotonic()
    # meanwhile: the PAC still sends YouTube to the (dead) proxy with no DIRECT fallback
    assert find_proxy(pac, "www.youtube.com") == f"PROXY {enrolled.proxy_address}"
    assert find_proxy(pac_text(enrolled), "www.youtube.com") == f"PROXY {enrolled.proxy_address}"
    assert find_proxy(pac, "example.org") == "DIRECT"
    assert wait_for(lambda: proxy.pid not in (None, old), timeout=5)
    assert clock.monotonic() - killed < 2.0
    assert wait_for(proxy.healthy) and proxy.restarts == 1


def _agent_process(config_path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "agent.cli", "--config", str(config_path), "run"], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip


def _proxy_pid(paths: StatePaths) -> int | None:
    try:
        return int(json.loads((paths.proxy_dir / "status.json").read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return None


def test_kill_the_agent_a_new_one_starts_cleanly(write_config: Callable[..., Path], console: FakeConsole) -> None:
    config_path = write_config(console.url)
    config = load_config(config_path)
    paths = StatePaths(config.state_dir)
    enrol(paths, console.url, console.state.code)
    first = _agent_process(config_path)
    second: subprocess.Popen[bytes] | None = None
    orphan: int | None = None
    try:
        assert wait_for(lambda: _proxy_pid(paths) is not None, timeout=20)
        orphan = _proxy_pid(paths)
        first.send_signal(signal.SIGKILL)  # no clean-up at all: the lock and the proxy stay behind
        first.wait(timeout=10)
        assert orphan is not None and psutil.pid_exists(orphan)
        (paths.proxy_dir / "status.json").unlink()
        second = _agent_process(config_path)
        assert wait_for(lambda: _proxy_pid(paths) not in (None, orphan), timeout=20)  # the lock was free
        assert wait_for(lambda: not psutil.pid_exists(orphan or 0) or psutil.Process(orphan).status() == "zombie")
        # (the new agent removes the old status file at start and writes its own at its first tick)
        assert wait_for(lambda: paths.status.exists() and json.loads(paths.status.read_text())["proxy"] == "running")
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
        for pid in (orphan, _proxy_pid(paths)):
            if pid is not None and psutil.pid_exists(pid):
                os.kill(pid, signal.SIGKILL)


def _reseal(paths: StatePaths, secret: str, edit: Callable[[dict], None]) -> None:  # type: ignore[type-arg]
    """Edit the cache the way an attacker who even knew the device secret would: the
    seal matches, only the bundle's signature can still tell."""
    cache = PolicyCache(paths.cache, paths.cache_good, secret, {})
    for path in (paths.cache, paths.cache_good):
        document = json.loads(path.read_text())
        document.pop("mac")
        edit(document)
        document["mac"] = cache._mac(document)
        path.write_text(json.dumps(document))


def test_edit_the_cached_policy(enrolled: Config, console: FakeConsole, fake_clock: FakeClock) -> None:
    first = Agent(enrolled, fake_clock, sync_wait=0.3)
    first.start()
    assert wait_for(lambda: first.state is not None)
    first.stop()
    paths = StatePaths(enrolled.state_dir)

    def no_more_youtube(document: dict) -> None:  # type: ignore[type-arg]
        header, payload, signature = document["policy"].split(".")
        document["policy"] = ".".join([header, payload[:-8] + "AAAAAAAA", signature])

    _reseal(paths, console.state.secret, no_more_youtube)
    console.state.down = True
    second = Agent(enrolled, fake_clock, sync_wait=0.3)
    second.start()
    try:
        assert second.state is None  # neither copy verifies: nothing from the cache is used
        assert any("cannot be used" in p and "does not verify" in p for p in second.problems)
        console.state.down = False
        assert wait_for(lambda: second.state is not None and second.state.version == 1)  # the console's, again
    finally:
        second.stop()


def test_replay_an_old_policy_bundle(running: Agent, console: FakeConsole) -> None:
    old_bundle = console.state.bundle()
    console.publish(version=2, policy_text=console.state.policy_text.replace("Testschool", "Nieuw"))
    assert wait_for(lambda: running.state is not None and running.state.version == 2)
    console.publish(raw_policy=old_bundle)
    assert wait_for(lambda: any("older than the one in force (2)" in p for p in running.problems))
    assert running.state is not None and running.state.version == 2
    assert "Nieuw" in running.paths.policy_file.read_text()


def test_forge_a_token_or_reuse_a_revoked_one(running: Agent, console: FakeConsole) -> None:
    forged = issue_token(Ed25519PrivateKey.generate(), sub="juf-anna", kind="exception", groups=["groep-7"],
                         services=["youtube"], now=int(console.state.server_time), minutes=30, reason="nep")  # fmt: skip
    console.publish(tokens=[forged], version=2)
    assert wait_for(lambda: running.state is not None and running.state.version == 2)
    assert any("token(s) rejected" in p for p in running.problems)
    assert status_of(running)["exceptions"] == []
    assert [b["service"] for b in status_of(running)["lesson"]["blocked"]] == ["youtube", "instagram"]
    real = console.state.token()
    console.publish(tokens=[real], version=3)
    assert wait_for(lambda: running.state is not None and running.state.version == 3)
    assert [e["services"] for e in status_of(running)["exceptions"]] == [["youtube"]]
    jti = status_of(running)["exceptions"][0]["id"]
    console.publish(revoked=[jti], version=4)
    assert wait_for(lambda: running.state is not None and running.state.version == 4)
    assert status_of(running)["exceptions"] == []
    # reuse: put the token back into the proxy's overrides file without its revocation
    running.paths.overrides.write_text(json.dumps({"tokens": [real], "revoked": []}))
    running.tick()
    assert json.loads(running.paths.overrides.read_text())["revoked"] == [jti]
    assert any("overrides.json" in p and "written again" in p for p in running.problems)


def test_set_the_clock_past_the_lesson_and_back(running: Agent, fake_clock: FakeClock) -> None:
    assert status_of(running)["lesson"]["in_lesson"] is True  # Tuesday 09:00, lesson until 10:15
    fake_clock.wall += 3 * 3600  # 12:00 on the laptop: the lesson would be over
    status = status_of(running)
    assert status["lesson"]["in_lesson"] is True and status["clock_skewed"] is True
    assert json.loads(running.paths.clock.read_text())["offset_s"] == -3 * 3600  # the proxy is told too
    fake_clock.wall -= 5 * 3600  # 07:00: before the lesson
    status = status_of(running)
    assert status["lesson"]["in_lesson"] is True and status["clock_skewed"] is True
    fake_clock.wall += 2 * 3600  # back to the truth
    assert status_of(running)["clock_skewed"] is False


def test_set_the_clock_back_and_restart_offline(enrolled: Config, console: FakeConsole, fake_clock: FakeClock) -> None:
    first = Agent(enrolled, fake_clock, sync_wait=0.3)
    first.start()
    assert wait_for(lambda: first.state is not None)
    first.stop()
    console.state.down = True
    fake_clock.wall -= 2 * 3600  # 07:00, and no console to say otherwise
    second = Agent(enrolled, fake_clock, sync_wait=0.3)
    second.start()
    try:
        assert status_of(second)["lesson"]["in_lesson"] is True  # never earlier than the cached trusted moment
    finally:
        second.stop()


def test_remove_the_proxy_setting(
    write_config: Callable[..., Path], console: FakeConsole, fake_clock: FakeClock, tmp_path: Path
) -> None:
    config = load_config(write_config(console.url, apply_system_settings="true", settings_interval_seconds="60"))
    enrol(StatePaths(config.state_dir), console.url, console.state.code)
    agent = build_agent(config, fake_clock)
    agent.start()
    try:
        agent.tick()
        firefox = config.settings_root / "etc/firefox/policies/policies.json"
        dconf = config.settings_root / "etc/dconf/db/local.d/00-classguard-proxy"
        wanted = firefox.read_text(), dconf.read_text()
        firefox.unlink()
        dconf.write_text("[system/proxy]\nmode='none'\n")
        fake_clock.advance(59)
        agent.tick()
        assert not firefox.exists()  # not yet: every settings_interval_seconds
        fake_clock.advance(1)
        agent.tick()
        assert (firefox.read_text(), dconf.read_text()) == wanted
        assert any("drifted and were set again" in p and "00-classguard-proxy" in p for p in agent.problems)
    finally:
        agent.stop()


def test_console_unreachable_for_an_hour(running: Agent, console: FakeConsole, fake_clock: FakeClock) -> None:
    console.publish(tokens=[console.state.token(minutes=30)], version=2)  # YouTube open 09:00-09:30
    assert wait_for(lambda: running.state is not None and running.state.version == 2)
    console.state.down = True
    assert wait_for(lambda: running.sync is not None and not running.sync.online)
    fake_clock.advance(29 * 60)
    status = status_of(running)
    assert [e["services"] for e in status["exceptions"]] == [["youtube"]] and status["console"] == "offline"
    assert [b["service"] for b in status["lesson"]["blocked"]] == ["instagram"]
    fake_clock.advance(60)  # 09:30: the token ends on time, console or not
    status = status_of(running)
    assert status["exceptions"] == [] and [b["service"] for b in status["lesson"]["blocked"]] == [
        "youtube",
        "instagram",
    ]
    fake_clock.advance(30 * 60)  # 10:00, an hour without a console: the policy still holds
    status = status_of(running)
    assert status["lesson"]["in_lesson"] is True and status["policy_version"] == 2
    assert running.proxy is not None and running.proxy.healthy()
    assert json.loads(running.paths.clock.read_text())["offset_s"] == 0.0


DISK_FULL_SCENARIO = REPO / "tests" / "agent" / "disk_full_scenario.py"


def _can_mount_tmpfs() -> bool:
    if os.geteuid() != 0 or not Path("/usr/bin/unshare").exists():
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True, timeout=10, check=False)  # fmt: skip
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs root and unshare -m to mount a tiny tmpfs")
def test_disk_full_while_writing_the_cache_keeps_the_last_good_state(tmp_path: Path) -> None:
    """A real full disk: a 1 MB tmpfs as the state dir, in a private mount namespace."""
    result = subprocess.run(["unshare", "-m", sys.executable, str(DISK_FULL_SCENARIO), str(tmp_path)], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=90,
                            check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["filesystem"] == "tmpfs"
    assert facts["full"]["in_force"] == 1 and facts["full"]["cache"] == 1 and facts["full"]["proxy_policy_v1"]
    assert facts["full"]["problem"], "the full disk must be reported"
    assert facts["after"]["in_force"] == 2 and facts["after"]["cache"] == 2
