"""Fixtures for the installer: a wheel of this checkout (built once), a staging root
that looks like a lived-in laptop, a byte-for-byte snapshot of a tree, a way to run
classguard-install in-process, and a fake console for the installed agent."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from installer.cli import main
from tests.agent.fakes import ConsoleState, FakeConsole
from tests.conftest import BASIC_POLICY
from tests.installer.wheels import build_wheel, source_copy

VENV = Path(sys.executable).parent.parent  # the test venv: the staged install reuses its dependencies


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """classguard as a wheel, built from a copy of this checkout without the network."""
    scratch = tmp_path_factory.mktemp("wheel-source")
    return build_wheel(source_copy(scratch / "classguard"), scratch / "wheels")


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    """A root with what a school laptop already has: its own Firefox policy (which we
    replace and must restore), another managed Chromium policy, another autostart."""
    root = tmp_path / "root"
    files = {
        "etc/firefox/policies/policies.json": '{"policies": {"DisableTelemetry": true}}\n',
        "etc/chromium/policies/managed/school.json": '{"HomepageLocation": "https://school.example"}\n',
        "etc/xdg/autostart/nm-applet.desktop": "[Desktop Entry]\nExec=nm-applet\n",
        "etc/hostname": "laptop-17\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "etc/firefox/policies/policies.json").chmod(0o640)
    (root / "var/lib").mkdir(parents=True)
    (root / "home/pupil").mkdir(parents=True)
    return root


def snapshot(root: Path) -> dict[str, tuple[str, int, str]]:
    """Every path under root: its type, mode and content hash (or link target)."""
    seen = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            info = path.lstat()
            if path.is_symlink():
                seen[str(path.relative_to(root))] = ("link", info.st_mode, str(path.readlink()))
            elif path.is_dir():
                seen[str(path.relative_to(root))] = ("dir", info.st_mode, "")
            else:
                seen[str(path.relative_to(root))] = (
                    "file",
                    info.st_mode,
                    hashlib.sha256(path.read_bytes()).hexdigest(),
                )
    return seen


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """classguard-install in-process: (exit status, stdout, stderr)."""

    def call(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main(list(argv))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return call


@pytest.fixture
def install_args(staging: Path, wheelhouse: Path) -> list[str]:
    """The package options that make a staged install take ~1 s."""
    return ["--deps-from", str(VENV), "--wheels", str(wheelhouse)]


@pytest.fixture
def console() -> Iterator[FakeConsole]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    with FakeConsole(ConsoleState(key=Ed25519PrivateKey.generate(), policy_text=BASIC_POLICY)) as running:
        yield running


def wait_for(check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
