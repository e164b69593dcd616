"""console --instance DIR: installed into a staging root, the console starts from the
installed unit's own command line (gunicorn, gevent) and answers; uninstall --console
--purge leaves the tree byte-for-byte as it was, and without --purge keeps the
school's data for a re-install."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from console.config import DEFAULTS
from installer.console_files import PROXY_READ_TIMEOUT_S
from tests.agent.conftest import free_port
from tests.installer.conftest import Run, snapshot, wait_for

UNIT = "etc/systemd/system/classguard-console.service"


def unit_command(root: Path) -> tuple[list[str], dict[str, str]]:
    """ExecStart and the environment (Environment=, EnvironmentFile=) of the installed unit."""
    env = {"PATH": os.environ["PATH"]}
    command: list[str] = []
    for line in (root / UNIT).read_text().splitlines():
        key, _, value = line.partition("=")
        if key == "Environment":
            name, _, text = value.partition("=")
            env[name] = text
        elif key == "EnvironmentFile":
            for item in Path(value).read_text().splitlines():
                if item and not item.startswith("#"):
                    name, _, text = item.partition("=")
                    env[name] = text
        elif key == "ExecStart":
            command = shlex.split(value)
    return command, env


@contextmanager
def running(root: Path, log: Path) -> Iterator[None]:
    command, env = unit_command(root)
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)


def get(url: str, data: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.read()
    except OSError:
        return 0, b""


def test_install_run_and_purge_the_console(run: Run, staging: Path, install_args: list[str], tmp_path: Path) -> None:
    before = snapshot(staging)
    port = free_port()
    install = ["--root", str(staging), "--unattended", "console", "--instance", "/srv/classguard"]
    status, out, err = run(*install, "--bind", f"127.0.0.1:{port}", *install_args)
    assert (status, err) == (0, "")
    assert "  Admin login: admin\n" in out
    assert "  staged: useradd --system --user-group --no-create-home --home-dir /srv/classguard" in out
    assert "  staged: systemctl enable --now classguard-console.service classguard-console-purge.timer\n" in out
    instance = staging / "srv/classguard"
    assert sorted(p.name for p in instance.iterdir()) == ["classguard.db", "config.toml", "keys", "secret-key"]
    assert (staging / "etc/classguard-console/console.env").stat().st_mode & 0o777 == 0o600
    nginx = (staging / "etc/classguard-console/nginx-classguard-console.conf").read_text()
    assert f"    server 127.0.0.1:{port};\n" in nginx
    assert DEFAULTS["LONG_POLL_SECONDS"] + 30 <= PROXY_READ_TIMEOUT_S  # a sync's long poll fits with room
    assert f"proxy_read_timeout {PROXY_READ_TIMEOUT_S}s;" in nginx
    assert "proxy_buffering off;" in nginx
    assert "PROXY_FIX = 1\n" in (instance / "config.toml").read_text()

    with running(staging, tmp_path / "gunicorn.log"):
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: get(f"{base}/login")[0] == 200)
        assert b'name="password"' in get(f"{base}/login")[1]
        # the API reaches the database: an unknown enrolment code is refused, not an error
        code, body = get(
            f"{base}/api/v1/enroll", json.dumps({"code": "nope", "hostname": "x", "platform": "linux"}).encode()
        )
        assert code == 403, (tmp_path / "gunicorn.log").read_text()
        assert "error" in json.loads(body)
        code, body = get(f"{base}/api/v1/health")  # what monitoring asks
        assert (code, json.loads(body)) == (200, {"status": "ok", "database": "ok", "policy_version": None})

    status, out, err = run("--root", str(staging), "--unattended", "uninstall", "--console", "--purge")
    assert (status, err) == (0, "")
    assert "  staged: userdel classguard-console\n" in out
    assert snapshot(staging) == before


def test_uninstall_keeps_the_instance_and_a_reinstall_uses_it(run: Run, staging: Path, install_args: list[str]) -> None:
    install = ["--root", str(staging), "--unattended", "console", "--instance", "/srv/classguard", *install_args]
    assert run(*install)[0] == 0
    keys = sorted(p.relative_to(staging) for p in (staging / "srv/classguard/keys").rglob("*.pem"))
    status, out, _ = run("--root", str(staging), "--unattended", "uninstall", "--console")
    assert status == 0
    assert "  kept /srv/classguard: the school's data (`uninstall --purge` removes it)\n" in out
    assert "  staged: chown -R root:root " in out
    assert sorted(p.name for p in (staging / "srv/classguard").iterdir()) == ["classguard.db", "keys", "secret-key"]
    assert not (staging / "opt/classguard-console").exists()

    status, out, err = run(*install)
    assert (status, err) == (0, "")
    assert "      uses the existing instance /srv/classguard: init only upgrades its schema; kept on uninstall\n" in out
    assert f"  {staging}/srv/classguard is already initialised; the schema is up to date.\n" in out
    assert sorted(p.relative_to(staging) for p in (staging / "srv/classguard/keys").rglob("*.pem")) == keys
    # --purge removes only what this install made: the instance was there before it
    assert run("--root", str(staging), "--unattended", "uninstall", "--console", "--purge")[0] == 0
    assert (staging / "srv/classguard/classguard.db").exists()


def test_a_failing_init_rolls_back(run: Run, staging: Path, install_args: list[str]) -> None:
    before = snapshot(staging)
    bad = "postgresql://nobody:x@127.0.0.1:1/none"  # nothing listens on port 1
    status, _, err = run(
        "--root", str(staging), "--unattended", "console", "--instance", "/srv/cg", "--postgres", bad, *install_args
    )
    assert status == 1
    assert err.startswith("classguard-install: step 5 of 9 failed: create the console's instance /srv/cg")
    assert "the console could not set up its database: check the PostgreSQL URL" in err
    assert err.endswith("rolled back the 4 step(s) done in this run: the machine is as it was before.\n")
    assert snapshot(staging) == before


def test_bad_console_options_are_usage_errors(run: Run, staging: Path) -> None:
    for option in (["--instance", "srv/cg"], ["--instance", "/srv/cg", "--postgres", "mysql://x@y/z"]):
        status, _, err = run("--root", str(staging), "console", *option)
        assert status == 2, option
        assert "classguard-install console: error: argument" in err
