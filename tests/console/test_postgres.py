"""The console on PostgreSQL: Alembic creates the schema there too, and several app
instances share changes through LISTEN/NOTIFY (a long-poll on one instance wakes when
another commits)."""

import shutil
import threading
import time

import pytest

from console.app import create_app
from console.cli import main
from console.db import database
from console.notifier import PostgresNotifier, notifier
from tests.console.conftest import EXAMPLES, POLICY, Console


@pytest.fixture
def two_instances(postgres_url, tmp_path, clock, monkeypatch):
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:  # a clean schema per test
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    monkeypatch.setenv("CLASSGUARD_DATABASE_URL", postgres_url)
    instance = tmp_path / "instance"
    (tmp_path / "timetables").mkdir()
    shutil.copy(EXAMPLES / "timetables" / "groep-8.ics", tmp_path / "timetables" / "groep-8.ics")
    (tmp_path / "school.yaml").write_text(POLICY)
    assert main(["--instance", str(instance), "init"], clock=clock) == 0
    assert main(["--instance", str(instance), "policy", "import", str(tmp_path / "school.yaml")], clock=clock) == 0
    apps = [create_app({"INSTANCE": str(instance), "TESTING": True}, clock=clock) for _ in range(2)]
    yield [Console(app, app.test_client(), clock, instance) for app in apps]
    for app in apps:
        notifier(app).close()
        database(app).engine.dispose()


def test_a_grant_on_one_instance_wakes_a_sync_on_another(two_instances):
    first, second = two_instances
    assert isinstance(notifier(first.app), PostgresNotifier)
    secret = first.enrol()["device_secret"]
    version = first.api("GET", "/sync", secret).json["version"]
    result = {}

    def poll():
        answer = first.app.test_client().get(
            f"/api/v1/sync?since={version}&wait=10", headers={"Authorization": f"Bearer {secret}"}
        )
        result["ended"], result["body"] = time.monotonic(), answer.json

    waiter = threading.Thread(target=poll)
    waiter.start()
    time.sleep(0.3)
    with second.app.app_context():
        from console import db, grants
        from console.context import instance, policy
        from console.notifier import commit

        session = db.session()
        grants.issue(session, instance(), policy(), _teacher(session),
                     kind="exception", groups=["groep-7"], services=["youtube"], minutes=10, reason="x",
                     now=second.clock.seconds())  # fmt: skip
        granted = time.monotonic()
        commit(session)
    waiter.join(timeout=5)
    assert result["body"]["version"] > version
    assert len(result["body"]["tokens"]) == 1
    assert result["ended"] - granted < 1.0


def _teacher(session):
    from console import users

    return users.add_user(session, "juf-pg", role="teacher", groups=["groep-7"], password="a long password",
                          actor="t", now=0.0)  # fmt: skip
