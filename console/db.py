"""The database: one engine per app, one session per request (or CLI command).

SQLite by default (a file in the instance directory), PostgreSQL when
CLASSGUARD_DATABASE_URL says so. The schema is owned by Alembic (console/migrations);
`upgrade_schema` brings any database to the newest revision.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = _engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    # Threads share the file: long-polls wait in one thread while a grant commits in another.
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def init_app(app: Flask) -> None:
    app.extensions["classguard.db"] = Database(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def database(app: Flask | None = None) -> Database:
    found: Database = (app or current_app).extensions["classguard.db"]
    return found


def session() -> Session:
    """This request's (or command's) session, opened on first use."""
    if "db_session" not in g:
        g.db_session = database().sessions()
    found: Session = g.db_session
    return found


def _close_session(_exc: BaseException | None) -> None:
    opened = g.pop("db_session", None)
    if opened is not None:
        opened.close()


def upgrade_schema(app: Flask) -> None:
    """Create or upgrade the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    with database(app).engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
