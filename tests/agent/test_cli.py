from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from agent.cli import main
from agent.config import load_config
from agent.status import STATUS_KEYS
from tests.agent.fakes import FakeConsole, wait_for
from tests.conftest import REPO


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_enrol_then_status(
    write_config: Callable[..., Path], console: FakeConsole, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(write_config(console.url))
    code, out, _ = run_main(["--config", config, "status", "--json"], capsys)
    assert code == 0 and json.loads(out)["enrolled"] is False
    code, out, _ = run_main(["--config", config, "enrol", "--console", console.url, "--code", "ABC-123"], capsys)
    assert (code, out) == (0, "Aangemeld: apparaat dev-42, groep groep-7.\n")
    code, out, _ = run_main(["--config", config, "status", "--json"], capsys)
    status = json.loads(out)
    assert set(STATUS_KEYS) <= set(status)
    assert status["enrolled"] is True and status["device_id"] == "dev-42"
    assert status["proxy"] == "down" and status["agent_running"] is False
    code, out, _ = run_main(["--config", config, "status"], capsys)
    assert "Agent:            draait NIET" in out and "dev-42 (groep groep-7)" in out


def test_usage_and_config_errors_exit_2(
    write_config: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_config(proxy_listen="10.0.0.1:3128")
    code, _, err = run_main(["--config", str(bad), "status"], capsys)
    assert code == 2
    assert err == f"{bad}:3:15: proxy_listen: '10.0.0.1' is not a loopback address: use 127.0.0.1 or [::1]\n"
    code, _, err = run_main(["--config", str(bad)], capsys)
    assert code == 2 and err.startswith("classguard-agent: error: ")
    code, _, err = run_main(["--config", str(write_config()), "enrol"], capsys)
    assert code == 2 and "--code" in err


def test_a_wrong_code_exits_1(
    write_config: Callable[..., Path], console: FakeConsole, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(["--config", str(write_config(console.url)), "enrol", "--code", "NOPE"], capsys)
    assert code == 1 and "unknown enrolment code" in err


def test_run_in_the_foreground_and_stop_on_sigterm(
    write_config: Callable[..., Path], console: FakeConsole, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(console.url)
    assert main(["--config", str(config_path), "enrol", "--code", "ABC-123"]) == 0
    config = load_config(config_path)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    agent = subprocess.Popen(
        [sys.executable, "-m", "agent.cli", "--config", str(config_path), "run"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:

        def running() -> bool:
            capsys.readouterr()
            main(["--config", str(config_path), "status", "--json"])
            status = json.loads(capsys.readouterr().out)
            return bool(status["agent_running"] and status["proxy"] == "running" and status["policy_version"] == 1)

        assert wait_for(running, timeout=20)
        proxy_pid = json.loads((config.state_dir / "proxy" / "status.json").read_text())["pid"]
        second = subprocess.run(
            [sys.executable, "-m", "agent.cli", "--config", str(config_path), "run"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 1 and "already running" in second.stderr
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=20) == 0
        with pytest.raises(ProcessLookupError):
            os.kill(proxy_pid, 0)  # the proxy went with it
    finally:
        if agent.poll() is None:
            agent.kill()
            agent.wait()
        assert agent.stderr is not None
        log = agent.stderr.read().decode()
        agent.stderr.close()
    assert "youtube" not in log and "Traceback" not in log  # no hosts in the log, no crash


def test_the_code_can_come_from_standard_input(
    write_config: Callable[..., Path], console: FakeConsole, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """`--code -`: a script hands the code over without putting it in the process list."""
    config = str(write_config(console.url))
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    code, _, err = run_main(["--config", config, "enrol", "--code", "-"], capsys)
    assert code == 2 and "the enrolment code is empty" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO("ABC-123\n"))
    code, out, _ = run_main(["--config", config, "enrol", "--code", "-"], capsys)
    assert (code, out) == (0, "Aangemeld: apparaat dev-42, groep groep-7.\n")
    assert console.state.enrolments[-1]["code"] == "ABC-123"
