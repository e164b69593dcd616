from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.tray.local_api import LocalApi
from tests.agent.fakes import FakeClock
from tests.agent.tray.fakes import RecordingBackend

# pystray picks its backend when first imported (agent.tray.app imports it lazily):
# the unit tests use the dummy one, which needs no display (FIELD-NOTES).
os.environ["PYSTRAY_BACKEND"] = "dummy"


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    """Outside pytest's 0700 tmp tree, so another uid can reach the socket, as a pupil's tray does."""
    directory = Path(tempfile.mkdtemp(prefix="classguard-sock-", dir="/tmp"))
    directory.chmod(0o755)
    yield directory / "run"
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def backend() -> RecordingBackend:
    return RecordingBackend()


@pytest.fixture
def api(socket_dir: Path, backend: RecordingBackend) -> Iterator[LocalApi]:
    running = LocalApi(socket_dir / "agent.sock", backend, FakeClock())
    running.start()
    yield running
    running.stop()
