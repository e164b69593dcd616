"""create_app as production runs it: gunicorn with a gevent worker holds many long-polls
at once and still answers other requests; a change wakes them all."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from console.app import create_app

GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_create_app_takes_its_instance_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CLASSGUARD_INSTANCE", str(tmp_path))
    assert create_app().instance_path == str(tmp_path)


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed")
def test_gunicorn_gevent_holds_long_polls(console, tmp_path):
    secret = console.enrol()["device_secret"]
    version = console.api("GET", "/sync", secret).json["version"]
    port = free_port()
    env = {**os.environ, "CLASSGUARD_INSTANCE": str(console.instance)}
    server = subprocess.Popen(
        [str(GUNICORN), "-k", "gevent", "-w", "1", "-b", f"127.0.0.1:{port}", "console:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/login", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        results = []

        def poll():
            request = urllib.request.Request(
                f"{base}/api/v1/sync?since={version}&wait=10", headers={"Authorization": f"Bearer {secret}"}
            )
            with urllib.request.urlopen(request, timeout=15) as answer:
                results.append((time.monotonic(), json.load(answer)["version"]))

        polls = [threading.Thread(target=poll) for _ in range(25)]
        for thread in polls:
            thread.start()
        time.sleep(1.0)
        started = time.monotonic()
        urllib.request.urlopen(f"{base}/login", timeout=5).read()
        assert time.monotonic() - started < 1.0  # the worker is not tied up by 25 waiting polls
        assert results == []
        assert console.cli("grant", "--teacher", "juf-anna", "--group", "groep-7", "--service", "youtube",
                           "--minutes", "10", "--reason", "x") == 0  # fmt: skip
        committed = time.monotonic()  # the CLI commits just before it returns
        for thread in polls:
            thread.join(timeout=10)
        assert len(results) == 25
        assert all(v > version for _, v in results)
        assert max(t for t, _ in results) - committed < 1.5
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_every_data_file_ships_in_the_package():
    """Templates, static files, migrations, the OpenAPI document and the protocol text
    are named in setup.cfg's package_data, or a wheel install would lack them."""
    import configparser

    from tests.conftest import REPO

    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg")
    patterns = [p.strip() for p in config["options.package_data"]["console"].split(",")]
    root = REPO / "console"
    shipped = {path for pattern in patterns for path in root.glob(pattern)}
    needed = {
        path
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
        and (path.suffix != ".py" or "migrations" in path.parts)
    }  # fmt: skip
    assert sorted(str(p.relative_to(root)) for p in needed - shipped) == []


def test_a_configured_clock_offset_shifts_the_consoles_time(tmp_path):
    """(Demos and end-to-end tests move 'now' this way; laptops follow the console.)"""
    from console.app import create_app
    from console.clock import OffsetClock
    from policies.clock import wall_seconds

    (tmp_path / "config.toml").write_text("CLOCK_OFFSET_SECONDS = 7200\n")
    app = create_app({"INSTANCE": str(tmp_path), "SECRET_KEY": "x"})
    clock = app.extensions["classguard.clock"]
    assert isinstance(clock, OffsetClock)
    assert abs(clock.seconds() - wall_seconds() - 7200) < 5
