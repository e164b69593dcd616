"""The compact-JWS check the laptop uses instead of PyJWT's decode: it accepts what the
console signs (with PyJWT), the same claims PyJWT reads, and refuses everything odd."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Callable

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.jws import JwsError, verify_compact
from policies.keys import key_id, load_public_key, public_pem
from tests.conftest import REPO

KEY = Ed25519PrivateKey.generate()
KID = key_id(KEY.public_key())
TRUSTED = {KID: load_public_key(public_pem(KEY.public_key()))}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_by_hand(header: str | bytes, payload: str | bytes, sign: Callable[[bytes], bytes] = KEY.sign) -> str:
    head = b64(header.encode() if isinstance(header, str) else header)
    body = b64(payload.encode() if isinstance(payload, str) else payload)
    return f"{head}.{body}.{b64(sign(f'{head}.{body}'.encode()))}"


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.text(max_size=10), json_values, max_size=6))
def test_what_pyjwt_signs_reads_back_as_pyjwt_reads_it(claims: dict) -> None:  # type: ignore[type-arg]
    raw = jwt.encode(claims, KEY, algorithm="EdDSA", headers={"kid": KID})
    header, read, kid = verify_compact(raw, TRUSTED)
    assert read == jwt.decode(raw, KEY.public_key(), algorithms=["EdDSA"], options={"verify_signature": True})
    assert kid == KID and header["alg"] == "EdDSA"


@given(st.text(max_size=400))
def test_garbage_is_refused_as_malformed_never_a_crash(raw: str) -> None:
    with pytest.raises(JwsError):
        verify_compact(raw, TRUSTED)


@pytest.mark.parametrize(
    ("header", "payload", "reason"),
    [
        ('{"alg":"EdDSA","kid":"%s","kid":"someone-else"}' % KID, "{}", "malformed"),  # noqa: UP031
        ('{"alg":"EdDSA","kid":"%s","crit":["exp"]}' % KID, "{}", "malformed"),  # noqa: UP031
        ('{"alg":"EdDSA","kid":"%s"}' % KID, '{"exp":1,"exp":2}', "malformed"),  # noqa: UP031
        ('{"alg":"EdDSA","kid":"%s"}' % KID, "[1, 2]", "malformed"),  # noqa: UP031
        ('{"alg":"EdDSA","kid":"%s"}' % KID, "[" * 100_000 + "]" * 100_000, "malformed"),  # noqa: UP031
        ('{"alg":"EdDSA","kid":"%s"}' % KID, b"\xff\xfe", "malformed"),  # noqa: UP031
        ('{"alg":"EdDSA","kid":["%s"]}' % KID, "{}", "unknown key"),  # noqa: UP031
        ('{"alg":"eddsa","kid":"%s"}' % KID, "{}", "algorithm"),  # noqa: UP031
        ('{"kid":"%s"}' % KID, "{}", "algorithm"),  # noqa: UP031
        ("[]", "{}", "malformed"),
    ],
    ids=["repeated-kid", "crit", "repeated-exp", "array", "deep", "not-utf8", "kid-list", "alg-case", "no-alg", "hdr"],
)
def test_signed_but_odd_is_refused(header: str, payload: str | bytes, reason: str) -> None:
    with pytest.raises(JwsError) as caught:
        verify_compact(sign_by_hand(header, payload), TRUSTED)
    assert caught.value.reason == reason


def test_base64_is_strict() -> None:
    raw = sign_by_hand('{"alg":"EdDSA","kid":"%s"}' % KID, '{"a":1}')  # noqa: UP031
    assert verify_compact(raw, TRUSTED)[1] == {"a": 1}
    head, body, signature = raw.split(".")
    for odd in (f"{head}=.{body}.{signature}", f"{head}.{body}.{signature}=", f"{head} .{body}.{signature}",
                f"{head}.{body}.{signature}.", f"{head}.{body}.{signature[:-1]}+"):  # fmt: skip
        with pytest.raises(JwsError) as caught:
            verify_compact(odd, TRUSTED)
        assert caught.value.reason in ("malformed", "signature")


def test_the_signature_covers_header_and_payload() -> None:
    raw = sign_by_hand('{"alg":"EdDSA","kid":"%s"}' % KID, '{"services":["youtube"]}')  # noqa: UP031
    head, _, signature = raw.split(".")
    forged = f"{head}.{b64(b'{"services":["*"]}')}.{signature}"
    with pytest.raises(JwsError) as caught:
        verify_compact(forged, TRUSTED)
    assert caught.value.reason == "signature"
    stranger = Ed25519PrivateKey.generate()
    with pytest.raises(JwsError) as caught:
        verify_compact(sign_by_hand('{"alg":"EdDSA","kid":"%s"}' % KID, "{}", stranger.sign), TRUSTED)  # noqa: UP031
    assert caught.value.reason == "signature"


def test_checking_loads_neither_pyjwt_nor_cryptography() -> None:
    # What the laptop agent runs: the memory goal depends on it.
    raw = jwt.encode({"a": 1}, KEY, algorithm="EdDSA", headers={"kid": KID})
    pem = public_pem(KEY.public_key())
    script = (
        "import sys, json\n"
        "from policies.jws import verify_compact\n"
        "from policies.keys import key_id, load_public_key\n"
        f"key = load_public_key({pem!r})\n"
        f"print(json.dumps(verify_compact({raw!r}, {{key_id(key): key}})[1]))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jwt', 'cryptography')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert json.loads(out[0]) == {"a": 1}
    if sys.platform.startswith("linux"):
        assert out[1] == "[]"
