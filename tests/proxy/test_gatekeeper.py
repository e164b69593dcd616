"""The proxy's verdicts, against the running proxy with curl and raw sockets."""

from __future__ import annotations

import socket
import ssl

import pytest

from tests.proxy.conftest import IN_BREAK, IN_LESSON, body, codes, curl


def https(sites, name: str, path: str = "/") -> str:
    return f"https://{name}:{sites.https.port}{path}"


def http(sites, name: str, path: str = "/") -> str:
    return f"http://{name}:{sites.http.port}{path}"


def test_blocked_connect_gets_403_with_verdict_and_the_site_is_never_dialled(run_proxy, sites):
    proxy = run_proxy(IN_LESSON)
    before, _ = sites.https.recorder.snapshot()
    result = curl(
        proxy, https(sites, "www.instagram.com"), "-i", "--proxy-header", "X-Probe: 1", cacert=sites.ca.cert_path
    )
    assert codes(result)[0] == 403
    assert result.returncode != 0  # curl refuses the tunnel
    proxied = curl(proxy, https(sites, "www.instagram.com"), "-v", cacert=sites.ca.cert_path)
    assert "X-Classguard-Verdict: block" in proxied.stderr
    assert "Instagram" in proxied.stderr or "instagram" in proxied.stderr.lower()
    after, _ = sites.https.recorder.snapshot()
    assert after == before


def test_unguarded_host_is_tunnelled_untouched(run_proxy, sites):
    proxy = run_proxy(IN_LESSON)
    # The site's own certificate (from the test root) arrives: nothing was decrypted.
    result = curl(proxy, https(sites, "example.org"), cacert=sites.ca.cert_path)
    assert codes(result) == (200, 200)
    assert "hello from the stand-in site" in body(result)


def test_unguarded_host_is_not_logged(run_proxy, sites):
    proxy = run_proxy(IN_LESSON)
    curl(proxy, https(sites, "www.example.org"), cacert=sites.ca.cert_path)
    curl(proxy, https(sites, "www.instagram.com"), cacert=sites.ca.cert_path)
    proxy.stop()
    logged = proxy.stderr() + "".join(p.read_text() for p in proxy.data_dir.glob("*.json"))
    assert "example.org" not in logged
    assert "www.instagram.com" not in logged


@pytest.mark.parametrize("moment", [IN_BREAK], ids=["break"])
def test_guarded_host_outside_lessons_is_tunnelled(run_proxy, sites, moment):
    proxy = run_proxy(moment)
    result = curl(proxy, https(sites, "www.youtube.com"), cacert=sites.ca.cert_path)
    assert codes(result) == (200, 200)


def test_a_holiday_opens_guarded_hosts(run_proxy, sites, school):
    school.policy.write_text(
        school.policy.read_text().replace(
            "media_uploads: block", "media_uploads: block\nholidays:\n  extra: [2026-12-01]"
        )
    )
    proxy = run_proxy(IN_LESSON)
    assert codes(curl(proxy, https(sites, "www.youtube.com"), cacert=sites.ca.cert_path)) == (200, 200)


def test_an_applying_token_opens_its_service_only(run_proxy, sites, school):
    school.set_tokens([school.token(IN_LESSON, services=("youtube",))])
    proxy = run_proxy(IN_LESSON)
    assert codes(curl(proxy, https(sites, "www.youtube.com"), cacert=sites.ca.cert_path)) == (200, 200)
    assert codes(curl(proxy, https(sites, "www.instagram.com"), cacert=sites.ca.cert_path))[0] == 403


def test_allow_listed_subdomain_stays_open_in_a_lesson(run_proxy, sites):
    proxy = run_proxy(IN_LESSON)
    assert codes(curl(proxy, https(sites, "school.youtube.com"), cacert=sites.ca.cert_path)) == (200, 200)


