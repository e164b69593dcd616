"""Checking a compact JWS signed with EdDSA (RFC 7515, RFC 8037): tokens and bundles.

Our own, not PyJWT's decode: PyJWT imports every algorithm it knows and `cryptography`'s
X.509 code with them, memory the laptop agent cannot spare for a check this narrow. The
rules are strict on purpose: base64url without padding or stray characters, header and
payload JSON objects without repeated names, `alg` exactly EdDSA (so `none`, and HS256
keyed with a public key, are refused before any key is touched), no `crit` extensions,
and the `kid` must name a trusted key. Signing stays with PyJWT, on the console.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from policies.ed25519 import VerifyKey, as_verify_key

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ALGORITHM: Final = "EdDSA"
_B64URL: Final = re.compile(r"[A-Za-z0-9_-]*")


class JwsError(ValueError):
    """Why a JWS is refused: `reason` is one of malformed, algorithm, unknown key, signature."""

    def __init__(self, reason: str, detail: str, kid: object = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.kid = kid  # the header's kid, for "unknown key"


def verify_compact(
    raw: object, trusted_keys: Mapping[str, VerifyKey | Ed25519PublicKey]
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(header, claims, kid) of a JWS whose signature a trusted key checks; JwsError otherwise."""
    # No length limit of its own: every step is linear, and a cap here could refuse a
    # bundle the sync client (8 MB) and the iCal reader (10 MB) accept.
    parts = raw.split(".") if isinstance(raw, str) else []
    if len(parts) != 3 or not all(_B64URL.fullmatch(part) for part in parts):
        raise JwsError("malformed", "not a JWT")  # three base64url parts joined by dots
    header = _json_object(_decode(parts[0]), "header")
    alg = header.get("alg")
    if alg != ALGORITHM:
        raise JwsError("algorithm", f"alg {alg!r} is not accepted, only {ALGORITHM}")
    if "crit" in header:
        raise JwsError("malformed", "critical header extensions are not supported")
    kid = header.get("kid")
    key = trusted_keys.get(kid) if isinstance(kid, str) else None
    if key is None or not isinstance(kid, str):
        raise JwsError("unknown key", f"kid {kid!r} is not a trusted key", kid)
    signed = f"{parts[0]}.{parts[1]}".encode("ascii")
    if not as_verify_key(key).verify(_decode(parts[2]), signed):
        raise JwsError("signature", "signature does not verify")
    return header, _json_object(_decode(parts[1]), "payload"), kid


def _decode(part: str) -> bytes:
    if len(part) % 4 == 1:  # no base64 text has this length
        raise JwsError("malformed", "a part is not base64url")
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_no_repeats)
    except (ValueError, RecursionError) as exc:  # RecursionError: "[[[[…" nested deep
        raise JwsError("malformed", f"the {what} is not JSON") from exc
    if not isinstance(value, dict):
        raise JwsError("malformed", f"the {what} is not a JSON object")
    return value


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("a name is repeated")  # two `kid`s or `exp`s: which one counts?
    return result
