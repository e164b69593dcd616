"""Signature checks without `cryptography`: the same answers as `cryptography`, every time."""

from __future__ import annotations

import sys

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from policies import ed25519
from policies.ed25519 import VerifyKey, as_verify_key, from_pem, to_pem

# RFC 8032 §7.1, tests 1 and 2: (public key, message, signature).
RFC8032 = [
    (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
]
# The order of the group: S + L is the same point arithmetic, but must be refused (malleability).
L = 2**252 + 27742317777372353535851937790883648493

openssl = ed25519._openssl_verifier()
BACKENDS = [pytest.param(ed25519._cryptography_verify, id="cryptography")]
if openssl is not None:
    BACKENDS.append(pytest.param(openssl, id="openssl"))


def test_linux_checks_with_the_openssl_python_already_has() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the OpenSSL route is for Linux; elsewhere cryptography checks")
    assert openssl is not None and ed25519.backend() == "openssl"


@pytest.mark.parametrize("verify", BACKENDS)
@pytest.mark.parametrize(("public", "message", "signature"), RFC8032)
def test_rfc8032_vectors(verify, public: str, message: str, signature: str) -> None:  # type: ignore[no-untyped-def]
    key, data, sig = bytes.fromhex(public), bytes.fromhex(message), bytes.fromhex(signature)
    assert verify(key, sig, data)
    assert not verify(key, sig, data + b"x")
    flipped = bytearray(sig)
    flipped[5] ^= 1
    assert not verify(key, bytes(flipped), data)


@pytest.mark.parametrize("verify", BACKENDS)
def test_a_non_canonical_s_is_refused(verify) -> None:  # type: ignore[no-untyped-def]
    public, message, signature = (bytes.fromhex(part) for part in RFC8032[0])
    s = int.from_bytes(signature[32:], "little") + L
    assert s < 2**256
    assert not verify(public, signature[:32] + s.to_bytes(32, "little"), message)


@settings(max_examples=60, deadline=None)
@given(
    message=st.binary(max_size=300),
    tamper=st.integers(0, 63),
    bit=st.integers(0, 7),
    noise=st.binary(min_size=96, max_size=96),
)
def test_openssl_and_cryptography_agree(message: bytes, tamper: int, bit: int, noise: bytes) -> None:
    private = Ed25519PrivateKey.generate()
    key = private.public_key().public_bytes_raw()
    good = private.sign(message)
    bad = bytearray(good)
    bad[tamper] ^= 1 << bit
    cases = [(key, good, message), (key, bytes(bad), message), (noise[:32], noise[32:], message)]
    for case in cases:
        answers = {verify(*case) for verify in (p.values[0] for p in BACKENDS)}
        assert len(answers) == 1, case
    assert VerifyKey(key).verify(good, message)
    assert not VerifyKey(key).verify(bytes(bad), message)
    assert not VerifyKey(key).verify(good[:63], message)


def test_pem_round_trip_matches_cryptography() -> None:
    public = Ed25519PrivateKey.generate().public_key()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    key = from_pem(pem)
    assert key == as_verify_key(public) and hash(key) == hash(as_verify_key(public))
    assert to_pem(key).encode("ascii") == pem


@pytest.mark.parametrize(
    "pem",
    [
        "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA!!!\n-----END PUBLIC KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n",  # header only
        "-----BEGIN CERTIFICATE-----\nMCowBQYDK2VwAyEA\n-----END CERTIFICATE-----\n",
    ],
)
def test_bad_pem_is_a_value_error(pem: str) -> None:
    with pytest.raises(ValueError):
        from_pem(pem)


def test_a_key_is_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        VerifyKey(b"\x00" * 31)
