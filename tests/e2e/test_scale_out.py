"""A school board's console: two app instances (two gunicorn servers, as behind a load
balancer) on one PostgreSQL database. A teacher's grant made on instance A reaches
laptops long-polling instance B within 2 s, woken by LISTEN/NOTIFY, not by polling."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.e2e.conftest import BIN, PASSWORD, free_port, wait_for

AGENTS = 20
LIMIT_S = 2.0


def gunicorn(instance: Path, port: int, database: str, log: Path) -> subprocess.Popen[bytes]:
    # NOTIFIER=postgres: changes must arrive by notification (the SQLite-style watcher
    # would also get there, more slowly; this proves the notification path).
    (instance / "config.toml").write_text('NOTIFIER = "postgres"\n')
    env = {**os.environ, "CLASSGUARD_INSTANCE": str(instance), "CLASSGUARD_DATABASE_URL": database}
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(BIN / "gunicorn"), "-k", "gevent", "-w", "1", "-b", f"127.0.0.1:{port}", "--graceful-timeout", "2",
             "console:create_app()"],
            env=env, stdout=out, stderr=out,
        )  # fmt: skip


def call(url: str, secret: str, data: dict[str, object] | None = None, timeout: float = 40) -> dict[str, object]:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(
        url, data=body, headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return dict(json.loads(answer.read()))


def teacher_grants(base: str) -> float:
    """The teacher's form on instance A, as the browser posts it; returns when A answered."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = {"username": "juf-anna", "password": PASSWORD, "csrf_token": token}
    opener.open(f"{base}/login", urllib.parse.urlencode(form).encode())
    page = opener.open(f"{base}/teacher/").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = {
        "csrf_token": token,
        "groups": "groep-7",
        "services": "youtube",
        "duration": "15",
        "reason": "les over media",
        "kind": "exception",
    }
    answer = opener.open(f"{base}/teacher/grant", urllib.parse.urlencode(form).encode())
    assert answer.status == 200
    return time.monotonic()


@pytest.mark.timeout(300)
def test_a_grant_on_one_instance_reaches_agents_on_the_other_within_two_seconds(postgres_url, tmp_path):
    from sqlalchemy import create_engine, text

    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS cg_board"))
        connection.execute(text("CREATE DATABASE cg_board"))
    admin.dispose()
    database = postgres_url.rsplit("/", 1)[0] + "/cg_board"
    instance = tmp_path / "instance"
    env = {**os.environ, "CLASSGUARD_DATABASE_URL": database}
    console = [str(BIN / "classguard-console"), "--instance", str(instance)]
    subprocess.run([*console, "init"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*console, "policy", "import", str(EXAMPLES / "meander.yaml")], env=env, check=True, capture_output=True
    )
    subprocess.run([*console, "user", "add", "juf-anna", "--role", "teacher", "--groups", "groep-7", "--password-stdin"],
                   env=env, check=True, capture_output=True, input=PASSWORD.encode())  # fmt: skip
    code = subprocess.run([*console, "enrol-code", "--group", "groep-7", "--uses", str(AGENTS)], env=env,
                          check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
    port_a, port_b = free_port(), free_port()
    servers = [
        gunicorn(instance, port, database, tmp_path / f"{name}.log") for name, port in (("a", port_a), ("b", port_b))
    ]
    try:
        for port in (port_a, port_b):
            wait_for(lambda port=port: _up(port), 30, f"console on {port}")
        base_b = f"http://127.0.0.1:{port_b}"
        secrets = []
        for i in range(AGENTS):  # enrolment is rate-limited per address: spread over time only if refused
            request = urllib.request.Request(f"{base_b}/api/v1/enroll", data=json.dumps(
                {"code": code, "hostname": f"lokaal7-{i:02d}", "platform": "linux"}).encode(),
                headers={"Content-Type": "application/json"})  # fmt: skip
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    secrets.append(json.loads(answer.read())["device_secret"])
            except urllib.error.HTTPError as exc:
                assert exc.code == 429, exc.read()
                break
        assert len(secrets) >= 5
        versions = {s: call(f"{base_b}/api/v1/sync", s)["version"] for s in secrets}
        arrived: dict[str, float] = {}

        def long_poll(secret: str) -> None:
            answer = call(f"{base_b}/api/v1/sync?since={versions[secret]}&wait=25", secret)
            if answer["tokens"]:
                arrived[secret] = time.monotonic()

        pollers = [threading.Thread(target=long_poll, args=(s,)) for s in secrets]
        for poller in pollers:
            poller.start()
        time.sleep(1.0)  # all parked in their long-poll on B
        granted_at = teacher_grants(f"http://127.0.0.1:{port_a}")
        for poller in pollers:
            poller.join(30)
        assert len(arrived) == len(secrets)
        slowest = max(arrived.values()) - granted_at
        assert slowest <= LIMIT_S, f"the last laptop on B heard of the grant {slowest:.2f} s after A made it"
    finally:
        for server in servers:
            server.terminate()
            server.wait(20)


def _up(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).close()
        return True
    except OSError:
        return False
