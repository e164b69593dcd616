"""Fixtures for the proxy: stand-in sites, a school policy, keys, and a way to start
the real classguard-proxy at a chosen trusted time."""

from __future__ import annotations

import datetime as dt
import ssl
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from policies.keys import load_private_key, write_key_pair
from policies.tokens import issue_token
from tests.conftest import local
from tests.proxy.harness import SITE_NAMES, ProxyProcess, Site, TestCA, pin_trusted_time, start_proxy, write_json

SCHOOL = """\
version: 1
school: obs Testschool
timezone: Europe/Amsterdam
services:
  catalog: false
  custom:
    youtube: {title: YouTube, domains: [youtube.com, ytimg.com]}
    instagram: {title: Instagram, domains: [instagram.com, cdninstagram.com]}
block: [youtube, instagram]
allow_domains: [school.youtube.com]
lessons:
  groep-7:
    weekdays: [08:30-12:00, 12:45-14:45]
overrides:
  max_minutes: 120
media_uploads: block
"""
IN_LESSON = local("2026-12-01 10:00")  # a Tuesday
IN_BREAK = local("2026-12-01 12:15")


class Sites:
    def __init__(self, directory: Path) -> None:
        self.ca = TestCA(directory)
        cert, key = self.ca.issue(SITE_NAMES, "sites")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.https = Site(context)
        self.http = Site(None)

    def close(self) -> None:
        self.https.close()
        self.http.close()


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    stand_ins = Sites(tmp_path_factory.mktemp("sites"))
    yield stand_ins
    stand_ins.close()


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Ed25519PrivateKey, Path]:
    private_path, public_path = write_key_pair(tmp_path_factory.mktemp("keys"))
    return load_private_key(private_path.read_bytes()), public_path


class School:
    """One laptop's files, as the agent would keep them."""

    def __init__(self, root: Path, key: Ed25519PrivateKey, public_key: Path) -> None:
        self.root = root
        self.policy = root / "policy.yaml"
        self.policy.write_text(SCHOOL, encoding="utf-8")
        self.overrides = root / "overrides.json"
        self.data_dir = root / "data"
        self.key = key
        self.public_key = public_key
        self.set_tokens([])

    def token(
        self, at: dt.datetime, minutes: int = 30, kind: str = "exception", services: tuple[str, ...] = ("youtube",)
    ) -> str:
        return issue_token(
            self.key,
            sub="juf-anna",
            kind=kind,
            groups=["groep-7"],
            services=list(services),
            now=int(at.timestamp()),
            minutes=minutes,
            reason="test",
        )

    def set_tokens(self, tokens: list[str], revoked: list[str] | None = None) -> None:
        write_json(self.overrides, {"tokens": tokens, "revoked": revoked or []})


@pytest.fixture
def school(tmp_path: Path, signing_key: tuple[Ed25519PrivateKey, Path]) -> School:
    return School(tmp_path, *signing_key)


@pytest.fixture
def run_proxy(school: School, sites: Sites) -> Iterator[Callable[..., ProxyProcess]]:
    started: list[ProxyProcess] = []

    def run(moment: dt.datetime, *extra: str, group: str = "groep-7", upstream_ca: bool = True) -> ProxyProcess:
        pin_trusted_time(school.data_dir, moment)
        args = [
            "--policy", str(school.policy),
            "--group", group,
            "--listen", "127.0.0.1:0",
            "--data-dir", str(school.data_dir),
            "--trust-key", str(school.public_key),
            "--overrides", str(school.overrides),
        ]  # fmt: skip
        if upstream_ca:
            args += ["--upstream-ca", str(sites.ca.cert_path)]
        for name in SITE_NAMES:
            args += ["--resolve", f"{name}=127.0.0.1"]
        proxy = start_proxy([*args, *extra])
        started.append(proxy)
        return proxy

    yield run
    for proxy in started:
        proxy.stop()


def curl(
    proxy: ProxyProcess, url: str, *extra: str, cacert: Path | None = None, timeout: float = 10
) -> subprocess.CompletedProcess[str]:
    """curl through the proxy; stdout ends with 'CONNECT-status HTTP-status' on its own line."""
    args = [
        "curl",
        "-sS",
        "--max-time",
        str(timeout),
        "-x",
        f"http://{proxy.address}",
        "-w",
        "\n%{http_connect} %{http_code}",
    ]
    if cacert:
        args += ["--cacert", str(cacert)]
    return subprocess.run([*args, *extra, url], capture_output=True, text=True, timeout=timeout + 5)


def codes(result: subprocess.CompletedProcess[str]) -> tuple[int, int]:
    """(status of the CONNECT, status of the request); 0 where there was none."""
    connect, code = result.stdout.rsplit("\n", 1)[-1].split()
    return int(connect), int(code)


def body(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout.rsplit("\n", 1)[0]
