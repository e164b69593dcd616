"""The proxy side by side, in one run, on loopback: direct, classguard-proxy (a guarded
host that is allowed now, so passed through), squid and tinyproxy (from apt).

Prints new-connection HTTPS requests/s and latency, a 50 MB download's throughput,
the block page's latency, and classguard-proxy's RSS after 10,000 and 20,000
requests. Figures only; the goals are printed beside them, never asserted.

    python bench/proxy.py [--quick] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policies.clock import monotonic
from policies.keys import write_key_pair
from tests.conftest import local
from tests.proxy.conftest import SCHOOL
from tests.proxy.harness import SITE_NAMES, ProxyProcess, Site, TestCA, pin_trusted_time, start_proxy

GUARDED = "www.youtube.com"
IN_BREAK = local("2026-12-01 12:15")  # youtube allowed: passthrough
IN_LESSON = local("2026-12-01 10:00")  # blocked: block page
Proxy = tuple[str, int] | None


def fetch(proxy: Proxy, target: str, port: int, context: ssl.SSLContext, path: str = "/") -> int:
    """One request on a new connection (CONNECT through `proxy` when given); returns
    the number of body bytes read."""
    sock = socket.create_connection(proxy or ("127.0.0.1", port), timeout=30)
    try:
        if proxy:
            sock.sendall(f"CONNECT {target}:{port} HTTP/1.1\r\nHost: {target}:{port}\r\n\r\n".encode())
            reply = b""
            while b"\r\n\r\n" not in reply:
                chunk = sock.recv(4096)
                if not chunk:
                    raise ConnectionError("proxy closed the connection")
                reply += chunk
            if not reply.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200")):
                raise ConnectionError(reply.split(b"\r\n", 1)[0].decode())
        with context.wrap_socket(sock, server_hostname=GUARDED) as tls:
            tls.sendall(f"GET {path} HTTP/1.1\r\nHost: {GUARDED}\r\nConnection: close\r\n\r\n".encode())
            buffer = bytearray(1 << 20)
            total = 0
            while n := tls.recv_into(buffer):
                total += n
            return total
    finally:
        sock.close()


def timed(fn: Callable[[], object]) -> float:
    started = monotonic()
    fn()
    return (monotonic() - started) * 1000


def requests_per_second(proxy: Proxy, target: str, port: int, context: ssl.SSLContext, count: int) -> dict[str, float]:
    """Throughput with 4 clients at once; latency from one client alone (queueing
    behind other clients is not the proxy's latency)."""
    started = monotonic()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: fetch(proxy, target, port, context), range(count)))
    elapsed = monotonic() - started
    latencies = sorted(timed(lambda: fetch(proxy, target, port, context)) for _ in range(max(50, count // 4)))
    return {
        "rps": count / elapsed,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
    }


def throughput(proxy: Proxy, target: str, port: int, context: ssl.SSLContext, size: int) -> float:
    started = monotonic()
    received = fetch(proxy, target, port, context, f"/bytes/{size}")
    return received / (monotonic() - started) / 1e6


def block_page_latency(proxy: tuple[str, int], port: int, context: ssl.SSLContext, count: int) -> dict[str, float]:
    """A blocked page on a kept-alive connection (what a browser does after the first)
    and on a new connection each time (CONNECT, TLS with the laptop's CA, page)."""
    sock = socket.create_connection(proxy)
    sock.sendall(f"CONNECT www.instagram.com:{port} HTTP/1.1\r\n\r\n".encode())
    sock.recv(4096)
    tls = context.wrap_socket(sock, server_hostname="www.instagram.com")
    kept: list[float] = []
    request = b"GET / HTTP/1.1\r\nHost: www.instagram.com\r\n\r\n"
    for _ in range(count):
        started = monotonic()
        tls.sendall(request)
        data = b""
        while b"</html>" not in data:
            data += tls.recv(65536)
        kept.append((monotonic() - started) * 1000)
        if b"Connection: close" in data.split(b"\r\n\r\n", 1)[0]:
            tls.close()
            sock = socket.create_connection(proxy)
            sock.sendall(f"CONNECT www.instagram.com:{port} HTTP/1.1\r\n\r\n".encode())
            sock.recv(4096)
            tls = context.wrap_socket(sock, server_hostname="www.instagram.com")
    tls.close()
    fresh = [timed(lambda: _fresh_block(proxy, port, context)) for _ in range(max(20, count // 10))]
    return {"kept_alive_p50_ms": statistics.median(kept), "new_connection_p50_ms": statistics.median(fresh)}


def _fresh_block(proxy: tuple[str, int], port: int, context: ssl.SSLContext) -> None:
    with socket.create_connection(proxy) as sock:
        sock.sendall(f"CONNECT www.instagram.com:{port} HTTP/1.1\r\n\r\n".encode())
        sock.recv(4096)
        with context.wrap_socket(sock, server_hostname="www.instagram.com") as tls:
            tls.sendall(b"GET / HTTP/1.1\r\nHost: www.instagram.com\r\nConnection: close\r\n\r\n")
            while tls.recv(65536):
                pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_squid(work: Path) -> tuple[subprocess.Popen[bytes], int] | None:
    binary = shutil.which("squid") or ("/usr/sbin/squid" if Path("/usr/sbin/squid").exists() else None)
    if not binary:
        return None
    port = free_port()
    conf = work / "squid.conf"
    conf.write_text(
        f"http_port 127.0.0.1:{port}\nhttp_access allow all\ncache deny all\naccess_log none\n"
        f"cache_log /dev/null\npid_filename {work}/squid.pid\ncoredump_dir {work}\n"
        "shutdown_lifetime 0 seconds\n"
    )
    process = subprocess.Popen([binary, "-N", "-f", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, _wait_port(port, process, binary)


def start_tinyproxy(work: Path) -> tuple[subprocess.Popen[bytes], int] | None:
    binary = shutil.which("tinyproxy")
    if not binary:
        return None
    port = free_port()
    conf = work / "tinyproxy.conf"
    user = "User nobody\nGroup nogroup\n" if os.geteuid() == 0 else ""
    settings = "Listen 127.0.0.1\nAllow 127.0.0.1\nMaxClients 200\nTimeout 60\nLogLevel Critical\n"
    conf.write_text(f"{user}Port {port}\n{settings}")
    process = subprocess.Popen([binary, "-d", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, _wait_port(port, process, binary)


def _wait_port(port: int, process: subprocess.Popen[bytes], name: str) -> int:
    deadline = monotonic() + 15
    while monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not listen on {port}")


def classguard(work: Path, ca: TestCA, moment: dt.datetime, *extra: str) -> ProxyProcess:
    school = work / f"school-{len(list(work.iterdir()))}"
    school.mkdir()
    (school / "policy.yaml").write_text(SCHOOL)
    _, public = write_key_pair(school / "keys")
    pin_trusted_time(school / "data", moment)
    args = [
        "--policy", str(school / "policy.yaml"), "--group", "groep-7", "--listen", "127.0.0.1:0",
        "--data-dir", str(school / "data"), "--trust-key", str(public), "--upstream-ca", str(ca.cert_path),
    ]  # fmt: skip
    for name in SITE_NAMES:
        args += ["--resolve", f"{name}=127.0.0.1"]
    proxy = start_proxy([*args, *extra])
    return proxy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few requests: checks that it runs, not a measurement")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    count, big, rss_rounds = (200, 5 << 20, 200) if args.quick else (2000, 50 << 20, 10_000)

    work = Path(tempfile.mkdtemp(prefix="classguard-bench-"))
    ca = TestCA(work / "ca")
    cert, key = ca.issue(SITE_NAMES, "sites")
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    site = Site(server_context)
    client = ssl.create_default_context(cafile=str(ca.cert_path))
    results: dict[str, dict[str, float | str]] = {}
    cleanup: list[Callable[[], object]] = [site.close]
    try:
        peers: dict[str, tuple[Proxy, str]] = {"direct": (None, "127.0.0.1")}
        cg = classguard(work, ca, IN_BREAK)
        cg_port = cg.port
        cleanup.append(cg.stop)
        peers["classguard"] = (("127.0.0.1", cg_port), GUARDED)
        for name, starter in (("squid", start_squid), ("tinyproxy", start_tinyproxy)):
            started = starter(work)
            if started is None:
                results[name] = {"note": f"not installed (apt-get install {name})"}
                continue
            process, port = started
            cleanup.append(process.terminate)
            peers[name] = (("127.0.0.1", port), "127.0.0.1")
        for name, (proxy, target) in peers.items():
            fetch(proxy, target, site.port, client)  # warm up
            figures: dict[str, float | str] = dict(requests_per_second(proxy, target, site.port, client, count))
            figures["download_MBps"] = throughput(proxy, target, site.port, client, big)
            results[name] = figures

        blocker = classguard(work, ca, IN_LESSON, "--intercept")
        block_port = blocker.port
        cleanup.append(blocker.stop)
        laptop_ca = ssl.create_default_context(cafile=str(blocker.data_dir / "ca.pem"))
        results["block page"] = dict(block_page_latency(("127.0.0.1", block_port), site.port, laptop_ca, count))

        proxy_process = psutil.Process(cg.process.pid)
        rss: list[float] = []
        for _ in range(2):
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda _: fetch(("127.0.0.1", cg_port), GUARDED, site.port, client), range(rss_rounds)))
            rss.append(proxy_process.memory_info().rss / 1e6)
        results["classguard memory"] = {
            "rss_MB_after_1": rss[0],
            "rss_MB_after_2": rss[1],
            "requests_per_round": rss_rounds,
        }
    finally:
        for step in reversed(cleanup):
            try:
                step()
            except Exception as exc:  # the bench must tidy up whatever happened
                print(f"cleanup: {exc}", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)

    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_table(results, quick=args.quick)
    return 0


def print_table(results: dict[str, dict[str, float | str]], quick: bool) -> None:
    note = " (QUICK: not a measurement)" if quick else ""
    print(f"classguard-proxy benchmark, loopback, {os.cpu_count()} CPUs{note}")
    print(f"{'path':<12}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'MB/s':>9}")
    for name in ("direct", "classguard", "squid", "tinyproxy"):
        row = results.get(name, {})
        if "note" in row:
            print(f"{name:<12}{row['note']}")
        elif row:
            print(f"{name:<12}{row['rps']:>9.0f}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}{row['download_MBps']:>9.0f}")
    squid, ours = results.get("squid", {}), results.get("classguard", {})
    if "p50_ms" in squid and "p50_ms" in ours:
        ratio = float(ours["p50_ms"]) / float(squid["p50_ms"])
        print(f"passthrough latency vs squid: {ratio:.2f}x   (goal: no worse than 2x)")
    block = results["block page"]
    print(
        f"block page p50: {block['kept_alive_p50_ms']:.2f} ms on an open connection, "
        f"{block['new_connection_p50_ms']:.2f} ms with a new TLS connection   (goal: p50 <= 5 ms)"
    )
    memory = results["classguard memory"]
    print(
        f"classguard RSS: {memory['rss_MB_after_1']:.0f} MB after {memory['requests_per_round']} requests, "
        f"{memory['rss_MB_after_2']:.0f} MB after twice that   (goal: <= 120 MB and flat)"
    )


if __name__ == "__main__":
    sys.exit(main())
