from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from policies.keys import key_id
from policies.overrides import load_overrides
from policies.tokens import issue_token

KEY = Ed25519PrivateKey.generate()
TRUSTED = {key_id(KEY.public_key()): KEY.public_key()}


def raw_token(**extra: object) -> str:
    return issue_token(KEY, sub="t", kind="exception", groups=["groep-7"], services=["youtube"], now=1_800_000_000,
                       minutes=30, reason="r", **extra)  # type: ignore[arg-type]  # fmt: skip


def test_a_forged_token_is_dropped_and_reported_the_others_stay(tmp_path: Path) -> None:
    good = raw_token(jti="good")
    forged = raw_token(jti="forged")[:-4] + "AAAA"
    path = tmp_path / "overrides.json"
    path.write_text(json.dumps({"tokens": [forged, good, "junk"], "revoked": ["gone"]}))
    loaded = load_overrides(path, TRUSTED)
    assert [t.jti for t in loaded.overrides.tokens] == ["good"]
    assert loaded.overrides.revoked == frozenset({"gone"})
    assert [line.split(":")[0] for line in loaded.rejected] == ["tokens[0]", "tokens[2]"]


def test_revoked_tokens_are_never_candidates(tmp_path: Path) -> None:
    path = tmp_path / "o.json"
    path.write_text(json.dumps({"tokens": [raw_token(jti="a"), raw_token(jti="b")], "revoked": ["a"]}))
    overrides = load_overrides(path, TRUSTED).overrides
    assert [t.jti for t in overrides.candidates("groep-7", "exception")] == ["b"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "Expecting property name"),
        ('{"tokens": "abc"}', '"tokens" must be a list of strings'),
        ('{"revoked": [1]}', '"revoked" must be a list of token ids'),
        ('{"tokens": [], "extra": 1}', 'expected {"tokens": [...], "revoked": [...]}'),
        ("[]", 'expected {"tokens"'),
    ],
)
def test_a_broken_file_is_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "o.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=r"o\.json: ") as caught:
        load_overrides(path, TRUSTED)
    assert message in str(caught.value)
