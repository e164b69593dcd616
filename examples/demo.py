"""`make demo`: the whole of classguard on this one machine, as the current user.

Starts the console (SQLite in demo-data/, the reference school obs Meander with
groepen 1-8 and medewerkers, teachers, directie, and a `demo` group whose lesson runs
right now whatever the time), then one enrolled agent with its proxy and PAC. Prints
the URLs, the logins and two lines to paste. Ctrl-C stops everything; a second run
reuses demo-data/. Nothing outside demo-data/ is changed (no system settings).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from policies.clock import system_now
from policies.loader import load_policy

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STOP_WAIT_S = 30  # the agent stops its proxy first; a loaded machine can take a while
DEMO_GROUP = "demo"
ALL_DAY = "[00:00-24:00]"
TEACHERS = {"juf-anna": "groep-7,demo", "meester-bram": "groep-8"}


class DemoError(Exception):
    pass


def tool(name: str, *args: str) -> str:
    result = subprocess.run([str(BIN / name), *args], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise DemoError(f"{name} {' '.join(args[:3])}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def demo_policy(data: Path) -> Path:
    """The reference school's policy plus the `demo` group, in lesson all day."""
    school = data / "school"
    if school.exists():
        shutil.rmtree(school)
    shutil.copytree(REPO / "examples" / "timetables", school / "timetables")
    text = (REPO / "examples" / "meander.yaml").read_text(encoding="utf-8")
    demo = f"  {DEMO_GROUP}:   # the demo's own group: a lesson is always running\n"
    demo += "".join(f"    {day}: {ALL_DAY}\n" for day in ("weekdays", "saturday", "sunday"))
    text, found = re.subn(r"(?m)^lessons:\n", "lessons:\n" + demo, text, count=1)
    if not found:
        raise DemoError("examples/meander.yaml has no 'lessons:' section")
    policy = school / "meander-demo.yaml"
    policy.write_text(text, encoding="utf-8")
    return policy


def first_setup(data: Path, console: list[str], ports: dict[str, int]) -> dict[str, list[str]]:
    """Create the console, the accounts and an enrolled agent; returns the logins."""
    out = tool("classguard-console", *console, "init")
    admin = re.search(r"Admin login: (\S+)\s+Password:\s+(\S+)", out)
    if not admin:
        raise DemoError(f"unexpected output from init: {out}")
    logins = {"admin": [admin.group(1), admin.group(2)]}
    tool("classguard-console", *console, "policy", "import", str(demo_policy(data)))
    for name, groups in TEACHERS.items():
        added = tool("classguard-console", *console, "user", "add", name, "--role", "teacher", "--groups", groups)
        logins[f"teacher ({groups.replace(',', ', ')})"] = [name, _password(added)]
    added = tool("classguard-console", *console, "user", "add", "directeur", "--role", "directie")
    logins["directie"] = ["directeur", _password(added)]
    agent_config(data, ports)
    write_private(data / "logins.json", json.dumps(logins, indent=2))
    return logins


def enrol_once(data: Path, console: list[str]) -> None:
    """Enrol the demo laptop with a one-time code, as IT would (the console must run)."""
    marker = data / "agent" / "enrolled"
    if marker.exists():
        return
    code = tool("classguard-console", *console, "enrol-code", "--group", DEMO_GROUP, "--uses", "1", "--hours", "1")
    tool("classguard-agent", "--config", str(data / "agent" / "agent.yaml"), "enrol", "--code", code.strip())
    marker.touch()


def _password(output: str) -> str:
    match = re.search(r"Password:\s+(\S+)", output)
    if not match:
        raise DemoError(f"no password in: {output}")
    return match.group(1)


def agent_config(data: Path, ports: dict[str, int]) -> None:
    config = {
        "console_url": f"http://127.0.0.1:{ports['console']}",
        "state_dir": "state",
        "proxy_listen": f"127.0.0.1:{ports['proxy']}",
        "pac_listen": f"127.0.0.1:{ports['pac']}",
        "apply_system_settings": False,  # a demo never touches the system
        "intercept": True,  # block pages over HTTPS, with the agent's own name-constrained CA
        "tray_socket": str(data / "agent" / "agent.sock"),
    }
    (data / "agent").mkdir(parents=True, exist_ok=True)
    write_private(data / "agent" / "agent.yaml", yaml.safe_dump(config, sort_keys=False))


def write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write(text)


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        # As servers do: a port whose old connections linger in TIME_WAIT is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_until(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise DemoError(f"{what} did not come up within {seconds:.0f} s")


