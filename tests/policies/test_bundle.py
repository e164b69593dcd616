import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from policies.bundle import BundleError, safe_relative_path, sign_bundle, verify_bundle
from policies.keys import key_id
from policies.tokens import issue_token

KEY = Ed25519PrivateKey.generate()
TRUSTED = {key_id(KEY.public_key()): KEY.public_key()}


def test_round_trip_keeps_text_and_files():
    raw = sign_bundle(KEY, version=7, policy_text="version: 1\n", files={"timetables/g8.ics": "BEGIN"}, now=100)
    bundle = verify_bundle(raw, TRUSTED)
    assert (bundle.version, bundle.policy_text, dict(bundle.files), bundle.issued_at) == (
        7,
        "version: 1\n",
        {"timetables/g8.ics": "BEGIN"},
        100,
    )
    assert bundle.kid == key_id(KEY.public_key())


def test_an_edited_bundle_is_refused():
    raw = sign_bundle(KEY, version=1, policy_text="a", files={}, now=1)
    header, payload, signature = raw.split(".")
    forged_payload = jwt.utils.base64url_encode(jwt.utils.base64url_decode(payload).replace(b'"a"', b'"b"')).decode()
    with pytest.raises(BundleError, match="signature"):
        verify_bundle(f"{header}.{forged_payload}.{signature}", TRUSTED)


def test_an_untrusted_key_is_refused():
    other = Ed25519PrivateKey.generate()
    with pytest.raises(BundleError, match="not trusted"):
        verify_bundle(sign_bundle(other, version=1, policy_text="a", files={}, now=1), TRUSTED)


def test_a_token_is_not_a_bundle():
    token = issue_token(KEY, sub="t", kind="exception", groups=["g"], services=["x"], now=1, minutes=5, reason="r")
    with pytest.raises(BundleError, match="not a policy bundle"):
        verify_bundle(token, TRUSTED)


def test_alg_none_is_refused():
    raw = jwt.encode({"kind": "policy-bundle"}, None, algorithm="none")
    with pytest.raises(BundleError, match="alg"):
        verify_bundle(raw, TRUSTED)


@pytest.mark.parametrize("name", ["../etc/passwd", "/etc/passwd", "a/../../b", "", "policy.yaml", "a\\b"])
def test_file_names_that_would_escape_are_refused(name):
    with pytest.raises(BundleError):
        sign_bundle(KEY, version=1, policy_text="a", files={name: "x"}, now=1)


@given(st.text(min_size=1, max_size=30))
def test_any_accepted_name_stays_relative(name):
    try:
        path = safe_relative_path(name)
    except BundleError:
        return
    assert not path.is_absolute() and ".." not in path.parts
