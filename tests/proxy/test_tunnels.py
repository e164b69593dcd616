"""Open connections are re-judged: a tunnel from the break closes when the lesson
starts, one under an exception closes when it expires or is revoked (within 2 s)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import time

import jwt

from policies.clock import system_now
from tests.conftest import local
from tests.proxy.conftest import IN_LESSON

LESSON_START = local("2026-12-01 12:45")
LIMIT_S = 2.0


def open_stream(proxy, sites, name: str) -> subprocess.Popen[bytes]:
    """A long-lived response (the stand-in site streams for up to 30 s)."""
    seen = len(sites.https.recorder.snapshot()[1])
    process = subprocess.Popen(
        [
            "curl", "-sS", "-N", "--max-time", "40", "-x", f"http://{proxy.address}",
            "--cacert", str(sites.ca.cert_path), f"https://{name}:{sites.https.port}/stream",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while len(sites.https.recorder.snapshot()[1]) == seen:
        assert time.monotonic() < deadline, "the stream did not start"
        assert process.poll() is None, "the stream was refused"
        time.sleep(0.05)
    return process


def system_moment(proxy, trusted: dt.datetime) -> dt.datetime:
    """When the proxy's trusted clock reads `trusted`, in system time."""
    offset = json.loads((proxy.data_dir / "clock.json").read_text())["offset_s"]
    return trusted - dt.timedelta(seconds=offset)


def seconds_until_closed(process: subprocess.Popen[bytes], after: dt.datetime) -> float:
    process.wait(timeout=20)
    return (system_now() - after).total_seconds()


def test_a_tunnel_from_the_break_closes_when_the_lesson_starts(run_proxy, sites):
    proxy = run_proxy(LESSON_START - dt.timedelta(seconds=6))
    stream = open_stream(proxy, sites, "www.youtube.com")
    start = system_moment(proxy, LESSON_START)
    assert system_now() < start, "the stream must open before the lesson"
    late = seconds_until_closed(stream, start)
    assert 0 <= late <= LIMIT_S


def test_an_unguarded_tunnel_stays_open_into_the_lesson(run_proxy, sites):
    proxy = run_proxy(LESSON_START - dt.timedelta(seconds=3))
    stream = open_stream(proxy, sites, "example.org")
    start = system_moment(proxy, LESSON_START)
    time.sleep(max(0.0, (start - system_now()).total_seconds()) + LIMIT_S + 0.5)
    assert stream.poll() is None
    stream.kill()


def test_a_revoked_exception_closes_its_tunnel(run_proxy, sites, school):
    token = school.token(IN_LESSON - dt.timedelta(minutes=1))
    school.set_tokens([token])
    proxy = run_proxy(IN_LESSON)
    stream = open_stream(proxy, sites, "www.youtube.com")
    jti = jwt.decode(token, options={"verify_signature": False})["jti"]
    revoked_at = system_now()
    school.set_tokens([token], revoked=[jti])
    assert seconds_until_closed(stream, revoked_at) <= LIMIT_S


def test_an_expiring_exception_closes_its_tunnel(run_proxy, sites, school):
    # A one-minute exception that ends 7 s after the proxy's trusted clock starts.
    school.set_tokens([school.token(IN_LESSON - dt.timedelta(seconds=53), minutes=1)])
    proxy = run_proxy(IN_LESSON)
    stream = open_stream(proxy, sites, "www.youtube.com")
    expiry = system_moment(proxy, IN_LESSON + dt.timedelta(seconds=7))
    assert system_now() < expiry
    late = seconds_until_closed(stream, expiry)
    assert 0 <= late <= LIMIT_S


def test_an_intercepted_stream_flows_as_it_arrives(run_proxy, sites, school):
    """In the break with --intercept, YouTube is decrypted for the media rule; a
    long-lived response must still reach the browser piece by piece, not at its end."""
    proxy = run_proxy(IN_LESSON - dt.timedelta(hours=2), "--intercept")
    bundle = school.root / "bundle.pem"
    bundle.write_bytes(sites.ca.cert_path.read_bytes() + (school.data_dir / "ca.pem").read_bytes())
    started = time.monotonic()
    stream = subprocess.Popen(
        ["curl", "-sS", "-N", "--max-time", "20", "-x", f"http://{proxy.address}", "--cacert", str(bundle),
         f"https://www.youtube.com:{sites.https.port}/stream"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert stream.stdout is not None and stream.stdout.read(4) == b"okok"
        assert time.monotonic() - started < 5  # the whole body takes 30 s
    finally:
        stream.kill()
        stream.wait()