def lesson_token_if_day_off(console: list[str], policy_file: Path) -> None:
    """On a holiday the timetable has no lesson: the demo teacher starts one instead,
    as a teacher would ('start a lesson now', a `lesson` token)."""
    policy = load_policy(policy_file)
    if policy.schedule.state(DEMO_GROUP, system_now().timestamp()).day_off:
        tool(
            "classguard-console", *console, "grant", "--teacher", "juf-anna", "--group", DEMO_GROUP,
            "--service", "*", "--minutes", str(policy.overrides.max_minutes), "--kind", "lesson",
            "--reason", "demo: les gestart",
        )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="classguard's demo on this machine")
    parser.add_argument("--data", type=Path, default=REPO / "demo-data")
    parser.add_argument("--console-port", type=int, default=5080)
    parser.add_argument("--proxy-port", type=int, default=3128)
    parser.add_argument("--pac-port", type=int, default=3129)
    args = parser.parse_args(argv)
    data: Path = args.data.resolve()
    console = ["--instance", str(data / "console")]
    saved = data / "demo.json"
    if saved.exists():
        ports = json.loads(saved.read_text())
    else:
        ports = {"console": args.console_port, "proxy": args.proxy_port, "pac": args.pac_port}
    busy = [f"{name} {port}" for name, port in ports.items() if not port_free(port)]
    if busy:
        print(f"demo: port(s) in use: {', '.join(busy)}; stop what uses them or pick others", file=sys.stderr)
        return 1
    processes: list[subprocess.Popen[bytes]] = []
    signal.signal(signal.SIGTERM, _interrupt)  # from the start: a stop during set-up also cleans up
    try:
        if not (data / "logins.json").exists():
            print("demo: setting up the console, accounts and an enrolled laptop (first run only)", file=sys.stderr)
            if data.exists():
                shutil.rmtree(data)
            data.mkdir(parents=True)
            first_setup(data, console, ports)
            saved.write_text(json.dumps(ports))
        logins = json.loads((data / "logins.json").read_text())
        logs = data / "logs"
        logs.mkdir(exist_ok=True)
        serve = ["classguard-console", *console, "run", "--port", str(ports["console"])]
        processes.append(_start(serve, logs / "console.log"))
        wait_until(lambda: not port_free(ports["console"]), 30, "the console")
        enrol_once(data, console)
        lesson_token_if_day_off(console, data / "school" / "meander-demo.yaml")
        agent = ["classguard-agent", "--config", str(data / "agent" / "agent.yaml")]
        processes.append(_start([*agent, "run"], logs / "agent.log"))
        wait_until(lambda: _agent_ready(agent), 60, "the agent and its proxy")
        _announce(data, ports, logins)
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        print("demo: a part stopped by itself; see demo-data/logs/", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except DemoError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    finally:
        _stop(processes, data)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the demo as Ctrl-C does


def _start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([str(BIN / command[0]), *command[1:]], stdout=out, stderr=subprocess.STDOUT)


def _agent_ready(agent: list[str]) -> bool:
    result = subprocess.run([str(BIN / agent[0]), *agent[1:], "status", "--json"], capture_output=True, text=True)
    try:
        status = json.loads(result.stdout)
    except ValueError:
        return False
    return status.get("proxy") == "running" and status.get("policy_version") is not None


def _stop(processes: list[subprocess.Popen[bytes]], data: Path) -> None:
    for process in reversed(processes):  # the agent first: it takes its proxy with it
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    # A killed agent cannot stop its proxy (by design it outlives the agent, so guarded
    # sites stay closed); the demo started it all, so it takes it all down.
    for left in _left_behind(data):
        print(f"demo: stopping {Path(left.info['cmdline'][1]).name} (pid {left.pid}), left behind", file=sys.stderr)
        left.terminate()
        try:
            left.wait(STOP_WAIT_S)
        except psutil.TimeoutExpired:
            left.kill()


def _left_behind(data: Path) -> list[psutil.Process]:
    """Processes of this demo (their command line names its data directory)."""
    marker = str(data.resolve())
    mine = psutil.Process().pid
    return [
        p
        for p in psutil.process_iter(["cmdline"])
        if p.pid != mine and len(p.info["cmdline"] or ()) > 1 and any(marker in part for part in p.info["cmdline"])
    ]


def spki_pin(ca: Path) -> str:
    """Chromium's pin for the laptop CA's key (mitmproxy signs with that key), so the
    demo's browser shows the block page without installing the CA system-wide."""
    cert = x509.load_pem_x509_certificate(ca.read_bytes())
    spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def _announce(data: Path, ports: dict[str, int], logins: dict[str, list[str]]) -> None:
    ca = data / "agent" / "state" / "proxy" / "ca.pem"
    print(f"console: http://127.0.0.1:{ports['console']}/")
    for role, (user, password) in logins.items():
        print(f"login: {role} {user} {password}")
    print(f"proxy: 127.0.0.1:{ports['proxy']}")
    print(f"pac: http://127.0.0.1:{ports['pac']}/proxy.pac")
    print(
        f"block: curl -s -x http://127.0.0.1:{ports['proxy']} --cacert {ca} https://www.instagram.com/ | grep -m1 '<h1'"
    )
    print(
        f"allowed: chromium --proxy-pac-url=http://127.0.0.1:{ports['pac']}/proxy.pac --user-data-dir={data}/chromium "
        f"--ignore-certificate-errors-spki-list={spki_pin(ca)} https://nl.wikipedia.org/ https://www.instagram.com/"
    )
    print("demo: laptop in group 'demo' (a lesson runs all day); Ctrl-C stops everything", file=sys.stderr, flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
