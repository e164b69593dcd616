from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from agent.atomic import create_secret, write_atomic, write_json_atomic


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_replaces_in_one_step_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "file.json"
    write_json_atomic(target, {"a": 1})
    before = target.stat().st_ino
    write_json_atomic(target, {"a": 2})
    assert json.loads(target.read_text()) == {"a": 2}
    assert target.stat().st_ino != before  # a new file renamed over the old one, not rewritten in place
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.json"]
    assert mode(target) == 0o600


def test_mode_is_the_final_one_even_under_a_wide_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        write_atomic(tmp_path / "public.pem", "x", mode=0o644)
        write_atomic(tmp_path / "private", "x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "public.pem") == 0o644
    assert mode(tmp_path / "private") == 0o600


def test_a_planted_temp_symlink_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (tmp_path / f".file.{os.getpid()}.tmp").symlink_to(victim)
    write_atomic(tmp_path / "file", "new")
    assert victim.read_text() == "keep"
    assert (tmp_path / "file").read_text() == "new"


def test_secret_is_created_0600_and_never_reused(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    create_secret(secret, "abc")
    assert mode(secret) == 0o600
    with pytest.raises(FileExistsError):
        create_secret(secret, "other")
    assert secret.read_text() == "abc"
    planted = tmp_path / "planted"
    planted.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FileExistsError):
        create_secret(planted, "abc")
    assert not (tmp_path / "elsewhere").exists()
