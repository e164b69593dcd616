"""Wake long-polling syncs when something changed.

Three implementations behind one seam:
- MemoryNotifier: a generation counter and a threading.Condition, for one process
  (gevent's monkey-patching turns the Condition into a greenlet-friendly one, so a
  gevent worker holds thousands of waits).
- PollingNotifier (SQLite): the same, plus one watcher per process that reads the
  newest change id twice a second, so changes committed by another process (the CLI,
  a second worker) wake the waits too: one tiny query per process, not per laptop.
- PostgresNotifier: the same, with LISTEN/NOTIFY, so a change committed by any app
  instance wakes the waits of every instance at once.
A wake-up is only a hint: the waiter re-reads its version from the database.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

CHANNEL = "classguard_changes"
log = logging.getLogger(__name__)


class Notifier(Protocol):
    def generation(self) -> int: ...

    def wait(self, generation: int, timeout: float) -> int:
        """Block until the generation differs from `generation` or `timeout` seconds pass."""
        ...

    def publish(self) -> None: ...

    def close(self) -> None: ...


class MemoryNotifier:
    def __init__(self) -> None:
        self._generation = 0
        self._condition = threading.Condition()

    def generation(self) -> int:
        with self._condition:
            return self._generation

    def wait(self, generation: int, timeout: float) -> int:
        with self._condition:
            if self._generation == generation and timeout > 0:
                self._condition.wait(timeout)
            return self._generation

    def publish(self) -> None:
        with self._condition:
            self._generation += 1
            self._condition.notify_all()

    def close(self) -> None:
        pass


class PollingNotifier(MemoryNotifier):
    def __init__(self, latest: Callable[[], int], interval: float) -> None:
        super().__init__()
        self._latest = latest
        self._interval = interval
        self._seen: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def wait(self, generation: int, timeout: float) -> int:
        self._ensure_watching()
        return super().wait(generation, timeout)

    def _ensure_watching(self) -> None:
        with self._start_lock:  # started on the first wait: commands and tests that never wait run no thread
            if self._thread is None:
                self._seen = self._latest()
                self._thread = threading.Thread(target=self._watch, name="classguard-watch", daemon=True)
                self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                latest = self._latest()
            except Exception:
                log.debug("could not read the newest change", exc_info=True)
                continue
            if latest != self._seen:
                self._seen = latest
                MemoryNotifier.publish(self)

    def close(self) -> None:
        self._stop.set()


class PostgresNotifier(MemoryNotifier):
    """Publishes with NOTIFY; a listener thread, started on the first wait (so commands
    that never wait open no extra connection), turns every NOTIFY into a local wake-up."""

    def __init__(self, database_url: str) -> None:
        super().__init__()
        import psycopg

        self._dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._psycopg = psycopg
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def wait(self, generation: int, timeout: float) -> int:
        with self._start_lock:
            if self._thread is None:
                # Only the very first wait of a process can miss a NOTIFY sent just before LISTEN;
                # sync re-reads its version every few seconds anyway (RECHECK_SECONDS).
                listener = self._connect()
                self._thread = threading.Thread(
                    target=self._listen, args=(listener,), name="classguard-listen", daemon=True
                )
                self._thread.start()
        return super().wait(generation, timeout)

    def _connect(self) -> Any:
        connection = self._psycopg.connect(self._dsn, autocommit=True)
        connection.execute(f"LISTEN {CHANNEL}")
        return connection

    def _listen(self, listener: Any) -> None:
        while not self._stop.is_set():
            try:
                for _ in listener.notifies(timeout=1.0):
                    MemoryNotifier.publish(self)
            except self._psycopg.Error as exc:  # the connection dropped: wake everyone, reconnect
                if self._stop.is_set():
                    break
                log.warning("LISTEN connection lost (%s); reconnecting", exc)
                MemoryNotifier.publish(self)
                if self._stop.wait(1.0):
                    break
                try:
                    listener = self._connect()
                except self._psycopg.Error:
                    continue
        listener.close()

    def publish(self) -> None:
        with self._psycopg.connect(self._dsn, autocommit=True) as connection:
            connection.execute("SELECT pg_notify(%s, '')", (CHANNEL,))

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3)


def init_app(app: Flask) -> None:
    choice = app.config["NOTIFIER"]
    postgres = app.config["DATABASE_URL"].startswith("postgresql")
    found: Notifier
    if choice == "postgres" or (choice == "auto" and postgres):
        found = PostgresNotifier(app.config["DATABASE_URL"])
    elif choice == "memory":
        found = MemoryNotifier()
    else:
        found = PollingNotifier(functools.partial(_latest_change, app), float(app.config["NOTIFY_POLL_SECONDS"]))
    app.extensions["classguard.notifier"] = found


def _latest_change(app: Flask) -> int:
    from console.db import database
    from console.models import Change

    with database(app).engine.connect() as connection:
        return int(connection.execute(select(func.coalesce(func.max(Change.id), 0))).scalar() or 0)


def notifier(app: Flask | None = None) -> Notifier:
    found: Notifier = (app or current_app).extensions["classguard.notifier"]
    return found


def mark_changed(db: Session) -> None:
    db.info["classguard.changed"] = True


def commit(db: Session) -> None:
    """Commit, then wake the waiting syncs if the transaction recorded a change."""
    db.commit()
    if db.info.pop("classguard.changed", False):
        notifier().publish()
