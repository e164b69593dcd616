from __future__ import annotations

import json
import shutil
import signal
import subprocess
import urllib.request
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from agent.cli import read_status
from agent.config import Config, load_config
from agent.enrol import enrol
from agent.errors import AgentError
from agent.housekeeping import STATUS_REFRESH_S
from agent.paths import StatePaths
from agent.service import Agent
from agent.status import STATUS_KEYS
from agent.tasks import build_agent
from agent.tray.client import TrayClient
from agent.tray.texts import ASK_MESSAGES, REPORT_MESSAGES
from tests.agent.fakes import FakeClock, FakeConsole, wait_for


def pac_text(config: Config) -> str:
    with urllib.request.urlopen(config.pac_url, timeout=5) as response:
        return response.read().decode()


def test_run_puts_the_policy_into_force(agent: Agent, enrolled: Config) -> None:
    paths = agent.paths
    assert wait_for(lambda: agent.state is not None)
    assert paths.policy_file.exists() and json.loads(paths.overrides.read_text()) == {"tokens": [], "revoked": []}
    assert "PROXY " + enrolled.proxy_address in pac_text(enrolled)
    assert agent.proxy is not None and agent.proxy.wait_ready(10)
    assert wait_for(lambda: agent.proxy is not None and agent.proxy.healthy())
    agent.tick()
    status = json.loads(paths.status.read_text())
    assert set(STATUS_KEYS) <= set(status)
    assert status["proxy"] == "running" and status["console"] == "online" and status["policy_version"] == 1
    assert status["device_id"] == "dev-42" and status["group"] == "groep-7"
    assert json.loads(paths.clock.read_text()) == {"offset_s": 0.0}
    assert paths.cache.exists() and paths.cache_good.exists()


def test_a_new_version_and_a_token_reach_the_proxy_files(agent: Agent, console: FakeConsole) -> None:
    assert wait_for(lambda: agent.state is not None)
    token = console.state.token()
    console.publish(version=2, tokens=[token], policy_text=console.state.policy_text.replace("Testschool", "Nieuw"))
    assert wait_for(lambda: agent.state is not None and agent.state.version == 2)
    assert "Nieuw" in agent.paths.policy_file.read_text()
    assert json.loads(agent.paths.overrides.read_text())["tokens"] == [token]
    agent.tick()
    status = json.loads(agent.paths.status.read_text())
    assert [e["services"] for e in status["exceptions"]] == [["youtube"]]


def test_the_status_file_is_written_when_it_changes_and_every_half_minute(agent: Agent, fake_clock: FakeClock) -> None:
    assert wait_for(lambda: agent.state is not None and agent.proxy is not None and agent.proxy.healthy())
    agent.tick()
    first = agent.paths.status.stat().st_ino  # an atomic write is a new file: a new inode
    agent.tick()
    assert agent.paths.status.stat().st_ino == first  # nothing changed: not written again
    agent.report("something to say")
    agent.tick()
    changed = agent.paths.status.stat().st_ino
    assert changed != first and "something to say" in json.loads(agent.paths.status.read_text())["problems"]
    fake_clock.advance(STATUS_REFRESH_S)
    agent.tick()
    assert agent.paths.status.stat().st_ino != changed


def test_offline_the_cache_is_enforced(enrolled: Config, console: FakeConsole, fake_clock: FakeClock) -> None:
    first = Agent(enrolled, fake_clock, sync_wait=0.3)
    first.start()
    try:
        assert wait_for(lambda: first.state is not None)
    finally:
        first.stop()
    console.state.down = True
    second = Agent(enrolled, fake_clock, sync_wait=0.3)
    second.start()
    try:
        assert second.state is not None and second.state.version == 1  # at once, from the cache
        assert second.proxy is not None and second.proxy.wait_ready(10), second.proxy.recent_stderr()
        assert "youtube.com" in pac_text(enrolled)
        second.tick()
        assert json.loads(second.paths.status.read_text())["console"] == "offline"
    finally:
        second.stop()


