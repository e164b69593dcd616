"""The policy cache: the last verified sync, kept so the laptop enforces offline.

One JSON document (bundle JWS, tokens, revocations, trusted time) sealed with an HMAC
keyed by the device secret, written atomically twice: `cache.json`, then, once it reads
back verified, `cache.good.json`. On load every check is redone (HMAC, the bundle's
signature, each token's); a cache that fails falls back to the last good copy, and the
problem is reported, never fatal: an edited cache must not stop enforcement.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from agent.atomic import write_json_atomic
from policies.bundle import BundleError, PolicyBundle, verify_bundle
from policies.ed25519 import VerifyKey
from policies.overrides import LoadedOverrides, parse_overrides

FORMAT: Final = 1


@dataclass(frozen=True)
class SyncState:
    """A verified sync: what the console sent, checked."""

    bundle: PolicyBundle
    tokens: tuple[str, ...]
    revoked: tuple[str, ...]
    server_time: float = field(compare=False)  # changes every sync; not a change of policy
    overrides: LoadedOverrides = field(compare=False, default=None)  # type: ignore[assignment]

    @property
    def version(self) -> int:
        return self.bundle.version

    def overrides_document(self) -> dict[str, list[str]]:
        return {"tokens": list(self.tokens), "revoked": list(self.revoked)}


class CacheError(ValueError):
    """A cache file that must not be used."""


def verify_sync(
    policy: str, tokens: object, revoked: object, server_time: object, keys: Mapping[str, VerifyKey]
) -> SyncState:
    """Check what the console (or the cache) holds. BundleError/ValueError if unusable."""
    bundle = verify_bundle(policy, keys)
    loaded = parse_overrides({"tokens": tokens, "revoked": revoked}, keys)
    if not isinstance(server_time, int | float) or isinstance(server_time, bool):
        raise ValueError("server_time must be a number of Unix seconds")
    assert isinstance(tokens, list) and isinstance(revoked, list)  # parse_overrides checked
    return SyncState(bundle, tuple(tokens), tuple(revoked), float(server_time), loaded)


class PolicyCache:
    def __init__(self, path: Path, good_path: Path, secret: str, keys: Mapping[str, VerifyKey]) -> None:
        self.path = path
        self.good_path = good_path
        self._key = hashlib.sha256(b"classguard-cache\0" + secret.encode("utf-8")).digest()
        self.keys = keys

    def save(self, state: SyncState, last_trusted: float) -> None:
        body = {
            "format": FORMAT,
            "policy": state.bundle.raw,
            "tokens": list(state.tokens),
            "revoked": list(state.revoked),
            "server_time": state.server_time,
            "last_trusted": last_trusted,
        }
        document = {**body, "mac": self._mac(body)}
        write_json_atomic(self.path, document)
        self._read(self.path)  # reads back verified before it becomes the fallback
        write_json_atomic(self.good_path, document)

    def load(self) -> tuple[SyncState, float, list[str]] | None:
        """(state, last trusted moment, problems) from the cache or its last good copy;
        None when neither exists or neither verifies (the problems are then raised)."""
        problems: list[str] = []
        for path in (self.path, self.good_path):
            if not path.exists():
                continue
            try:
                state, last = self._read(path)
            except CacheError as exc:
                problems.append(f"{path.name}: {exc}")
                continue
            if path == self.good_path and self.path.exists():
                problems.append(f"using the last good copy {path.name}")
                write_json_atomic(self.path, json.loads(path.read_text(encoding="utf-8")))
            return state, last, problems
        if problems:
            raise CacheError("; ".join(problems))
        return None

    def _read(self, path: Path) -> tuple[SyncState, float]:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CacheError(f"unreadable ({exc.__class__.__name__})") from exc
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise CacheError("not a classguard cache")
        mac = document.pop("mac", None)
        if not isinstance(mac, str) or not hmac.compare_digest(mac, self._mac(document)):
            raise CacheError("its seal does not match: the file was changed outside the agent")
        try:
            state = verify_sync(
                document.get("policy", ""),
                document.get("tokens"),
                document.get("revoked"),
                document.get("server_time"),
                self.keys,
            )
        except (BundleError, ValueError) as exc:
            raise CacheError(f"does not verify: {exc}") from exc
        last = document.get("last_trusted")
        return state, float(last) if isinstance(last, int | float) else state.server_time

    def _mac(self, body: Mapping[str, object]) -> str:
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")
        return hmac.new(self._key, canonical, hashlib.sha256).hexdigest()
