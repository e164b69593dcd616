from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from agent.errors import AgentError
from agent.identity import NotEnrolled, load_identity, save_identity
from agent.paths import StatePaths
from policies.keys import key_id, public_pem


def enrol_into(paths: StatePaths, key: Ed25519PrivateKey) -> None:
    save_identity(
        paths,
        device_id="dev-1",
        group="groep-7",
        console_url="http://c",
        secret="sec",
        public_keys=[public_pem(key.public_key())],
    )


def test_saved_identity_loads_with_its_keys(tmp_path: Path, signing_key: Ed25519PrivateKey) -> None:
    paths = StatePaths(tmp_path / "state")
    enrol_into(paths, signing_key)
    identity = load_identity(paths)
    kid = key_id(signing_key.public_key())
    assert (identity.device_id, identity.group, identity.secret) == ("dev-1", "groep-7", "sec")
    assert list(identity.trusted_keys) == [kid]
    assert identity.key_files == (paths.keys / f"{kid}.pem",)
    assert stat.S_IMODE(paths.secret.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.root.stat().st_mode) == 0o700


def test_enrolling_twice_is_refused(tmp_path: Path, signing_key: Ed25519PrivateKey) -> None:
    paths = StatePaths(tmp_path)
    enrol_into(paths, signing_key)
    with pytest.raises(AgentError, match="already enrolled"):
        enrol_into(paths, Ed25519PrivateKey.generate())
    assert load_identity(paths).secret == "sec"


def test_not_enrolled_and_a_swapped_key_are_reported(tmp_path: Path, signing_key: Ed25519PrivateKey) -> None:
    paths = StatePaths(tmp_path)
    with pytest.raises(NotEnrolled, match="enrol"):
        load_identity(paths)
    enrol_into(paths, signing_key)
    kid = key_id(signing_key.public_key())
    # someone replaces the trusted key by their own: its id no longer matches
    (paths.keys / f"{kid}.pem").write_text(public_pem(Ed25519PrivateKey.generate().public_key()))
    with pytest.raises(AgentError, match="damaged"):
        load_identity(paths)
    json.loads(paths.device.read_text())  # still there: nothing was thrown away
