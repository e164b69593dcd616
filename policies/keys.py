"""Ed25519 keys: PEM in and out, and the RFC 7638 key id (JWK thumbprint).

The kid is computed from the public key alone, so the console and every laptop that
holds the key derive the same id without having to agree on names.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from policies.ed25519 import VerifyKey, as_verify_key, from_pem, to_pem

if TYPE_CHECKING:  # `cryptography` only where private keys are handled (the console)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def key_id(public_key: VerifyKey | Ed25519PublicKey) -> str:
    """RFC 7638 thumbprint: base64url SHA-256 of the canonical JWK members, in order."""
    raw = as_verify_key(public_key).raw
    jwk = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": b64url(raw)}, separators=(",", ":"))
    return b64url(hashlib.sha256(jwk.encode("ascii")).digest())


def load_public_key(pem: bytes | str) -> VerifyKey:
    """An Ed25519 public key from PEM; ValueError for anything else."""
    return from_pem(pem)


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def public_pem(public_key: VerifyKey | Ed25519PublicKey) -> str:
    return to_pem(as_verify_key(public_key))


def write_key_pair(directory: Path) -> tuple[Path, Path]:
    """Create `signing-key.pem` (mode 0600, never readable by others, not even briefly)
    and `signing-key.pub.pem` in `directory`. Refuses to overwrite an existing key."""
    directory.mkdir(parents=True, exist_ok=True)
    private_path = directory / "signing-key.pem"
    public_path = directory / "signing-key.pub.pem"
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private_bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(private_bytes)
    public_path.write_text(public_pem(key.public_key()), encoding="ascii")
    return private_path, public_path
