"""Configuration from the instance directory (and a few environment variables).

The instance directory holds `classguard.db` (SQLite), `keys/` (signing keys),
`secret-key` (the session key, made by `init`) and an optional `config.toml` whose
upper-case keys override the defaults below. Environment variables win over both:
CLASSGUARD_DATABASE_URL, CLASSGUARD_TLS (1 = behind TLS: Secure cookies, HSTS).
"""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "TLS": False,  # behind HTTPS (directly or through a reverse proxy)
    "PROXY_FIX": 0,  # number of reverse proxies in front whose X-Forwarded-* to trust
    "LONG_POLL_SECONDS": 25.0,
    "REQUESTS_POLL_MS": 5000,  # how often the teacher's page looks for pupils' requests
    "BABEL_DEFAULT_LOCALE": "nl",
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCKOUT_SECONDS": 15 * 60,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "NOTIFIER": "auto",  # auto (postgres for PostgreSQL, else polling) | polling | memory | postgres
    "NOTIFY_POLL_SECONDS": 0.25,  # SQLite: how often each process looks for changes made elsewhere
    "CLOCK_OFFSET_SECONDS": 0,  # demos and end-to-end tests only: shift the console's (and laptops') time
}


def load_config(instance: Path, test_config: dict[str, Any] | None) -> dict[str, Any]:
    config = dict(DEFAULTS)
    config["DATABASE_URL"] = f"sqlite:///{instance / 'classguard.db'}"
    config_file = instance / "config.toml"
    if config_file.is_file():
        with config_file.open("rb") as stream:
            try:
                loaded = tomllib.load(stream)
            except tomllib.TOMLDecodeError as exc:
                raise ValueError(f"{config_file}: {exc}") from exc
        config.update({key: value for key, value in loaded.items() if key.isupper()})
    if url := os.environ.get("CLASSGUARD_DATABASE_URL"):
        config["DATABASE_URL"] = url
    if tls := os.environ.get("CLASSGUARD_TLS"):
        config["TLS"] = tls.strip().lower() in ("1", "true", "yes", "on")
    config.update(test_config or {})
    config["SESSION_COOKIE_SECURE"] = bool(config["TLS"])
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = read_secret_key(instance)
    return config


def read_secret_key(instance: Path) -> str:
    """The session key `init` wrote; a fresh random one when there is none yet (the app
    still starts, e.g. for `init` itself, but sessions will not survive a restart)."""
    path = instance / "secret-key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return secrets.token_urlsafe(32)


def write_secret_key(instance: Path) -> None:
    path = instance / "secret-key"
    if path.exists():
        return
    instance.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_urlsafe(48) + "\n")
