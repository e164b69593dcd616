"""upgrade on real pieces: the installed agent runs in the foreground from a staging
root against a fake console; an upgrade to a real but broken classguard (its proxy
exits at once) is rolled back, an upgrade to a good one stays; enrolment and CA are
kept, and uninstall still leaves the tree byte-for-byte as it was."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from installer.cli import main
from tests.agent.conftest import free_port
from tests.agent.fakes import FakeConsole
from tests.installer.conftest import VENV, Run, snapshot, wait_for
from tests.installer.fakes import ForegroundAgent, agent_command
from tests.installer.wheels import build_wheel, source_copy

BROKEN_PROXY = 'def main(argv: Sequence[str] | None = None) -> int:\n    raise SystemExit("broken on purpose")\n'


@pytest.fixture(scope="module")
def upgrade_wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """classguard 0.1.1 (this checkout) and 0.1.2, whose proxy exits as it starts."""
    scratch = tmp_path_factory.mktemp("upgrade-wheels")
    wheels = build_wheel(source_copy(scratch / "good", "0.1.1"), scratch / "wheels")
    broken = source_copy(scratch / "broken", "0.1.2")
    cli = broken / "proxy/cli.py"
    text = cli.read_text()
    assert "def main(argv: Sequence[str] | None = None) -> int:\n" in text
    cli.write_text(text.replace("def main(argv: Sequence[str] | None = None) -> int:\n", BROKEN_PROXY))
    return build_wheel(broken, wheels)


def agent_status(root: Path) -> dict[str, object]:
    answer = subprocess.run(agent_command(root, "status", "--json"), capture_output=True, text=True, check=False)
    return json.loads(answer.stdout) if answer.returncode == 0 else {}


def test_a_broken_version_is_rolled_back_and_a_good_one_stays(
    run: Run,
    staging: Path,
    install_args: list[str],
    console: FakeConsole,
    upgrade_wheels: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = snapshot(staging)
    ports = ["--proxy-port", str(free_port()), "--pac-port", str(free_port())]
    install = ["--root", str(staging), "--unattended", "install", "--console", console.url, "--code", "ABC-123"]
    assert run(*install, "--with-ca", *ports, *install_args)[0] == 0
    service = ForegroundAgent(staging, tmp_path / "agent.log")

    def upgrade(to: str, timeout: str) -> tuple[int, str, str]:
        capsys.readouterr()
        argv = ["--root", str(staging), "--unattended", "upgrade", "--to", to, "--timeout", timeout]
        status = main([*argv, "--wheels", str(upgrade_wheels), "--deps-from", str(VENV)], agent_service=service)
        out, err = capsys.readouterr()
        # the fake console's server thread may complain on stderr about the agent's
        # long-poll cut short by the restart; the installer's own words start with its name
        return status, out, err[err.find("classguard-install: ") :] if "classguard-install: " in err else ""

    try:
        service.restart()  # what `systemctl enable --now` did on a laptop
        wait_for(lambda: agent_status(staging).get("proxy") == "running")
        ca = (staging / "var/lib/classguard/proxy/ca.pem").read_bytes()

        status, out, err = upgrade("0.1.2", "8")
        assert status == 1, out + (tmp_path / "agent.log").read_text()
        assert err.startswith(
            "classguard-install: classguard 0.1.2 did not come up healthy within 8 s: the proxy is down"
        )
        assert "\nrolled back to 0.1.0; it runs healthy again.\n" in err
        assert service.started == ["0.1.0", "0.1.2", "0.1.0"]
        assert sorted(p.name for p in (staging / "opt/classguard/releases").iterdir()) == ["0.1.0"]
        assert agent_status(staging)["proxy"] == "running"

        status, out, err = upgrade("0.1.1", "30")
        assert (status, err) == (0, ""), out
        assert out.endswith(
            "upgraded classguard 0.1.0 to 0.1.1: the agent runs, device dev-42 in group groep-7, proxy running\n"
        )
        assert service.started[-1] == "0.1.1"
        assert sorted(p.name for p in (staging / "opt/classguard/releases").iterdir()) == ["0.1.1"]
        assert (staging / "var/lib/classguard/proxy/ca.pem").read_bytes() == ca  # the CA laptops trust is kept
        assert len(console.state.enrolments) == 1  # no new enrolment: the same device
        status, out, _ = run("--root", str(staging), "status")
        assert "installed:  classguard 0.1.1 on " in out
        assert "running:    classguard 0.1.1\n" in out
        assert "enrolment:  device dev-42, group groep-7\n" in out
    finally:
        service.stop()

    status, _, err = run("--root", str(staging), "--unattended", "uninstall")
    assert (status, err) == (0, "")
    assert snapshot(staging) == before


def test_upgrade_to_the_installed_version_has_nothing_to_do(run: Run, staging: Path, install_args: list[str]) -> None:
    assert run("--root", str(staging), "--unattended", "install", *install_args)[0] == 0
    status, out, _ = run("--root", str(staging), "--unattended", "upgrade", *install_args)
    assert (status, out) == (0, "classguard 0.1.0 is installed already: nothing to do\n")


def test_upgrade_needs_an_install_and_a_version_number(run: Run, staging: Path) -> None:
    status, _, err = run("--root", str(staging), "upgrade")
    assert (status, err) == (
        1,
        f"classguard-install: classguard is not installed under {staging}: run `classguard-install install` first\n",
    )
    status, _, err = run("--root", str(staging), "upgrade", "--to", "../../etc")
    assert status == 2
    assert err.endswith("argument --to: '../../etc' is not a version number (e.g. 0.2.0)\n")