def test_an_edited_cache_is_reported_and_the_last_good_copy_used(
    enrolled: Config, console: FakeConsole, fake_clock: FakeClock
) -> None:
    first = Agent(enrolled, fake_clock, sync_wait=0.3)
    first.start()
    assert wait_for(lambda: first.state is not None)
    first.stop()
    paths = StatePaths(enrolled.state_dir)
    document = json.loads(paths.cache.read_text())
    document["last_trusted"] = 0  # the pupil would like to turn the clock back
    paths.cache.write_text(json.dumps(document))
    console.state.down = True
    second = Agent(enrolled, fake_clock, sync_wait=0.3)
    second.start()
    try:
        assert second.state is not None
        assert any("seal does not match" in p for p in second.problems)
        assert any("last good copy" in p for p in second.problems)
    finally:
        second.stop()


def test_only_one_agent_per_machine(agent: Agent, enrolled: Config, fake_clock: FakeClock) -> None:
    with pytest.raises(AgentError, match="already running"):
        Agent(enrolled, fake_clock).start()


def test_a_loosened_secret_is_reported_and_fixed(enrolled: Config, fake_clock: FakeClock) -> None:
    paths = StatePaths(enrolled.state_dir)
    paths.secret.chmod(0o644)
    paths.root.chmod(0o755)
    agent = Agent(enrolled, fake_clock, sync_wait=0.3)
    agent.start()
    try:
        assert any("device-secret had mode 644" in p for p in agent.problems)
        assert any("had mode 755; set back to 700" in p for p in agent.problems)
        assert paths.secret.stat().st_mode & 0o077 == 0
    finally:
        agent.stop()


def test_a_laptop_clock_a_day_off_is_ignored(enrolled: Config, console: FakeConsole, fake_clock: FakeClock) -> None:
    fake_clock.wall += 86_400
    agent = Agent(enrolled, fake_clock, sync_wait=0.3)
    agent.start()
    try:
        assert wait_for(lambda: agent.sync is not None and agent.sync.online)
        agent.tick()
        status = json.loads(agent.paths.status.read_text())
        assert status["clock_skewed"] is True and status["clock_offset_s"] == -86_400
        assert json.loads(agent.paths.clock.read_text()) == {"offset_s": -86_400}
        assert agent.time.seconds() == console.state.server_time
    finally:
        agent.stop()


def test_in_a_lesson_the_app_is_closed_and_the_status_says_until_when(
    write_config: Callable[..., Path], console: FakeConsole, fake_clock: FakeClock, tmp_path: Path
) -> None:
    config_path = write_config(console.url, apply_system_settings="true", app_grace_seconds="5")
    config = load_config(config_path)
    enrol(StatePaths(config.state_dir), console.url, console.state.code)
    binary = tmp_path / "YouTube"  # the test policy's custom youtube service names this app
    shutil.copy("/bin/sleep", binary)
    app = subprocess.Popen([str(binary), "60"])
    agent = build_agent(config, fake_clock)
    agent.start()
    try:
        assert wait_for(lambda: psutil.Process(app.pid).name() == "YouTube")
        assert wait_for(lambda: agent.state is not None)
        agent.tick()
        assert app.wait(timeout=5) == -signal.SIGTERM
        assert [text for _, text in agent.notices] == [
            "youtube is gesloten: nu is het les."
        ]  # custom service: title = name
        status = json.loads(agent.paths.status.read_text())
        lesson = status["lesson"]
        assert lesson["in_lesson"] is True and lesson["until"] == "2026-12-01T10:15:00+01:00"
        assert [b["service"] for b in lesson["blocked"]] == ["youtube", "instagram"]
        assert (config.settings_root / "etc/firefox/policies/policies.json").exists()
        assert not any("apply_system_settings" in item for item in status["not_enforceable"])
        # the tray, over the real socket: what is blocked until when, and an ask that reaches the console
        tray = TrayClient(config.tray_socket)
        state = tray.state()
        assert state is not None
        assert [(b["title"], b["until"]) for b in state["blocked"]] == [("youtube", "10:15"), ("instagram", "10:15")]
        assert state["notices"] == ["youtube is gesloten: nu is het les."]
        assert tray.call("ask", service="youtube", message=ASK_MESSAGES[0]) == {"ok": True}
        assert tray.call("report", message=REPORT_MESSAGES[0]) == {"ok": True}
        assert [(r["service"], r["message"]) for r in console.state.requests] == [("youtube", ASK_MESSAGES[0])]
        assert [r["message"] for r in console.state.incidents] == [REPORT_MESSAGES[0]]
    finally:
        if app.poll() is None:
            app.kill()
        app.wait()
        agent.stop()


