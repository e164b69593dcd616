from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from policies.keys import key_id, load_public_key
from policies.tokens import Token, TokenError, issue_token, verify_token

VECTORS = json.loads((Path(__file__).parent / "vectors" / "tokens.json").read_text())
NOW = 1_796_112_000


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_design_vectors(case: dict) -> None:
    keys = {}
    for pem in VECTORS["trusted_public_keys"]:
        key = load_public_key(pem)
        keys[key_id(key)] = key
    assert list(keys) == [VECTORS["trusted_kid"]]  # our RFC 7638 thumbprint agrees
    request = case["request"]
    try:
        token = verify_token(case["token"], keys)
    except TokenError:
        accepted = False
    else:
        accepted = (
            token.rejection(
                group=request["group"],
                device=request.get("device"),
                service=request["service"],
                kind=request["kind"],
                now=VECTORS["now"],
                max_minutes=VECTORS["max_minutes"],
                revoked=request.get("revoked", []),
            )
            is None
        )
    assert accepted is case["accept"]


@pytest.fixture(scope="module")
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def trusted(signing_key: Ed25519PrivateKey) -> dict:
    return {key_id(signing_key.public_key()): signing_key.public_key()}


def issue(signing_key: Ed25519PrivateKey, **changes: object) -> str:
    claims: dict = dict(
        sub="juf-anna", kind="exception", groups=["groep-7"], services=["youtube"], now=NOW, minutes=30, reason="les"
    )
    claims.update(changes)
    return issue_token(signing_key, **claims)


def applies(token: Token, **changes: object) -> str | None:
    request: dict = dict(
        group="groep-7", device=None, service="youtube", kind="exception", now=NOW + 60, max_minutes=120
    )
    request.update(changes)
    return token.rejection(**request)


def test_a_valid_token_applies(signing_key: Ed25519PrivateKey, trusted: dict) -> None:
    token = verify_token(issue(signing_key), trusted)
    assert applies(token) is None
    assert (token.exp - token.nbf, token.groups, token.kind) == (1800, frozenset({"groep-7"}), "exception")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _sign_by_hand(header: dict, payload: dict, sign: Callable[[bytes], bytes]) -> str:
    """A JWT built without PyJWT's checks, as a forger (or a broken console) would."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{_b64(sign(signing_input.encode()))}"


def _tamper(raw: str, **claims: object) -> str:
    header, payload, signature = raw.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=="))
    body.update(claims)
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_a_modified_payload_is_rejected(signing_key: Ed25519PrivateKey, trusted: dict) -> None:
    with pytest.raises(TokenError) as caught:
        verify_token(_tamper(issue(signing_key), services=["*"]), trusted)
    assert caught.value.reason == "signature"


def test_alg_none_is_rejected(signing_key: Ed25519PrivateKey, trusted: dict) -> None:
    raw = issue(signing_key)
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    unsigned = f"{header}.{raw.split('.')[1]}."
    with pytest.raises(TokenError) as caught:
        verify_token(unsigned, trusted)
    assert caught.value.reason == "algorithm"


def test_hs256_keyed_with_the_public_key_is_rejected(signing_key: Ed25519PrivateKey, trusted: dict) -> None:
    pem = signing_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    payload = json.loads(base64.urlsafe_b64decode(issue(signing_key).split(".")[1] + "=="))
    # PyJWT refuses a PEM as an HMAC secret; sign by hand, as an attacker would.
    header = {"alg": "HS256", "typ": "JWT", "kid": key_id(signing_key.public_key())}
    forged = _sign_by_hand(header, payload, lambda data: hmac.new(pem, data, hashlib.sha256).digest())
    with pytest.raises(TokenError) as caught:
        verify_token(forged, trusted)
    assert caught.value.reason == "algorithm"


def test_an_unknown_kid_is_rejected(trusted: dict) -> None:
    stranger = Ed25519PrivateKey.generate()
    with pytest.raises(TokenError) as caught:
        verify_token(issue(stranger), trusted)
    assert caught.value.reason == "unknown key"


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"now": NOW + 1800}, "expired"),
        ({"now": NOW - 31}, "not yet valid"),
        ({"max_minutes": 29}, "lifetime"),
        ({"group": "groep-8"}, "group"),
        ({"service": "instagram"}, "service"),
        ({"kind": "media"}, "kind"),
        ({"revoked": ["the-jti"]}, "revoked"),
    ],
)
def test_each_reason_to_refuse(signing_key: Ed25519PrivateKey, trusted: dict, changes: dict, why: str) -> None:
    token = verify_token(issue(signing_key, jti="the-jti"), trusted)
    assert applies(token, **changes) == why


def test_a_token_for_listed_devices_only_applies_to_them(signing_key: Ed25519PrivateKey, trusted: dict) -> None:
    token = verify_token(issue(signing_key, devices=["laptop-12"]), trusted)
    assert applies(token, device="laptop-12") is None
    assert applies(token, device="laptop-13") == "device"
    assert applies(token, device=None) == "device"


def test_media_and_exception_kinds_do_not_stand_in_for_each_other(
    signing_key: Ed25519PrivateKey, trusted: dict
) -> None:
    media = verify_token(issue(signing_key, kind="media"), trusted)
    exception = verify_token(issue(signing_key), trusted)
    assert applies(media, kind="exception") == "kind"
    assert applies(exception, kind="media") == "kind"
    assert applies(media, kind="media") is None


def test_a_little_clock_skew_before_nbf_is_forgiven_but_expiry_is_exact(
    signing_key: Ed25519PrivateKey, trusted: dict
) -> None:
    token = verify_token(issue(signing_key), trusted)
    assert applies(token, now=NOW - 30) is None
    assert applies(token, now=token.exp - 1) is None
    assert applies(token, now=token.exp) == "expired"


def test_tokens_carry_the_rfc7638_kid_of_the_signing_key(signing_key: Ed25519PrivateKey) -> None:
    header = jwt.get_unverified_header(issue(signing_key))
    assert header == {"alg": "EdDSA", "typ": "JWT", "kid": key_id(signing_key.public_key())}


@given(st.text(max_size=300))
def test_garbage_is_rejected_with_a_reason_never_a_crash(raw: str) -> None:
    with pytest.raises(TokenError):
        verify_token(raw, {})


@given(
    st.dictionaries(
        st.sampled_from(["groups", "services", "exp", "nbf", "kind", "jti", "iss"]),
        st.none() | st.integers() | st.text(max_size=5) | st.lists(st.text(max_size=5), max_size=2),
    )
)
def test_signed_but_malformed_claims_are_rejected(claims: dict) -> None:
    key = Ed25519PrivateKey.generate()
    good = {"iss": "classguard", "jti": "j", "sub": "s", "kind": "exception", "groups": ["g"],
            "services": ["youtube"], "nbf": NOW, "exp": NOW + 60}  # fmt: skip
    payload = {**good, **claims}
    raw = _sign_by_hand({"alg": "EdDSA", "typ": "JWT", "kid": key_id(key.public_key())}, payload, key.sign)
    trusted = {key_id(key.public_key()): key.public_key()}
    try:
        token = verify_token(raw, trusted)
    except TokenError as exc:
        assert exc.reason == "malformed"
    else:
        assert isinstance(token.exp, int) and token.groups and token.services
