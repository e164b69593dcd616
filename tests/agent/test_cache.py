from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from agent.cache import CacheError, PolicyCache, SyncState, verify_sync
from policies.bundle import sign_bundle
from policies.keys import key_id
from tests.agent.fakes import ConsoleState
from tests.conftest import BASIC_POLICY


def make_state(console_state: ConsoleState, **changes: object) -> SyncState:
    for key, value in changes.items():
        setattr(console_state, key, value)
    keys = {key_id(console_state.key.public_key()): console_state.key.public_key()}
    return verify_sync(
        console_state.bundle(), console_state.tokens, console_state.revoked, console_state.server_time, keys
    )


def make_cache(tmp_path: Path, key: Ed25519PrivateKey, secret: str = "sec") -> PolicyCache:
    keys = {key_id(key.public_key()): key.public_key()}
    return PolicyCache(tmp_path / "cache.json", tmp_path / "cache.good.json", secret, keys)


def test_round_trip(tmp_path: Path, console_state: ConsoleState) -> None:
    token = console_state.token()
    state = make_state(console_state, tokens=[token], revoked=["gone"])
    cache = make_cache(tmp_path, console_state.key)
    cache.save(state, last_trusted=123.0)
    loaded = cache.load()
    assert loaded is not None
    again, last, problems = loaded
    assert again == state and last == 123.0 and problems == []
    assert again.overrides.overrides.tokens[0].raw == token


def test_no_cache_yet(tmp_path: Path, signing_key: Ed25519PrivateKey) -> None:
    assert make_cache(tmp_path, signing_key).load() is None


def test_an_edited_cache_falls_back_to_the_last_good_copy(tmp_path: Path, console_state: ConsoleState) -> None:
    cache = make_cache(tmp_path, console_state.key)
    cache.save(make_state(console_state, revoked=["jti-1"]), 1.0)
    document = json.loads(cache.path.read_text())
    document["revoked"] = []  # the pupil would like a revoked exception back
    cache.path.write_text(json.dumps(document))
    loaded = cache.load()
    assert loaded is not None
    state, _, problems = loaded
    assert state.revoked == ("jti-1",)
    assert problems == [
        "cache.json: its seal does not match: the file was changed outside the agent",
        "using the last good copy cache.good.json",
    ]
    assert json.loads(cache.path.read_text())["revoked"] == ["jti-1"]  # repaired


def test_a_resealed_forged_bundle_still_fails_its_signature(tmp_path: Path, console_state: ConsoleState) -> None:
    """Even with the device secret (to redo the seal), a policy not signed by the console fails."""
    cache = make_cache(tmp_path, console_state.key)
    cache.save(make_state(console_state), 1.0)
    forged = sign_bundle(Ed25519PrivateKey.generate(), version=9, policy_text=BASIC_POLICY, files={}, now=1)
    document = json.loads(cache.path.read_text())
    document.pop("mac")
    document["policy"] = forged
    document["mac"] = cache._mac(document)
    cache.path.write_text(json.dumps(document))
    cache.good_path.write_text(json.dumps(document))
    with pytest.raises(CacheError, match="does not verify: the policy bundle is signed by key"):
        cache.load()


def test_garbage_in_both_copies_is_an_error_not_a_crash(tmp_path: Path, console_state: ConsoleState) -> None:
    cache = make_cache(tmp_path, console_state.key)
    cache.path.write_text("{not json")
    cache.good_path.write_bytes(b"\xff\xfe")
    with pytest.raises(CacheError, match=r"cache\.json: unreadable .*cache\.good\.json: unreadable"):
        cache.load()


def test_another_device_secret_does_not_open_the_cache(tmp_path: Path, console_state: ConsoleState) -> None:
    make_cache(tmp_path, console_state.key, "one").save(make_state(console_state), 1.0)
    with pytest.raises(CacheError, match="seal does not match"):
        make_cache(tmp_path, console_state.key, "two").load()
