"""The installed agent, enrolled during install, runs in the foreground from the
staging root against a fake console; --with-ca trusts the CA its proxy made; uninstall
then leaves the tree byte-for-byte as it was."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

from tests.agent.conftest import free_port
from tests.agent.fakes import FakeConsole
from tests.installer.conftest import Run, snapshot, wait_for
from tests.installer.fakes import agent_command


def test_install_enrol_run_trust_the_ca_and_uninstall(
    run: Run, staging: Path, install_args: list[str], console: FakeConsole
) -> None:
    before = snapshot(staging)
    console.state.enrol_busy = 1  # the whole school enrols at once: the first answer is a 429
    ports = ["--proxy-port", str(free_port()), "--pac-port", str(free_port())]
    install = ["--root", str(staging), "--unattended", "install", "--console", console.url, "--code", "ABC-123"]
    status, out, err = run(*install, "--with-ca", *ports, *install_args)
    assert (status, err) == (0, "")
    assert "  Aangemeld: apparaat dev-42, groep groep-7.\n" in out
    assert [e["code"] for e in console.state.enrolments] == ["ABC-123", "ABC-123"]  # asked again
    assert "--code - --retry-for 300" in out and "ABC-123" not in out  # on stdin: not in the process list
    assert out.endswith(
        "  - the proxy has not made its CA yet (/var/lib/classguard/proxy/ca.pem); once the agent has enrolled and "
        "synced, run the same `classguard-install install ... --with-ca` again to trust it\n"
    )
    assert "ABC-123" not in (staging / "var/lib/classguard-install/laptop/manifest.json").read_text()

    process = subprocess.Popen(
        agent_command(staging, "run"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:

        def proxy_running() -> bool:
            answer = subprocess.run(
                agent_command(staging, "status", "--json"), capture_output=True, text=True, check=False
            )
            return answer.returncode == 0 and json.loads(answer.stdout).get("proxy") == "running"

        wait_for(proxy_running)
        assert (staging / "var/lib/classguard/proxy/ca.pem").exists()

        status, out, err = run(*install, "--with-ca", *ports, *install_args)
        assert (status, err) == (0, "")
        assert "[1/1] trust this laptop's proxy CA (name-constrained to the guarded domains)\n" in out
        assert "  staged: update-ca-certificates\n" in out
        trusted = staging / "usr/local/share/ca-certificates/classguard-proxy-ca.crt"
        assert trusted.read_bytes() == (staging / "var/lib/classguard/proxy/ca.pem").read_bytes()

        status, out, _ = run("--root", str(staging), "status")
        assert "agent:      running, proxy running\n" in out
        assert "enrolment:  device dev-42, group groep-7\n" in out
        assert "proxy CA:   trusted\n" in out
        # the agent applied the same settings the installer laid down: no drift
        assert (status, out.splitlines()[-1]) == (0, "drift:      none")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0, process.stderr.read() if process.stderr else ""

    status, out, err = run("--root", str(staging), "--unattended", "uninstall")
    assert (status, err) == (0, "")
    assert "  staged: update-ca-certificates --fresh\n" in out
    assert snapshot(staging) == before


def test_a_refused_code_rolls_the_install_back(
    run: Run, staging: Path, install_args: list[str], console: FakeConsole
) -> None:
    before = snapshot(staging)
    status, _, err = run(
        "--root", str(staging), "--unattended", "install", "--console", console.url, "--code", "WRONG", *install_args
    )
    assert status == 1
    assert err.startswith("classguard-install: step 8 of 9 failed: enrol this laptop with http://127.0.0.1:")
    assert "  enrolment failed: check the console URL and the code" in err
    assert err.endswith("rolled back the 7 step(s) done in this run: the machine is as it was before.\n")
    assert snapshot(staging) == before
