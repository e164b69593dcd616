"""The whole system, real pieces only: the console under gunicorn, a real agent with
its real proxy and PAC, headless chromium using that PAC and trusting the laptop's CA,
and local HTTPS servers standing in for the social sites (names resolved to loopback:
by the proxy's --resolve, and by chromium's host-resolver rules for direct traffic).

One system per module: the flows run in order, like a school day."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from policies.clock import system_now
from tests.conftest import AMS, REPO
from tests.proxy.conftest import Sites
from tests.proxy.harness import SITE_NAMES

BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
GROUP = "e2e"
PASSWORD = "e2e-wachtwoord-lang-genoeg"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spki_pin(pem: bytes) -> str:
    cert = x509.load_pem_x509_certificate(pem)
    spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def school_policy(root: Path) -> Path:
    """The reference school plus group `e2e`, in a lesson all of today (local) and on no
    other weekday: moving the console's clock to tomorrow ends the lesson."""
    shutil.copytree(REPO / "examples" / "timetables", root / "timetables")
    today = DAYS[system_now().astimezone(AMS).weekday()]
    text = (REPO / "examples" / "meander.yaml").read_text(encoding="utf-8")
    text = text.replace("lessons:\n", f"lessons:\n  {GROUP}:\n    {today}: [00:00-24:00]\n", 1)
    policy = root / "school.yaml"
    policy.write_text(text, encoding="utf-8")
    return policy


def run(*command: str, stdin: str | None = None) -> str:
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{command}: {result.stderr}"
    return result.stdout


@dataclass
class World:
    root: Path
    sites: Sites
    console_port: int
    proxy_port: int
    pac_port: int
    agent_config: Path
    socket_path: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def instance(self) -> Path:
        return self.root / "console"

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.console_port}"

    @property
    def laptop_ca(self) -> Path:
        return self.root / "agent" / "state" / "proxy" / "ca.pem"

    def site(self, name: str, path: str = "/") -> str:
        return f"https://{name}:{self.sites.https.port}{path}"

    def console(self, *args: str, stdin: str | None = None) -> str:
        return run(str(BIN / "classguard-console"), "--instance", str(self.instance), *args, stdin=stdin)

    def start_console(self) -> None:
        env = {**os.environ, "CLASSGUARD_INSTANCE": str(self.instance)}
        command = [str(BIN / "gunicorn"), "-k", "gevent", "-w", "2", "-b", f"127.0.0.1:{self.console_port}"]
        command += ["--graceful-timeout", "2"]  # long-polls would hold a graceful stop for 25 s
        with (self.root / "console.log").open("ab") as log:
            self.processes["console"] = subprocess.Popen(
                [*command, "--log-level", "warning", "console:create_app()"], env=env, stdout=log, stderr=log
            )
        wait_for(lambda: _listening(self.console_port), 30, "the console")

    def stop_console(self) -> None:
        process = self.processes.pop("console")
        process.terminate()
        process.wait(30)

    def agent_status(self) -> dict[str, object]:
        out = subprocess.run(
            [str(BIN / "classguard-agent"), "--config", str(self.agent_config), "status", "--json"],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        try:
            return dict(json.loads(out.stdout))
        except ValueError:
            return {}

    def trusted_bundle(self) -> Path:
        """What a laptop with the classguard CA installed trusts: its own CA and the
        public roots (here the tests' root)."""
        bundle = self.root / "trusted.pem"
        bundle.write_bytes(self.sites.ca.cert_path.read_bytes() + self.laptop_ca.read_bytes())
        return bundle

    def curl(self, url: str, *args: str, timeout: float = 10) -> subprocess.CompletedProcess[str]:
        """curl as the pupil's laptop sends it: guarded names through the proxy."""
        command = ["curl", "-sS", "--max-time", str(timeout), "-x", f"http://127.0.0.1:{self.proxy_port}"]
        command += ["--cacert", str(self.trusted_bundle()), "-w", "\n%{http_code}", *args, url]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout + 5)