def test_edited_proxy_files_are_written_again_and_reported(agent: Agent, console: FakeConsole) -> None:
    assert wait_for(lambda: agent.state is not None)
    token = console.state.token()
    console.publish(tokens=[token], revoked=[])
    assert wait_for(lambda: agent.state is not None and agent.state.tokens == (token,))
    agent.tick()
    assert not any("changed outside the agent" in p for p in agent.problems)
    agent.paths.policy_file.write_text(
        agent.paths.policy_file.read_text().replace("block: [youtube, instagram]", "block: []")
    )
    agent.paths.overrides.write_text('{"tokens": [], "revoked": []}')
    agent.tick()
    assert any("changed outside the agent and written again: policy.yaml, overrides.json" in p for p in agent.problems)
    assert "block: [youtube, instagram]" in agent.paths.policy_file.read_text()
    assert json.loads(agent.paths.overrides.read_text())["tokens"] == [token]


def test_a_group_move_from_the_console_is_followed(agent: Agent, console: FakeConsole) -> None:
    assert wait_for(lambda: agent.state is not None)
    assert agent.proxy is not None and agent.proxy.wait_ready(10)
    console.publish(group="groep-8", version=2)
    assert wait_for(lambda: agent.identity is not None and agent.identity.group == "groep-8")
    assert json.loads(agent.paths.device.read_text())["group"] == "groep-8"
    argv = agent.paths.proxy_dir / "argv.json"
    assert wait_for(lambda: "groep-8" in argv.read_text())  # the proxy was restarted with the new group
    assert "this device was moved from groep-7 to groep-8" in agent.problems


def test_a_key_rotation_is_followed_and_the_old_key_dropped_later(agent: Agent, console: FakeConsole) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from policies.keys import key_id

    assert wait_for(lambda: agent.state is not None)
    old, new = console.state.key, Ed25519PrivateKey.generate()
    console.publish(key=new, retired_keys=[old], version=2)  # the bundle is now signed with the new key
    assert wait_for(lambda: agent.state is not None and agent.state.version == 2)
    assert agent.identity is not None and set(agent.identity.trusted_keys) == {
        key_id(old.public_key()),
        key_id(new.public_key()),
    }
    console.publish(retired_keys=[], version=3)
    assert wait_for(lambda: agent.state is not None and agent.state.version == 3)
    assert agent.identity is not None and list(agent.identity.trusted_keys) == [key_id(new.public_key())]
    assert sorted(p.stem for p in agent.paths.keys.glob("*.pem")) == [key_id(new.public_key())]
    assert agent.cache is not None and agent.cache.load() is not None  # the cache verifies with the new key


def test_a_starting_agent_does_not_pass_off_its_predecessors_status_as_its_own(
    enrolled: Config, fake_clock: FakeClock
) -> None:
    # The previous agent's last word: proxy running, policy 7. A new agent holds the lock
    # before it has a proxy, and `status` must not then report that proxy as running.
    paths = StatePaths(enrolled.state_dir)
    stale = {key: None for key in STATUS_KEYS} | {"proxy": "running", "policy_version": 7, "console": "online"}
    paths.status.write_text(json.dumps(stale), encoding="utf-8")
    agent = Agent(enrolled, fake_clock, sync_wait=0.3)
    agent.start()
    try:
        status = read_status(enrolled)  # no housekeeping tick yet: this agent has written nothing
        assert status["agent_running"] is True
        assert status["proxy"] == "down" and status["policy_version"] is None
    finally:
        agent.stop()
