"""How fast a teacher's grant reaches every laptop of the group, and what heartbeats cost.

One console under gunicorn with gevent workers (SQLite), N simulated agents (default
1,000) long-polling /api/v1/sync on loopback from one asyncio process. A grant is made
with the console's own command; the figure is the time from the grant until each agent
holds the token. Then heartbeats at a fixed rate (default 200/s) from the same devices.
Prints the figures with the goals beside them; asserts nothing.

    python bench/propagation.py [--agents 1000] [--rate 200] [--quick] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console import context, grants, users
from console.app import create_app
from console.cli import main as console_cli
from console.db import session
from console.devices import create_code, enrol
from console.notifier import commit
from policies.clock import monotonic, wall_seconds

REPO = Path(__file__).resolve().parent.parent
GROUP = "groep-7"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(instance: Path, agents: int) -> list[str]:
    """A console with the reference school, a teacher and `agents` enrolled laptops
    (the console's own messages, throw-away passwords included, are not shown)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return _prepare(instance, agents)


def _prepare(instance: Path, agents: int) -> list[str]:
    assert console_cli(["--instance", str(instance), "init"]) == 0
    assert console_cli(["--instance", str(instance), "policy", "import", str(REPO / "examples" / "meander.yaml")]) == 0
    assert console_cli(["--instance", str(instance), "user", "add", "juf", "--role", "teacher", "--groups", GROUP]) == 0
    app = create_app({"INSTANCE": str(instance)})
    secrets: list[str] = []
    with app.app_context():
        db = session()
        for start in range(0, agents, 1000):
            batch = min(1000, agents - start)
            code = create_code(db, group=GROUP, uses=batch, hours=1, actor="bench", now=wall_seconds())
            for i in range(batch):
                secrets.append(
                    enrol(db, code=code, hostname=f"laptop-{start + i}", platform="linux", now=wall_seconds())[1]
                )
        db.commit()
    return secrets


async def http(port: int, method: str, path: str, secret: str, body: bytes = b"") -> tuple[int, dict[str, object]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {secret}\r\nConnection: close\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"\r\n" + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    status = int(raw.split(b" ", 2)[1])
    payload = raw.split(b"\r\n\r\n", 1)[1]
    if b"chunked" in raw.split(b"\r\n\r\n", 1)[0].lower():
        payload = _unchunk(payload)
    return status, json.loads(payload or b"{}")


def _unchunk(data: bytes) -> bytes:
    out, rest = b"", data
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


async def agent(port: int, secret: str, ready: asyncio.Event, granted: dict[str, float], arrivals: list[float]) -> None:
    _, answer = await http(port, "GET", "/api/v1/sync", secret)
    version = answer["version"]
    ready.set()
    while True:
        status, answer = await http(port, "GET", f"/api/v1/sync?since={version}&wait=25", secret)
        if status != 200:
            await asyncio.sleep(0.5)
            continue
        version = answer["version"]
        tokens = answer.get("tokens")
        if granted and isinstance(tokens, list) and any(isinstance(t, str) and t for t in tokens):
            arrivals.append(monotonic() - granted["at"])
            return


def grant_now(instance: Path, granted: dict[str, float]) -> None:
    """The teacher's grant, through the same service call as the web form and the CLI
    (in this process, so a command's start-up time is not counted)."""
    app = create_app({"INSTANCE": str(instance)})
    with app.app_context():
        db = session()
        teacher = users.by_name(db, "juf")
        assert teacher is not None
        granted["at"] = monotonic()
        grants.issue(
            db, instance, context.policy(), teacher, kind="exception", groups=[GROUP], services=["youtube"],
            minutes=15, reason="bench", now=wall_seconds(),
        )  # fmt: skip
        commit(db)


async def propagation(port: int, secrets: list[str], instance: Path) -> list[float]:
    granted: dict[str, float] = {}
    arrivals: list[float] = []
    events = [asyncio.Event() for _ in secrets]
    tasks = [asyncio.create_task(agent(port, s, e, granted, arrivals)) for s, e in zip(secrets, events, strict=True)]
    await asyncio.gather(*(e.wait() for e in events))
    await asyncio.sleep(2)  # every agent is now parked in its long-poll
    await asyncio.to_thread(grant_now, instance, granted)
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    return sorted(arrivals)


async def heartbeats(port: int, secrets: list[str], rate: int, seconds: float) -> dict[str, float]:
    body = json.dumps({"agent_version": "bench", "health": {"proxy": "running"}, "counters": {}}).encode()
    latencies: list[float] = []
    failures = 0

    async def one(secret: str) -> None:
        nonlocal failures
        started = monotonic()
        status, _ = await http(port, "POST", "/api/v1/heartbeat", secret, body)
        if status == 200:
            latencies.append((monotonic() - started) * 1000)
        else:
            failures += 1

    tasks = []
    started = monotonic()
    for i in range(int(rate * seconds)):
        delay = started + i / rate - monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(secrets[i % len(secrets)])))
    await asyncio.gather(*tasks)
    latencies.sort()
    return {
        "sent": len(tasks),
        "rate_per_s": len(tasks) / (monotonic() - started),
        "p50_ms": statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan"),
        "failures": failures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=200, help="heartbeats per second")
    parser.add_argument("--quick", action="store_true", help="100 agents, 3 s of heartbeats: runs, not a measurement")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    agents, seconds = (100, 3.0) if args.quick else (args.agents, 10.0)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * agents + 256)), hard))

    work = Path(tempfile.mkdtemp(prefix="classguard-propagation-"))
    instance = work / "instance"
    port = free_port()
    secrets = prepare(instance, agents)
    env = {**os.environ, "CLASSGUARD_INSTANCE": str(instance)}
    command = [str(Path(sys.executable).parent / "gunicorn"), "-k", "gevent", "-w", "2"]
    command += ["--worker-connections", str(2 * agents + 100), "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    gunicorn = subprocess.Popen([*command, "console:create_app()"], env=env, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(port)
        server = psutil.Process(gunicorn.pid)
        cpu_before = _cpu(server)
        arrivals = asyncio.run(propagation(port, secrets, instance))
        rss_mb = sum(p.memory_info().rss for p in [server, *server.children()]) / 1e6
        beats = asyncio.run(heartbeats(port, secrets, args.rate, seconds))
        cpu_s = _cpu(server) - cpu_before
    finally:
        gunicorn.terminate()
        gunicorn.wait(30)
        shutil.rmtree(work, ignore_errors=True)
    results = {
        "agents": agents,
        "reached": len(arrivals),
        "p50_s": statistics.median(arrivals),
        "p95_s": arrivals[int(len(arrivals) * 0.95) - 1],
        "max_s": arrivals[-1],
        "console_rss_MB": rss_mb,
        "console_cpu_s": cpu_s,
        "heartbeats": beats,
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    quick = " (QUICK: not a measurement)" if args.quick else ""
    print(f"console propagation, gunicorn -k gevent -w 2, SQLite, loopback, {os.cpu_count()} CPUs{quick}")
    print(
        f"grant -> {results['reached']}/{agents} agents hold the token: p50 {results['p50_s']:.2f} s, "
        f"p95 {results['p95_s']:.2f} s, max {results['max_s']:.2f} s   (goal: p95 <= 2 s)"
    )
    print(f"console RSS {rss_mb:.0f} MB (master + workers), CPU {cpu_s:.1f} s over the whole run")
    print(
        f"heartbeats: {beats['sent']} sent at {beats['rate_per_s']:.0f}/s, p50 {beats['p50_ms']:.1f} ms, "
        f"p99 {beats['p99_ms']:.1f} ms, {beats['failures']} failed   (goal: p99 <= 100 ms at 200/s)"
    )
    return 0


def _cpu(process: psutil.Process) -> float:
    total = 0.0
    for p in [process, *process.children()]:
        times = p.cpu_times()
        total += times.user + times.system
    return total


def _wait_listening(port: int) -> None:
    deadline = monotonic() + 30
    while monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            asyncio.run(asyncio.sleep(0.2))
    raise RuntimeError("gunicorn did not start")


if __name__ == "__main__":
    sys.exit(main())