def status_code(result: subprocess.CompletedProcess[str]) -> int:
    return int(result.stdout.rsplit("\n", 1)[-1] or 0)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def wait_for(check, seconds: float, what: str) -> float:
    """Poll `check` until true; return how long it took. Fails after `seconds`."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.1)
    return time.monotonic() - started


def _proxy_wrapper(root: Path, sites: Sites) -> Path:
    """The real classguard-proxy, told to dial the stand-in sites (names → 127.0.0.1)
    and to trust their root: the only difference from a school laptop."""
    extra = " ".join(f"--resolve {name}=127.0.0.1" for name in SITE_NAMES)
    wrapper = root / "classguard-proxy-e2e"
    wrapper.write_text(
        f'#!/bin/sh\nexec "{BIN / "classguard-proxy"}" "$@" {extra} --upstream-ca "{sites.ca.cert_path}"\n'
    )
    wrapper.chmod(0o755)
    return wrapper


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    root = tmp_path_factory.mktemp("e2e")
    sites = Sites(root / "sites")
    w = World(root, sites, free_port(), free_port(), free_port(), root / "agent" / "agent.yaml", root / "agent.sock")
    try:
        w.console("init")
        w.console("policy", "import", str(school_policy(root)))
        w.console("user", "add", "juf-anna", "--role", "teacher", "--groups", GROUP, "--password-stdin", stdin=PASSWORD)
        w.console("user", "add", "directeur", "--role", "directie", "--password-stdin", stdin=PASSWORD)
        w.start_console()
        (root / "agent").mkdir()
        config = {
            "console_url": w.console_url,
            "state_dir": "state",
            "proxy_listen": f"127.0.0.1:{w.proxy_port}",
            "pac_listen": f"127.0.0.1:{w.pac_port}",
            "apply_system_settings": False,
            "intercept": True,
            "tray_socket": str(w.socket_path),
            "proxy_command": str(_proxy_wrapper(root, sites)),
        }
        w.agent_config.write_text(json.dumps(config))  # JSON is YAML
        code = w.console("enrol-code", "--group", GROUP, "--uses", "1", "--hours", "1").strip()
        run(str(BIN / "classguard-agent"), "--config", str(w.agent_config), "enrol", "--code", code)
        with (root / "agent.log").open("ab") as log:
            w.processes["agent"] = subprocess.Popen(
                [str(BIN / "classguard-agent"), "--config", str(w.agent_config), "run"], stdout=log, stderr=log
            )
        wait_for(lambda: w.agent_status().get("proxy") == "running" and w.laptop_ca.exists(), 60, "the agent")
        yield w
    finally:
        for process in w.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
        sites.close()


BASE_FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def playwright(world: World):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def pupil(world: World, playwright):
    """The pupil's chromium: the agent's PAC, the laptop CA trusted (pinned), and direct
    names resolved to loopback as DNS would resolve them on the internet."""
    pins = [spki_pin(world.laptop_ca.read_bytes()), spki_pin((world.sites.ca.directory / "sites.pem").read_bytes())]
    args = [
        *BASE_FLAGS,
        f"--proxy-pac-url=http://127.0.0.1:{world.pac_port}/proxy.pac",
        "--host-resolver-rules=MAP example.org 127.0.0.1, MAP www.example.org 127.0.0.1",
        f"--ignore-certificate-errors-spki-list={','.join(pins)}",
    ]  # fmt: skip
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    yield browser.new_page()
    browser.close()


@pytest.fixture(scope="module")
def staff(world: World, playwright):
    """The staff's chromium (no PAC: the console is not a social site)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BASE_FLAGS)
    yield browser
    browser.close()


def sign_in(browser, world: World, username: str):
    page = browser.new_page()
    page.goto(f"{world.console_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_load_state()
    return page


def tomorrow_offset_seconds() -> float:
    """How far to move the console's clock to reach 08:00 tomorrow (local)."""
    now = system_now().astimezone(AMS)
    target = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(8, 0), AMS)
    return (target - now).total_seconds()
