"""status: versions, enrolment, drift; and an uninstall that finds a damaged backup."""

from __future__ import annotations

from pathlib import Path

from tests.installer.conftest import Run


def test_status_of_a_fresh_install(run: Run, staging: Path, install_args: list[str]) -> None:
    assert run("--root", str(staging), "--unattended", "install", *install_args)[0] == 0
    status, out, _ = run("--root", str(staging), "status")
    assert status == 0
    lines = out.splitlines()
    assert lines[1:] == [
        "running:    classguard 0.1.0",
        "service:    classguard-agent not checked (staging root)",
        "agent:      not running, proxy down",
        "enrolment:  not enrolled",
        "console:    not set",
        "proxy CA:   not asked",
        "drift:      none",
    ]


def test_status_reports_drift(run: Run, staging: Path, install_args: list[str]) -> None:
    assert run("--root", str(staging), "--unattended", "install", *install_args)[0] == 0
    (staging / "etc/classguard/agent.yaml").write_text("apply_system_settings: false\n")
    (staging / "etc/xdg/autostart/classguard-tray.desktop").chmod(0o666)
    (staging / "etc/opt/chrome/policies/managed/classguard.json").unlink()
    status, out, _ = run("--root", str(staging), "status")
    assert status == 1
    assert out.endswith(
        "drift:      3\n"
        "  /etc/classguard/agent.yaml: changed since install\n"
        "  /etc/opt/chrome/policies/managed/classguard.json: missing\n"
        "  /etc/xdg/autostart/classguard-tray.desktop: mode 0666, installed as 0644\n"
    )


def test_status_when_nothing_is_installed(run: Run, staging: Path) -> None:
    assert run("--root", str(staging), "status")[:2] == (1, f"classguard is not installed under {staging}\n")


def test_uninstall_refuses_to_restore_a_changed_backup(run: Run, staging: Path, install_args: list[str]) -> None:
    assert run("--root", str(staging), "--unattended", "install", *install_args)[0] == 0
    backup = staging / "var/lib/classguard-install/laptop/backup/etc/firefox/policies/policies.json"
    backup.write_text('{"policies": {"evil": true}}\n')
    status, _, err = run("--root", str(staging), "--unattended", "uninstall")
    assert status == 1
    assert err == (
        "classguard-install: the backup of /etc/firefox/policies/policies.json does not match the original's hash: "
        f"it was changed; compare {backup} with what the file should be and restore it by hand\n"
    )
