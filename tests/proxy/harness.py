"""Real pieces for the proxy's tests: a certificate authority standing in for the
public ones, local HTTPS/HTTP servers standing in for the social sites (they record
every connection and request), and the real classguard-proxy as a child process."""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from policies.clock import system_now

SITE_NAMES = (
    "instagram.com",
    "www.instagram.com",
    "youtube.com",
    "www.youtube.com",
    "school.youtube.com",
    "example.org",
    "www.example.org",
    "www.tiktok.com",
)
PROXY_BIN = Path(sys.executable).parent / "classguard-proxy"


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@dataclass
class TestCA:
    """A CA the tests trust for the stand-in sites (the 'public' web)."""

    directory: Path
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))

    def __post_init__(self) -> None:
        now = system_now()
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name("classguard tests root"))
            .issuer_name(_name("classguard tests root"))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.directory.mkdir(parents=True, exist_ok=True)
        self.cert_path = self.directory / "test-root.pem"
        self.cert_path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, names: tuple[str, ...], stem: str) -> tuple[Path, Path]:
        key = ec.generate_private_key(ec.SECP256R1())
        now = system_now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(names[0]))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        cert_path, key_path = self.directory / f"{stem}.pem", self.directory / f"{stem}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return cert_path, key_path


class _Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.connections = 0
        self.requests: list[tuple[str, str, str, int]] = []  # (method, host header, path, body bytes)

    def snapshot(self) -> tuple[int, list[tuple[str, str, str, int]]]:
        with self.lock:
            return self.connections, list(self.requests)


def _handler(recorder: _Recorder) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _record(self, body: int) -> None:
            with recorder.lock:
                recorder.requests.append((self.command, self.headers.get("Host", ""), self.path, body))

        def do_GET(self) -> None:
            if self.path.startswith("/bytes/"):  # a download of N bytes, for the benchmark
                self._send_bytes(int(self.path.rsplit("/", 1)[1]))
                return
            if self.path.startswith("/stream"):
                self._record(0)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for _ in range(300):  # 30 s at most: bounded, stops by itself
                        self.wfile.write(b"2\r\nok\r\n")
                        self.wfile.flush()
                        time.sleep(0.1)
                    self.wfile.write(b"0\r\n\r\n")
                except OSError:
                    pass
                return
            self._record(0)
            body = b"<!doctype html><title>site</title><p>hello from the stand-in site</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _send_bytes(self, size: int) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            block = b"\x00" * 65536
            sent = 0
            while sent < size:
                chunk = block[: min(len(block), size - sent)]
                self.wfile.write(chunk)
                sent += len(chunk)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            received = 0
            while received < length:
                chunk = self.rfile.read(min(65536, length - received))
                if not chunk:
                    return  # the upload was cut off: never recorded as received
                received += len(chunk)
            self._record(received)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        do_PUT = do_POST

    return Handler


class Site:
    """A threaded HTTP(S) server on 127.0.0.1 for all SITE_NAMES."""

    def __init__(self, context: ssl.SSLContext | None) -> None:
        self.recorder = _Recorder()
        recorder = self.recorder

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # refused handshakes and cut-off uploads are what the tests cause

            def get_request(self) -> tuple[socket.socket, object]:
                sock, address = super().get_request()
                with recorder.lock:
                    recorder.connections += 1
                if context is not None:
                    sock = context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
                return sock, address

        self.server = Server(("127.0.0.1", 0), _handler(recorder))
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class ProxyProcess:
    process: subprocess.Popen[str]
    port: int
    data_dir: Path
    stderr_lines: list[str]

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self, timeout: float = 10) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def stderr(self) -> str:
        return "".join(self.stderr_lines)


def start_proxy(args: list[str], timeout: float = 20) -> ProxyProcess:
    process = subprocess.Popen(
        [str(PROXY_BIN), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    assert process.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        if match := re.match(r"classguard-proxy listening on 127\.0\.0\.1:(\d+)$", line.strip()):
            _drain(process.stderr, lines)
            data_dir = Path(args[args.index("--data-dir") + 1])
            return ProxyProcess(process, int(match.group(1)), data_dir, lines)
    process.kill()
    raise RuntimeError("classguard-proxy did not start:\n" + "".join(lines))


def _drain(stream: object, lines: list[str]) -> None:
    """Keep reading the proxy's stderr (so it never blocks on a full pipe)."""
    readline = stream.readline  # type: ignore[attr-defined]
    threading.Thread(target=lambda: lines.extend(iter(readline, "")), daemon=True).start()


def write_json(path: Path, document: object) -> None:
    """Atomically, as the agent does."""
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(json.dumps(document), encoding="utf-8")
    temp.replace(path)


def pin_trusted_time(data_dir: Path, moment: dt.datetime) -> None:
    """Make the proxy's trusted time read `moment` now (and run on from there)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    write_json(data_dir / "clock.json", {"offset_s": (moment - system_now()).total_seconds()})


def loopback(address: str) -> bool:
    return ipaddress.ip_address(address).is_loopback
