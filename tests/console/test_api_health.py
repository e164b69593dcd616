"""GET /api/v1/health: what monitoring and the installer ask, with nothing personal in it."""

from pathlib import Path

from console import db


def test_health_names_the_policy_version_and_nothing_else(console):
    answer = console.client.get("/api/v1/health")
    assert answer.status_code == 200
    assert answer.json == {"status": "ok", "database": "ok", "policy_version": 1}


def test_a_database_that_does_not_answer_is_a_503(console):
    database = db.database(console.app)
    database.engine.dispose()
    url = database.engine.url
    assert url.drivername.startswith("sqlite") and url.database
    path = Path(url.database)
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):  # the database goes away...
        if (path.parent / name).exists():  # (the log files only while a connection has them)
            (path.parent / name).rename(path.parent / f"gone-{name}")
    path.mkdir()  # ...and what is at its place cannot be opened
    answer = console.client.get("/api/v1/health")
    assert answer.status_code == 503
    assert answer.json["status"] == "unavailable" and answer.json["database"].startswith("error (")
