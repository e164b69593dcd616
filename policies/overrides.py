"""The set of verified tokens and revocations that decide() consults.

Built from the overrides file (`{"tokens": [jwt, ...], "revoked": [jti, ...]}`) that
the CLI, the proxy and the agent share. A token that fails verification is dropped and
reported, never fatal: one forged token must not disable the teacher's real ones.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from policies.ed25519 import VerifyKey
from policies.tokens import ALL_SERVICES, Token, TokenError, verify_token

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


@dataclass(frozen=True)
class Overrides:
    """Verified tokens, indexed by (group, kind) so a decision looks at only a few."""

    tokens: tuple[Token, ...] = ()
    revoked: frozenset[str] = frozenset()
    _index: Mapping[tuple[str, str], tuple[Token, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _named: Mapping[str, frozenset[str]] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        index: dict[tuple[str, str], list[Token]] = {}
        for token in self.tokens:
            if token.jti in self.revoked:
                continue
            for group in token.groups:
                index.setdefault((group, token.kind), []).append(token)
        object.__setattr__(self, "_index", {k: tuple(v) for k, v in index.items()})
        named: dict[str, set[str]] = {}
        for (group, _), tokens in index.items():
            named.setdefault(group, set()).update(s for token in tokens for s in token.services)
        object.__setattr__(self, "_named", {group: frozenset(names) for group, names in named.items()})

    def touches(self, group: str, service: str) -> bool:
        """Whether any unrevoked token for `group` could concern `service`; when none
        does, decide() follows the timetable alone (its fast path)."""
        named = self._named.get(group)
        return named is not None and (service in named or ALL_SERVICES in named)

    def candidates(self, group: str, kind: str) -> tuple[Token, ...]:
        """Unrevoked tokens of `kind` for `group`; the caller checks time and scope."""
        return self._index.get((group, kind), ())


NO_OVERRIDES = Overrides()


@dataclass(frozen=True)
class LoadedOverrides:
    overrides: Overrides
    rejected: tuple[str, ...]  # one line per token that was dropped, for the log


def parse_overrides(document: object, trusted_keys: Mapping[str, VerifyKey | Ed25519PublicKey]) -> LoadedOverrides:
    """Verify every token in a decoded overrides document. ValueError if its shape is wrong."""
    if not isinstance(document, dict) or set(document) - {"tokens", "revoked"}:
        raise ValueError('expected {"tokens": [...], "revoked": [...]}')
    raw_tokens = document.get("tokens", [])
    revoked = document.get("revoked", [])
    if not isinstance(raw_tokens, list) or not all(isinstance(t, str) for t in raw_tokens):
        raise ValueError('"tokens" must be a list of strings')
    if not isinstance(revoked, list) or not all(isinstance(j, str) for j in revoked):
        raise ValueError('"revoked" must be a list of token ids')
    tokens: list[Token] = []
    rejected: list[str] = []
    for position, raw in enumerate(raw_tokens):
        try:
            tokens.append(verify_token(raw, trusted_keys))
        except TokenError as exc:
            rejected.append(f"tokens[{position}]: {exc}")
    return LoadedOverrides(Overrides(tuple(tokens), frozenset(revoked)), tuple(rejected))


def load_overrides(path: Path, trusted_keys: Mapping[str, VerifyKey | Ed25519PublicKey]) -> LoadedOverrides:
    """Read and verify an overrides file. ValueError (with the file name) if unreadable."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return parse_overrides(document, trusted_keys)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
