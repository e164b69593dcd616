"""The per-install CA that lets the proxy show a block page over HTTPS.

It is generated on the laptop, never leaves it, and is name-constrained (RFC 5280
Name Constraints, critical) to the guarded domains: even if a pupil copied its key,
browsers and OpenSSL would refuse any certificate it signed for another site. IP
addresses are excluded outright. `DIR/ca.pem` is the certificate to trust;
`DIR/mitmproxy/mitmproxy-ca.pem` (key and certificate, mode 0600) is what mitmproxy
signs with.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CERT_NAME = "ca.pem"
MITMPROXY_DIR = "mitmproxy"
MITMPROXY_CA = "mitmproxy-ca.pem"
VALID_DAYS = 5 * 365


def ca_paths(data_dir: Path) -> tuple[Path, Path]:
    """(certificate to trust, mitmproxy's key+certificate file)."""
    return data_dir / CERT_NAME, data_dir / MITMPROXY_DIR / MITMPROXY_CA


def ensure_ca(data_dir: Path, domains: Iterable[str], now: dt.datetime) -> x509.Certificate:
    """Load the CA in `data_dir`, or create it for `domains` if there is none.

    An existing CA is kept even when the guarded domains have grown since (the laptop
    trusts exactly that certificate); `permitted_domains` tells which names it can
    vouch for, so the proxy intercepts only those.
    """
    cert_path, key_path = ca_paths(data_dir)
    if cert_path.exists() and key_path.exists():
        return x509.load_pem_x509_certificate(cert_path.read_bytes())
    cert, key_pem = create_ca(sorted(set(domains)), now)
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _write_private(key_path, key_pem + cert_pem)
    cert_path.write_bytes(cert_pem)
    return cert


def create_ca(domains: list[str], now: dt.datetime) -> tuple[x509.Certificate, bytes]:
    if not domains:
        raise ValueError("a CA needs at least one guarded domain to be constrained to")
    # P-256: mitmproxy signs each site certificate with the CA's own key, and an ECDSA
    # handshake costs a fraction of an RSA-2048 one (the block page's latency).
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "classguard block page CA (this laptop only)"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "classguard"),
        ]
    )
    constraints = x509.NameConstraints(
        permitted_subtrees=[x509.DNSName(domain) for domain in domains],
        excluded_subtrees=[
            x509.IPAddress(ipaddress.ip_network("0.0.0.0/0")),
            x509.IPAddress(ipaddress.ip_network("::/0")),
        ],
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(constraints, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    return cert, key_pem


def permitted_domains(cert: x509.Certificate) -> frozenset[str]:
    """The DNS names the CA may sign for (each covers its subdomains)."""
    try:
        constraints = cert.extensions.get_extension_for_class(x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return frozenset()  # an unconstrained CA is never used for anything
    return frozenset(
        entry.value.lower() for entry in constraints.permitted_subtrees or () if isinstance(entry, x509.DNSName)
    )


def _write_private(path: Path, data: bytes) -> None:
    # Created 0600 from the start: never readable by others, not even briefly.
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
