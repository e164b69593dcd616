"""The per-install CA can vouch for guarded domains only: OpenSSL itself refuses a
certificate it signed for any other name."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from policies.clock import system_now
from proxy.ca import ca_paths, ensure_ca, permitted_domains

GUARDED = ["instagram.com", "youtube.com"]


def leaf_signed_by_ca(data_dir: Path, name: str) -> tuple[bytes, bytes]:
    combined = ca_paths(data_dir)[1].read_bytes()
    ca_key = serialization.load_pem_private_key(combined, password=None)
    ca_cert = x509.load_pem_x509_certificate((data_dir / "ca.pem").read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = system_now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def handshake(tmp_path: Path, data_dir: Path, name: str) -> None:
    """A TLS server presenting a leaf for `name`; a client trusting only the CA."""
    cert, key = leaf_signed_by_ca(data_dir, name)
    (tmp_path / "leaf.pem").write_bytes(cert)
    (tmp_path / "leaf.key").write_bytes(key)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        connection, _ = listener.accept()
        try:
            with server_context.wrap_socket(connection, server_side=True):
                pass
        except (ssl.SSLError, OSError):
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client_context = ssl.create_default_context(cafile=str(data_dir / "ca.pem"))
    try:
        with (
            socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
            client_context.wrap_socket(raw, server_hostname=name),
        ):
            pass
    finally:
        listener.close()
        thread.join(5)


def test_the_ca_is_constrained_to_the_guarded_domains(tmp_path):
    cert = ensure_ca(tmp_path, GUARDED, system_now())
    assert permitted_domains(cert) == frozenset(GUARDED)
    constraints = cert.extensions.get_extension_for_class(x509.NameConstraints)
    assert constraints.critical


def test_openssl_accepts_a_guarded_name(tmp_path):
    ensure_ca(tmp_path / "d", GUARDED, system_now())
    handshake(tmp_path, tmp_path / "d", "www.instagram.com")


@pytest.mark.parametrize("name", ["example.org", "notinstagram.com", "instagram.com.evil.example"])
def test_openssl_refuses_any_other_name_even_with_the_ca_key(tmp_path, name):
    ensure_ca(tmp_path / "d", GUARDED, system_now())
    with pytest.raises(ssl.SSLCertVerificationError, match=r"(?i)name constraint|permitted"):
        handshake(tmp_path, tmp_path / "d", name)


def test_the_key_file_is_private_and_the_ca_is_kept(tmp_path):
    first = ensure_ca(tmp_path, GUARDED, system_now())
    assert ca_paths(tmp_path)[1].stat().st_mode & 0o077 == 0
    again = ensure_ca(tmp_path, [*GUARDED, "tiktok.com"], system_now())
    assert again == first  # the laptop trusts exactly this certificate; it is not replaced


def test_a_ca_needs_a_domain(tmp_path):
    with pytest.raises(ValueError, match="at least one"):
        ensure_ca(tmp_path, [], system_now())
