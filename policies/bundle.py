"""The signed policy bundle: how a school's policy travels from the console to laptops.

A bundle is a compact JWS (EdDSA, the same keys as tokens) whose payload carries the
policy file's text and the files it names (iCalendar timetables), so a laptop holds
one self-checking object and notices an edited cache. Its `kind` is `policy-bundle`,
which no token has, so neither can be passed off as the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Final

from policies.ed25519 import VerifyKey
from policies.jws import JwsError, verify_compact
from policies.keys import key_id
from policies.tokens import ISSUER

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

BUNDLE_KIND: Final = "policy-bundle"
POLICY_NAME: Final = "policy.yaml"


class BundleError(ValueError):
    """A bundle that must not be used: bad signature, unknown key, wrong shape."""


@dataclass(frozen=True)
class PolicyBundle:
    version: int
    policy_text: str
    files: Mapping[str, str] = field(default_factory=dict)
    issued_at: int = 0
    kid: str = ""
    raw: str = ""


def safe_relative_path(name: str) -> PurePosixPath:
    """A bundle's file name, checked to stay inside the directory a laptop writes it to
    (next to `policy.yaml`, which the policy's relative `ical:` paths are resolved from)."""
    pure = PurePosixPath(name)
    if not name or pure.is_absolute() or ".." in pure.parts or "\\" in name or pure.name in ("", POLICY_NAME):
        raise BundleError(f"file name {name!r} is not a plain relative path")
    return pure


def sign_bundle(
    private_key: Ed25519PrivateKey, *, version: int, policy_text: str, files: Mapping[str, str], now: int
) -> str:
    for name in files:
        safe_relative_path(name)
    payload = {
        "iss": ISSUER,
        "kind": BUNDLE_KIND,
        "version": version,
        "iat": now,
        "policy": policy_text,
        "files": dict(files),
    }
    headers = {"kid": key_id(private_key.public_key()), "typ": "classguard-policy"}
    import jwt  # signing is the console's; the laptop's agent never loads PyJWT

    return jwt.encode(payload, private_key, algorithm="EdDSA", headers=headers)


def verify_bundle(raw: str, trusted_keys: Mapping[str, VerifyKey | Ed25519PublicKey]) -> PolicyBundle:
    try:
        _, claims, kid = verify_compact(raw, trusted_keys)
    except JwsError as exc:
        raise BundleError(_refusal(exc)) from exc
    return _bundle_from_claims(claims, kid, raw)


def _refusal(error: JwsError) -> str:
    if error.reason == "unknown key":
        return f"the policy bundle is signed by key {error.kid!r}, which is not trusted"
    if error.reason == "signature":
        return "the policy bundle's signature does not verify"
    if error.reason == "algorithm":
        return f"the policy bundle's {error.detail}"
    return f"the policy bundle cannot be read ({error.detail})"


def _bundle_from_claims(claims: Mapping[str, Any], kid: str, raw: str) -> PolicyBundle:
    if claims.get("iss") != ISSUER or claims.get("kind") != BUNDLE_KIND:
        raise BundleError("this is not a policy bundle")
    version, text, files, issued = (claims.get(k) for k in ("version", "policy", "files", "iat"))
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise BundleError("the policy bundle's version must be a whole number ≥ 0")
    if not isinstance(text, str):
        raise BundleError("the policy bundle has no policy text")
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise BundleError("the policy bundle's files must map names to text")
    for name in files:
        safe_relative_path(name)
    return PolicyBundle(version, text, files, issued if isinstance(issued, int) else 0, kid, raw)
