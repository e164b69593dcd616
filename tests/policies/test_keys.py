"""Ed25519 keys: the RFC 7638 kid, computed here independently, and PEM loading."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, rsa, x25519
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.ed25519 import VerifyKey, as_verify_key
from policies.keys import key_id, load_private_key, load_public_key, public_pem, write_key_pair

VECTORS = json.loads((Path(__file__).parent / "vectors" / "tokens.json").read_text(encoding="utf-8"))

# RFC 8037, appendix A.1-A.3: an Ed25519 key and its RFC 7638 thumbprint.
RFC8037_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def _unpadded_b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def rfc7638_thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638 §3: the required members only (for OKP: crv, kty, x), keys in
    lexicographic order, no whitespace, UTF-8, SHA-256, base64url without padding."""
    required = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n")}[jwk["kty"]]
    members = ",".join(f'"{name}":"{jwk[name]}"' for name in sorted(required))
    return _unpadded_b64url(hashlib.sha256(("{" + members + "}").encode("utf-8")).digest())


def jwk_of(public_key: Ed25519PublicKey | VerifyKey) -> dict[str, str]:
    raw = as_verify_key(public_key).raw
    # Extra members (use, alg, kid) must not change the thumbprint.
    return {"x": _unpadded_b64url(raw), "use": "sig", "kty": "OKP", "alg": "EdDSA", "crv": "Ed25519"}


def test_the_rfc8037_example_key() -> None:
    private = Ed25519PrivateKey.from_private_bytes(_b64url_decode(RFC8037_D))
    public = private.public_key()
    assert jwk_of(public)["x"] == RFC8037_X
    assert rfc7638_thumbprint(jwk_of(public)) == RFC8037_THUMBPRINT  # our reference is right
    assert key_id(public) == RFC8037_THUMBPRINT


def test_the_design_vectors_trusted_kid() -> None:
    key = load_public_key(VECTORS["trusted_public_keys"][0])
    assert key_id(key) == VECTORS["trusted_kid"]
    assert rfc7638_thumbprint(jwk_of(key)) == VECTORS["trusted_kid"]


@settings(max_examples=50, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_the_kid_is_the_rfc7638_thumbprint_of_any_key(seed: bytes) -> None:
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    kid = key_id(public)
    assert kid == rfc7638_thumbprint(jwk_of(public))
    assert len(kid) == 43  # 32 bytes, base64url, no padding
    assert "=" not in kid
    # Derived from the public key alone: the same after a PEM round trip.
    assert key_id(load_public_key(public_pem(public))) == kid


def test_different_keys_have_different_kids() -> None:
    kids = {key_id(Ed25519PrivateKey.generate().public_key()) for _ in range(20)}
    assert len(kids) == 20


def test_public_pem_round_trip_accepts_str_and_bytes() -> None:
    public = Ed25519PrivateKey.generate().public_key()
    pem = public_pem(public)
    assert pem.startswith("-----BEGIN PUBLIC KEY-----\n")
    assert key_id(load_public_key(pem)) == key_id(public)
    assert key_id(load_public_key(pem.encode("ascii"))) == key_id(public)


def _pem(public_key: object) -> bytes:
    return public_key.public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key(),
        lambda: ec.generate_private_key(ec.SECP256R1()).public_key(),
        lambda: ed448.Ed448PrivateKey.generate().public_key(),
        lambda: x25519.X25519PrivateKey.generate().public_key(),
    ],
    ids=["rsa", "ec-p256", "ed448", "x25519"],
)
def test_only_ed25519_public_keys_load(make: object) -> None:
    pem = _pem(make())  # type: ignore[operator]
    with pytest.raises(ValueError, match="Ed25519"):
        load_public_key(pem)
    with pytest.raises(ValueError, match="Ed25519"):
        load_public_key(pem.decode("ascii"))


@pytest.mark.parametrize(
    "garbage", [b"", b"not a pem", b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"]
)
def test_garbage_is_a_value_error(garbage: bytes) -> None:
    with pytest.raises(ValueError):
        load_public_key(garbage)


def test_a_private_key_is_not_a_public_key() -> None:
    private_pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ValueError):
        load_public_key(private_pem)


def test_only_ed25519_private_keys_load() -> None:
    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ValueError, match="Ed25519"):
        load_private_key(ec_pem)


def test_write_key_pair(tmp_path: Path) -> None:
    private_path, public_path = write_key_pair(tmp_path / "new" / "dir")
    assert private_path.name == "signing-key.pem"
    assert public_path.name == "signing-key.pub.pem"
    assert private_path.stat().st_mode & 0o777 == 0o600
    private = load_private_key(private_path.read_bytes())
    assert key_id(load_public_key(public_path.read_bytes())) == key_id(private.public_key())
    before = private_path.read_bytes()
    with pytest.raises(FileExistsError):
        write_key_pair(tmp_path / "new" / "dir")
    assert private_path.read_bytes() == before
