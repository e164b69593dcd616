"""Run by test_tamper under `unshare -m` (a private mount namespace, as root): the
agent's state dir on a 1 MB tmpfs that is then filled up. Prints one JSON line of
facts for the test to check. Not a test module itself (no test_ prefix)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from agent.config import load_config
from agent.enrol import enrol
from agent.paths import StatePaths
from agent.service import Agent
from tests.agent.conftest import free_port
from tests.agent.fakes import ConsoleState, FakeClock, FakeConsole, wait_for, write_fake_proxy
from tests.conftest import BASIC_POLICY


def fill(directory: Path) -> Path:
    filler = directory / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    return filler


def facts(agent: Agent, paths: StatePaths) -> dict[str, object]:
    assert agent.cache is not None
    loaded = agent.cache.load()
    return {
        "in_force": agent.state.version if agent.state else None,
        "cache": loaded[0].version if loaded else None,
        "proxy_policy_v1": "Testschool" in paths.policy_file.read_text(),
        "problem": [p for p in agent.problems if "cannot be written" in p or "could not be written" in p],
    }


def main(base: Path) -> int:
    state_dir = base / "state"
    state_dir.mkdir()
    subprocess.run(["mount", "--make-rprivate", "/"], check=True)  # nothing leaks to the host's mounts
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(state_dir)], check=True)
    filesystem = subprocess.run(["stat", "-f", "-c", "%T", str(state_dir)], capture_output=True, text=True).stdout
    state = ConsoleState(key=Ed25519PrivateKey.generate(), policy_text=BASIC_POLICY)
    with FakeConsole(state) as console:
        config_path = base / "agent.yaml"
        config_path.write_text(
            f"console_url: {console.url}\nstate_dir: {state_dir}\nproxy_listen: 127.0.0.1:{free_port()}\n"
            f"pac_listen: 127.0.0.1:{free_port()}\napply_system_settings: false\n"
            f"proxy_command: {write_fake_proxy(base)}\ntray_socket: {base / 'agent.sock'}\n"
        )
        config = load_config(config_path)
        paths = StatePaths(state_dir)
        enrol(paths, console.url, state.code)
        agent = Agent(config, FakeClock(state.server_time), sync_wait=0.3)
        agent.start()
        try:
            assert wait_for(lambda: agent.state is not None)
            filler = fill(state_dir)
            console.publish(version=2, tokens=[state.token()], policy_text=BASIC_POLICY.replace("Testschool", "Nieuw"))
            assert wait_for(lambda: bool(facts(agent, paths)["problem"]), timeout=20)
            full = facts(agent, paths)
            filler.unlink()
            assert wait_for(lambda: agent.state is not None and agent.state.version == 2, timeout=30)
            after = facts(agent, paths)
        finally:
            agent.stop()
            subprocess.run(["umount", str(state_dir)], check=False)
    print(json.dumps({"filesystem": filesystem.strip(), "full": full, "after": after}))
    return 0


if __name__ == "__main__":
    os.umask(0o022)
    sys.exit(main(Path(sys.argv[1])))
