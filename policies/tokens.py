"""Override tokens: JWTs signed with Ed25519, issued by the console, checked offline.

`issue_token` is the console's half; `verify_token` and `Token.rejection` are the
laptop's. The algorithm is pinned to EdDSA: `none`, HS256 keyed with the public key
and every other algorithm are refused before any key is touched (policies/jws.py).
Time is always passed in, so `now` is the only clock.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from policies.ed25519 import VerifyKey
from policies.jws import JwsError, verify_compact
from policies.keys import key_id

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ISSUER: Final = "classguard"
KINDS: Final = ("exception", "media", "lesson")
LEEWAY_SECONDS: Final = 30
ALL_SERVICES: Final = "*"
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


class TokenError(ValueError):
    """A token that must not be honoured; `reason` is a short word for logs and tests."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        super().__init__(f"{reason}: {detail}")


@dataclass(frozen=True)
class Token:
    """The verified claims of one token."""

    jti: str
    sub: str
    kind: str
    groups: frozenset[str]
    devices: frozenset[str]
    services: frozenset[str]
    iat: int
    nbf: int
    exp: int
    reason: str
    kid: str
    raw: str

    def covers_service(self, service: str) -> bool:
        return ALL_SERVICES in self.services or service in self.services

    def covers_device(self, group: str, device: str | None) -> bool:
        """In scope for this device: its group is named and, when the token names
        devices, so is this one. A caller that knows no device id gets no
        device-scoped token."""
        if group not in self.groups:
            return False
        return not self.devices or (device is not None and device in self.devices)

    def active_at(self, now: float) -> bool:
        """Leeway only before nbf, so that a token from a console whose clock runs a
        little ahead works at once; expiry is exact (fail closed)."""
        return self.nbf - LEEWAY_SECONDS <= now < self.exp

    def rejection(
        self,
        *,
        group: str,
        device: str | None,
        service: str,
        kind: str,
        now: float,
        max_minutes: int,
        revoked: Iterable[str] = (),
    ) -> str | None:
        """Why this token does not apply to the request, or None when it applies."""
        if self.jti in revoked:
            return "revoked"
        if self.kind != kind:
            return "kind"
        if self.exp - self.nbf > max_minutes * 60:
            return "lifetime"
        if now < self.nbf - LEEWAY_SECONDS:
            return "not yet valid"
        if now >= self.exp:
            return "expired"
        if group not in self.groups:
            return "group"
        if not self.covers_device(group, device):
            return "device"
        if not self.covers_service(service):
            return "service"
        return None


def issue_token(
    private_key: Ed25519PrivateKey,
    *,
    sub: str,
    kind: str,
    groups: Iterable[str],
    services: Iterable[str],
    now: int,
    minutes: int,
    reason: str,
    devices: Iterable[str] = (),
    jti: str | None = None,
) -> str:
    """Sign a token valid from `now` for `minutes`. Caps (max_minutes, a teacher's own
    groups) are the console's business; this only refuses what is malformed."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    payload = {
        "iss": ISSUER,
        "jti": jti or str(uuid.uuid4()),
        "sub": sub,
        "kind": kind,
        "groups": list(groups),
        "devices": list(devices),
        "services": list(services),
        "iat": now,
        "nbf": now,
        "exp": now + minutes * 60,
        "reason": reason,
    }
    _check_claims(payload)
    headers = {"kid": key_id(private_key.public_key())}
    import jwt  # signing is the console's; the laptop's agent never loads PyJWT

    return jwt.encode(payload, private_key, algorithm="EdDSA", headers=headers)


def verify_token(raw: str, trusted_keys: Mapping[str, VerifyKey | Ed25519PublicKey]) -> Token:
    """Check the signature against the trusted key its `kid` names and the claims'
    shape. Time, scope and revocation are checked per request by `Token.rejection`."""
    try:
        _, claims, kid = verify_compact(raw, trusted_keys)
    except JwsError as exc:
        raise TokenError(exc.reason, exc.detail) from exc
    _check_claims(claims)
    return Token(
        jti=claims["jti"],
        sub=claims["sub"],
        kind=claims["kind"],
        groups=frozenset(claims["groups"]),
        devices=frozenset(claims.get("devices", [])),
        services=frozenset(claims["services"]),
        iat=claims.get("iat", claims["nbf"]),
        nbf=claims["nbf"],
        exp=claims["exp"],
        reason=claims.get("reason", ""),
        kid=kid,
        raw=raw,
    )


def _check_claims(claims: Mapping[str, Any]) -> None:
    def bad(detail: str) -> TokenError:
        return TokenError("malformed", detail)

    if claims.get("iss") != ISSUER:
        raise bad(f"iss must be {ISSUER!r}")
    for name in ("jti", "sub"):
        if not isinstance(claims.get(name), str) or not claims[name]:
            raise bad(f"{name} must be a non-empty string")
    if claims.get("kind") not in KINDS:
        raise bad(f"kind must be one of {', '.join(KINDS)}")
    for name in ("nbf", "exp") + (("iat",) if "iat" in claims else ()):
        value = claims.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad(f"{name} must be a number of seconds")
    if claims["exp"] <= claims["nbf"]:
        raise bad("exp must be after nbf")
    _check_names(claims.get("groups"), "groups", bad, allow_empty=False)
    _check_names(claims.get("services"), "services", bad, allow_empty=False, wildcard=True)
    devices = claims.get("devices", [])
    if not isinstance(devices, list) or not all(isinstance(d, str) and d for d in devices):
        raise bad("devices must be a list of device ids")
    if not isinstance(claims.get("reason", ""), str):
        raise bad("reason must be a string")


def _check_names(value: object, name: str, bad: Any, *, allow_empty: bool, wildcard: bool = False) -> None:
    if not isinstance(value, list) or (not value and not allow_empty):
        raise bad(f"{name} must be a list with at least one name")
    for item in value:
        if not isinstance(item, str) or not (_NAME.fullmatch(item) or (wildcard and item == ALL_SERVICES)):
            raise bad(f"{name} holds {json.dumps(item)}, which is not a name")
