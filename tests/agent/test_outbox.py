from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from agent.outbox import Outbox, OutboxFull


def now() -> float:
    return 1_796_112_000.0


def test_messages_survive_a_restart_in_order(tmp_path: Path) -> None:
    path = tmp_path / "outbox.json"
    outbox = Outbox(path, now)
    first = outbox.add("request", {"service": "youtube", "message": "Ik wil het even uitleggen."})
    second = outbox.add("incident", {"message": "Ik wil ergens over praten."})
    again = Outbox(path, now)
    assert [m.id for m in again.pending()] == [first.id, second.id]
    assert again.pending()[0].body == {"service": "youtube", "message": "Ik wil het even uitleggen."}
    assert again.pending()[0].queued_at == now()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again.remove(first.id)
    assert [m.id for m in Outbox(path, now).pending()] == [second.id]


def test_full_means_the_new_one_is_refused_and_nothing_dropped(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.json", now, limit=2)
    kept = [outbox.add("incident", {"message": f"m{i}"}).id for i in range(2)]
    with pytest.raises(OutboxFull):
        outbox.add("incident", {"message": "m2"})
    assert [m.id for m in Outbox(tmp_path / "outbox.json", now).pending()] == kept


def test_only_the_api_fields_are_kept(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.json", now)
    with pytest.raises(ValueError, match="fields service, message"):
        outbox.add("request", {"service": "youtube", "message": "x", "name": "Sanne"})
    assert outbox.pending() == []


def test_a_refused_write_queues_nothing(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.json", now)
    outbox.add("incident", {"message": "first"})
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    outbox.path = blocker / "outbox.json"  # every write fails (root ignores modes, not this)
    with pytest.raises(OSError):
        outbox.add("incident", {"message": "second"})
    assert [m.body["message"] for m in outbox.pending()] == ["first"]


def test_a_damaged_file_is_reported_and_bad_entries_dropped(tmp_path: Path) -> None:
    path = tmp_path / "outbox.json"
    path.write_text("{not json")
    assert Outbox(path, now).problems == ["the outbox cannot be read (JSONDecodeError); starting an empty one"]
    good = {"id": "a" * 32, "kind": "incident", "body": {"message": "ok"}, "queued_at": 1.0}
    bad = [
        {**good, "id": "../../etc"},
        {**good, "kind": "heartbeat"},
        {**good, "body": {"message": "ok", "name": "Sanne"}},
        {**good, "queued_at": "yesterday"},
        "junk",
    ]
    path.write_text(json.dumps({"format": 1, "messages": [*bad, good]}))
    outbox = Outbox(path, now)
    assert [m.id for m in outbox.pending()] == ["a" * 32]
    assert len(outbox.problems) == len(bad)