@pytest.mark.parametrize(
    "extra",
    [
        [],  # absolute-form, HTTP/1.1
        ["-0"],  # HTTP/1.0
        ["-H", "Host:"],  # no Host header at all
        ["-H", "Host: WWW.Instagram.COM."],  # odd spelling of the same host
    ],
    ids=["absolute-form", "http-1.0", "no-host", "odd-host"],
)
def test_plain_http_to_a_blocked_host_gets_the_same_verdict(run_proxy, sites, extra):
    proxy = run_proxy(IN_LESSON)
    before, _ = sites.http.recorder.snapshot()
    result = curl(proxy, http(sites, "www.instagram.com"), "-i", *extra)
    assert codes(result)[1] == 403
    assert "X-Classguard-Verdict: block" in result.stdout
    assert sites.http.recorder.snapshot()[0] == before


def test_a_host_header_naming_a_guarded_site_is_judged_by_it(run_proxy, sites):
    proxy = run_proxy(IN_LESSON)
    result = curl(proxy, http(sites, "example.org"), "-i", "-H", "Host: www.instagram.com")
    assert codes(result)[1] == 403


def _raw_request(proxy, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
        sock.sendall(request)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
    return b"".join(chunks)


def test_origin_form_request_to_the_proxy_does_not_reach_a_blocked_site(run_proxy, sites):
    proxy = run_proxy(IN_LESSON)
    before, _ = sites.http.recorder.snapshot()
    answer = _raw_request(proxy, b"GET / HTTP/1.1\r\nHost: www.instagram.com\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 4")
    assert sites.http.recorder.snapshot()[0] == before


def _tunnel_with_sni(proxy, target: str, sni: str, ca) -> bytes:
    """CONNECT to `target`, then start TLS naming `sni`: domain fronting."""
    sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    try:
        sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
        reply = sock.recv(4096)
        if not reply.startswith(b"HTTP/1.1 200"):
            return reply
        context = ssl.create_default_context(cafile=str(ca))
        context.check_hostname = False
        with context.wrap_socket(sock, server_hostname=sni) as tls:
            tls.sendall(f"GET / HTTP/1.1\r\nHost: {sni}\r\nConnection: close\r\n\r\n".encode())
            return tls.recv(4096)
    except (ssl.SSLError, ConnectionError, TimeoutError) as exc:
        return f"refused: {exc}".encode()
    finally:
        sock.close()


def test_sni_fronting_is_judged_by_the_guarded_name(run_proxy, sites):
    proxy = run_proxy(IN_LESSON)
    before, _ = sites.https.recorder.snapshot()
    answer = _tunnel_with_sni(proxy, f"example.org:{sites.https.port}", "www.instagram.com", sites.ca.cert_path)
    assert answer.startswith(b"refused")
    assert sites.https.recorder.snapshot()[0] == before


def test_ip_literal_connect_with_a_guarded_sni_is_blocked(run_proxy, sites):
    proxy = run_proxy(IN_LESSON)
    before, _ = sites.https.recorder.snapshot()
    answer = _tunnel_with_sni(proxy, f"127.0.0.1:{sites.https.port}", "instagram.com", sites.ca.cert_path)
    assert answer.startswith(b"refused")
    assert sites.https.recorder.snapshot()[0] == before


def test_ip_literal_connect_with_an_innocent_sni_passes(run_proxy, sites):
    proxy = run_proxy(IN_LESSON)
    answer = _tunnel_with_sni(proxy, f"127.0.0.1:{sites.https.port}", "example.org", sites.ca.cert_path)
    assert answer.startswith(b"HTTP/1.1 200")


def test_http_host_fronting_inside_a_tunnel_is_blocked(run_proxy, sites):
    proxy = run_proxy(IN_LESSON)
    seen_before = len(sites.http.recorder.snapshot()[1])
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
        sock.sendall(f"CONNECT example.org:{sites.http.port} HTTP/1.1\r\n\r\n".encode())
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET / HTTP/1.1\r\nHost: www.instagram.com\r\n\r\n")
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 403")
    assert b"X-Classguard-Verdict: block" in answer
    assert len(sites.http.recorder.snapshot()[1]) == seen_before
