"""install / uninstall / plan into a staging root, byte-for-byte."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from tests.installer.conftest import Run, snapshot

AGENT_UNIT = "etc/systemd/system/classguard-agent.service"


def test_install_then_uninstall_leaves_the_tree_byte_for_byte(run: Run, staging: Path, install_args: list[str]) -> None:
    before = snapshot(staging)
    status, out, err = run("--root", str(staging), "--unattended", "install", *install_args)
    assert (status, err) == (0, "")
    assert (staging / "opt/classguard/current/bin/classguard-agent").exists()
    assert (staging / AGENT_UNIT).exists()
    firefox = json.loads((staging / "etc/firefox/policies/policies.json").read_text())
    assert firefox["policies"]["Proxy"]["Locked"] is True
    # system-wide commands are listed, not run, under a staging root
    assert "  staged: systemctl enable --now classguard-agent.service\n" in out
    assert "  staged: dconf update\n" in out
    assert out.endswith("classguard 0.1.0 is installed. `classguard-install status` shows how it is doing.\n")

    status, out, err = run("--root", str(staging), "--unattended", "uninstall")
    assert (status, err) == (0, "")
    assert out.index("staged: systemctl disable --now") < out.index("staged: systemctl daemon-reload")
    assert snapshot(staging) == before

    # safe to run twice
    status, out, _ = run("--root", str(staging), "--unattended", "uninstall")
    assert status == 0
    assert out == f"classguard is not installed under {staging} (no manifest): nothing to do\n"


def test_dry_run_prints_the_plan_and_changes_nothing(run: Run, staging: Path, install_args: list[str]) -> None:
    before = snapshot(staging)
    status, out, _ = run("--root", str(staging), "--dry-run", "install", *install_args)
    assert status == 0
    assert snapshot(staging) == before
    assert (
        "      replaces /etc/firefox/policies/policies.json (the original is kept and restored on uninstall)\n" in out
    )
    assert "      creates /etc/systemd/system/classguard-agent.service (mode 0644)\n" in out
    assert out.endswith("dry run: nothing was changed\n")
    status, plan_out, _ = run("--root", str(staging), "plan", *install_args)
    assert status == 0
    assert plan_out.splitlines()[1:] == out.splitlines()[1:-1]


def test_what_the_agent_trusts_is_root_owned_and_not_writable_by_others(
    run: Run, staging: Path, install_args: list[str]
) -> None:
    before = snapshot(staging)
    assert run("--root", str(staging), "--unattended", "install", *install_args)[0] == 0
    new = [staging / name for name in snapshot(staging).keys() - before.keys()]
    assert len(new) > 100  # the venv too
    for path in new:
        info = path.lstat()
        assert info.st_uid == 0, path
        if stat.S_ISLNK(info.st_mode):
            continue  # a link's own mode is always 777; what it points to is checked (the venv's python)
        assert not info.st_mode & stat.S_IWOTH, path
        assert not info.st_mode & stat.S_IWGRP, path
    assert stat.S_IMODE((staging / "var/lib/classguard").stat().st_mode) == 0o700
    assert stat.S_IMODE((staging / "var/lib/classguard-install/laptop").stat().st_mode) == 0o700
    assert stat.S_IMODE((staging / "run/classguard").stat().st_mode) == 0o755
    # the original Firefox policy keeps its mode on restore; its backup is root's alone
    backup = staging / "var/lib/classguard-install/laptop/backup/etc/firefox/policies/policies.json"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_the_tray_starts_for_every_user_from_the_installed_agent(
    run: Run, staging: Path, install_args: list[str]
) -> None:
    assert run("--root", str(staging), "--unattended", "install", *install_args)[0] == 0
    entry = (staging / "etc/xdg/autostart/classguard-tray.desktop").read_text()
    assert (
        f"Exec={staging}/opt/classguard/current/bin/classguard-agent --config {staging}/etc/classguard/agent.yaml tray\n"
        in entry
    )
    config = (staging / "etc/classguard/agent.yaml").read_text()
    assert f"tray_socket: {staging}/run/classguard/agent.sock\n" in config
    assert "apply_system_settings: true\n" in config


def test_a_second_install_with_the_same_options_has_nothing_to_do(
    run: Run, staging: Path, install_args: list[str]
) -> None:
    assert run("--root", str(staging), "--unattended", "install", *install_args)[0] == 0
    status, out, _ = run("--root", str(staging), "--unattended", "install", *install_args)
    assert status == 0
    assert "[1/" not in out
    assert out.count("[already done]") == 8


def test_a_second_install_with_other_options_is_refused(run: Run, staging: Path, install_args: list[str]) -> None:
    assert run("--root", str(staging), "--unattended", "install", *install_args)[0] == 0
    status, _, err = run("--root", str(staging), "--unattended", "install", "--pac-port", "3129", *install_args)
    assert status == 1
    assert err == (
        "classguard-install: classguard 0.1.0 is already installed here with other options "
        "(pac_port 871 now 3129): run `classguard-install uninstall` first, or install with the same options\n"
    )


def test_a_failing_step_rolls_back_what_was_done(run: Run, staging: Path, install_args: list[str]) -> None:
    # a file where the tray's autostart folder should be: step 7 cannot write
    (staging / "etc/xdg/autostart/nm-applet.desktop").unlink()
    (staging / "etc/xdg/autostart").rmdir()
    (staging / "etc/xdg/autostart").write_text("not a folder\n")
    before = snapshot(staging)
    status, _, err = run("--root", str(staging), "--unattended", "install", *install_args)
    assert status == 1
    assert err.startswith(
        "classguard-install: step 7 of 8 failed: write /etc/xdg/autostart/classguard-tray.desktop (the tray for every user)\n"
    )
    assert err.endswith("rolled back the 6 step(s) done in this run: the machine is as it was before.\n")
    assert snapshot(staging) == before


def test_code_without_console_is_a_usage_error(run: Run, staging: Path) -> None:
    status, _, err = run("--root", str(staging), "install", "--code", "ABC")
    assert status == 2
    assert err.endswith("classguard-install: error: --code needs --console URL\n")


def test_a_missing_root_is_reported(run: Run, tmp_path: Path) -> None:
    status, _, err = run("--root", str(tmp_path / "nope"), "plan")
    assert status == 1
    assert err == f"classguard-install: --root {tmp_path / 'nope'} is not a directory: create it or name another\n"
