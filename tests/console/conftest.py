"""Fixtures for the console: a real instance (SQLite in tmp, real keys), built once by
the real CLI and copied per test, a fake clock, users with known passwords, and
helpers for the agent API."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from console.app import create_app
from console.cli import main
from console.clock import FakeClock
from tests.conftest import EXAMPLES, local

START = local("2026-12-01 09:00").timestamp()  # a Tuesday, in groep-7's first lesson
PASSWORD = "correct horse battery"
POLICY = """\
version: 1
school: Testschool
timezone: Europe/Amsterdam
services:
  catalog: false
  custom:
    youtube: {title: YouTube, domains: [youtube.com]}
    instagram: {domains: [instagram.com]}
    tiktok: {title: TikTok, domains: [tiktok.com]}
block: [youtube, instagram, tiktok]
lessons:
  groep-7:
    weekdays: [08:30-10:15, 10:30-12:00, 12:45-14:45]
  groep-8:
    ical: timetables/groep-8.ics
overrides:
  max_minutes: 90
  require_reason: true
privacy:
  counters_retention_days: 30
  audit_retention_days: 60
"""
USERS = {
    "juf-anna": ("teacher", "groep-7"),
    "meester-bob": ("teacher", "groep-8"),
    "directeur": ("directie", ""),
    "beheer": ("admin", ""),
}


def run_cli(instance: Path, clock: FakeClock, *args: str, stdin: str | None = None, capsys: Any = None) -> int:
    return main(["--instance", str(instance), *args], clock=clock)


def build_instance(root: Path) -> Path:
    """An initialised instance under `root` with the test policy, groep-8's timetable and
    four users, on whatever database CLASSGUARD_DATABASE_URL names (else SQLite)."""
    from console import db, users
    from console.db import database
    from console.notifier import notifier

    instance = root / "instance"
    clock = FakeClock(START - 86400)
    policy_file = root / "school.yaml"
    policy_file.write_text(POLICY, encoding="utf-8")
    (root / "timetables").mkdir()
    shutil.copy(EXAMPLES / "timetables" / "groep-8.ics", root / "timetables" / "groep-8.ics")
    assert main(["--instance", str(instance), "init"], clock=clock) == 0
    assert main(["--instance", str(instance), "policy", "import", str(policy_file)], clock=clock) == 0
    app = create_app({"INSTANCE": str(instance)}, clock=clock)
    with app.app_context():
        session = db.session()
        for name, (role, groups) in USERS.items():
            users.add_user(session, name, role=role, groups=groups.split(",") if groups else [], password=PASSWORD,
                           actor="test", now=clock.seconds())  # fmt: skip
        session.commit()
        session.close()
    notifier(app).close()
    database(app).engine.dispose()
    return instance


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_instance(tmp_path_factory.mktemp("template"))


@dataclass
class Console:
    app: Flask
    client: FlaskClient
    clock: FakeClock
    instance: Path

    def cli(self, *args: str) -> int:
        return main(["--instance", str(self.instance), *args], clock=self.clock)

    def enrol(self, group: str = "groep-7") -> dict[str, Any]:
        with self.app.app_context():
            from console import db, devices

            session = db.session()
            code = devices.create_code(session, group=group, uses=1, hours=1, actor="test", now=self.clock.seconds())
            session.commit()
        answer = self.client.post("/api/v1/enroll", json={"code": code, "hostname": "lokaal7-03", "platform": "linux"})
        assert answer.status_code == 201, answer.json
        return dict(answer.json or {})

    def csrf(self) -> str:
        """The CSRF token of this client's session, read from a page like a browser would."""
        page = self.client.get("/login").get_data(as_text=True)
        match = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert match, "no csrf-token meta tag"
        return match.group(1)

    def login(self, username: str, password: str = PASSWORD) -> Any:
        return self.client.post("/login", data={"username": username, "password": password, "csrf_token": self.csrf()})

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """A form post with the session's CSRF token, as the page's form would send it."""
        return self.client.post(path, data={"csrf_token": self.csrf(), **(data or {})}, **kwargs)

    def api(self, method: str, path: str, secret: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {secret}"}
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


# These modules run twice: on SQLite and on a real PostgreSQL server (the database a
# school board's shared console uses). The rest run on SQLite only, to keep `make test` quick.
BOTH_DATABASES = {"test_api_sync", "test_api_enroll", "test_api_reports", "test_grants"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if "console" in metafunc.fixturenames and module in BOTH_DATABASES:
        metafunc.parametrize("console", ["sqlite", "postgres"], indirect=True)


@pytest.fixture(scope="session")
def postgres_template(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The template instance, once more on PostgreSQL: a database each test copies
    (CREATE DATABASE ... TEMPLATE is a file copy, fast) and its instance folder."""
    import os

    from sqlalchemy import create_engine, text

    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS cg_template"))
        connection.execute(text("CREATE DATABASE cg_template"))
    admin.dispose()
    url = postgres_url.rsplit("/", 1)[0] + "/cg_template"
    previous = os.environ.get("CLASSGUARD_DATABASE_URL")
    os.environ["CLASSGUARD_DATABASE_URL"] = url
    try:
        instance = build_instance(tmp_path_factory.mktemp("pg-template"))
    finally:
        if previous is None:
            os.environ.pop("CLASSGUARD_DATABASE_URL", None)
        else:
            os.environ["CLASSGUARD_DATABASE_URL"] = previous
    return postgres_url, instance


def _postgres_copy(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from sqlalchemy import create_engine, text

    server, template_instance = request.getfixturevalue("postgres_template")
    name = f"cg_{abs(hash(request.node.nodeid)) % 10**12}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        # A template must have no other session; a console's change listener that the
        # template's set-up left behind would otherwise make the copy fail.
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'cg_template' AND pid <> pg_backend_pid()"
            )
        )
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE cg_template"))
    admin.dispose()
    monkeypatch.setenv("CLASSGUARD_DATABASE_URL", server.rsplit("/", 1)[0] + "/" + name)
    instance = tmp_path / "instance"
    shutil.copytree(template_instance, instance)
    return instance


@pytest.fixture
def console(
    request: pytest.FixtureRequest, template: Path, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Console]:
    if getattr(request, "param", "sqlite") == "postgres":
        instance = _postgres_copy(request, tmp_path, monkeypatch)
    else:
        instance = tmp_path / "instance"
        shutil.copytree(template, instance)
    app = create_app({"INSTANCE": str(instance), "TESTING": True}, clock=clock)
    from console.db import database as _database

    expected = "postgresql" if getattr(request, "param", "sqlite") == "postgres" else "sqlite"
    assert _database(app).engine.dialect.name == expected
    yield Console(app, app.test_client(), clock, instance)
    from console.db import database
    from console.notifier import notifier

    notifier(app).close()
    database(app).engine.dispose()
