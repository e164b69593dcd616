"""The console server's files besides its units: the service's environment (the
database URL), the instance's config.toml, and an nginx example in front of it."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

USER = "classguard-console"
# docs/console.md: a sync waits up to LONG_POLL_SECONDS (25 s); the proxy must wait longer
PROXY_READ_TIMEOUT_S = 60


def postgres_url(text: str) -> str:
    """postgres:// and postgresql:// as psycopg 3 (the driver classguard[console] has)."""
    scheme, _, rest = text.partition("://")
    if not rest or scheme not in ("postgres", "postgresql", "postgresql+psycopg"):
        raise ValueError(f"{text!r} is not a PostgreSQL URL (postgresql://USER:PASSWORD@HOST/DB)")
    return f"postgresql+psycopg://{rest}"


def without_password(url: str) -> str:
    """The URL for the manifest and the screen: never the password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def env_file_text(database_url: str | None) -> str:
    lines = ["# Written by classguard-install; uninstall removes it. Read by systemd (root) only."]
    if database_url:
        lines.append(f"CLASSGUARD_DATABASE_URL={database_url}")
    else:
        lines.append(
            "# SQLite in the instance folder; for PostgreSQL: CLASSGUARD_DATABASE_URL=postgresql+psycopg://..."
        )
    return "\n".join(lines) + "\n"


def config_toml_text() -> str:
    return (
        "# Written by classguard-install; uninstall removes it. Keys: docs/console.md.\n"
        "# One reverse proxy (nginx) in front: trust its X-Forwarded-For/-Proto/-Host.\n"
        "PROXY_FIX = 1\n"
    )


def nginx_text(bind: str) -> str:
    return f"""\
# classguard console behind nginx: an example written by classguard-install.
# Copy to /etc/nginx/sites-available/classguard-console, set server_name and the
# certificate, link it into sites-enabled and `nginx -t && systemctl reload nginx`.
upstream classguard_console {{
    server {bind};
    keepalive 32;
}}

server {{
    listen 80;
    listen [::]:80;
    server_name console.school.example;
    return 301 https://$host$request_uri;
}}

server {{
    listen 443 ssl;
    listen [::]:443 ssl;
    http2 on;
    server_name console.school.example;
    ssl_certificate     /etc/ssl/certs/console.school.example.pem;
    ssl_certificate_key /etc/ssl/private/console.school.example.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    client_max_body_size 2m;  # the console's MAX_CONTENT_LENGTH

    location / {{
        proxy_pass http://classguard_console;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $host;
        # laptops long-poll /api/v1/sync for up to 25 s: wait well beyond that, and
        # pass each answer on at once instead of buffering it
        proxy_read_timeout {PROXY_READ_TIMEOUT_S}s;
        proxy_send_timeout {PROXY_READ_TIMEOUT_S}s;
        proxy_buffering off;
    }}
}}
"""
