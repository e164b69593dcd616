"""The outbox: a pupil's asks and reports, kept on disk until the console has them.

Offline, an ask for an exception or a report of a problem (rule 5) must not be lost:
the tray puts it here (STATE_DIR/outbox.json, 0600, replaced atomically on every
change, so a crash or a full disk leaves the previous list whole) and the sender
(outbox_sender.py) delivers it in order once the console answers. Each message carries
a client-made id (`client_id`) so the console can drop a copy that a retry after a
lost answer sends again; a console that ignores the field gets at-least-once delivery.

Bounded: at most MAX_MESSAGES; when full a new message is refused (the tray says so),
never an older one dropped. What is kept is what the console would get anyway: a
service name and one of the tray's fixed texts, never a name or a host.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from agent.atomic import write_json_atomic

MAX_MESSAGES: Final = 50
FORMAT: Final = 1
FIELDS: Final = {"request": ("service", "message"), "incident": ("message",)}  # the API's bodies
_ID: Final = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Message:
    id: str
    kind: str  # request | incident
    body: dict[str, str]
    queued_at: float  # trusted Unix seconds

    def document(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "body": self.body, "queued_at": self.queued_at}


class OutboxFull(Exception):
    pass


class Outbox:
    """Thread-safe: the local socket adds, the sender removes."""

    def __init__(self, path: Path, now: Callable[[], float], *, limit: int = MAX_MESSAGES) -> None:
        self.path = path
        self.now = now
        self.limit = limit
        self._lock = threading.Lock()
        self._messages: list[Message] = []
        self.problems: list[str] = []  # from loading; the agent reports them
        self._load()

    def add(self, kind: str, body: dict[str, str]) -> Message:
        """Queue one message and write the list to disk before returning (OutboxFull,
        or OSError when the disk refuses: then nothing was queued)."""
        if set(body) != set(FIELDS[kind]) or not all(isinstance(v, str) for v in body.values()):
            raise ValueError(f"a {kind} has the fields {', '.join(FIELDS[kind])}")
        message = Message(uuid.uuid4().hex, kind, dict(body), round(self.now(), 3))
        with self._lock:
            if len(self._messages) >= self.limit:
                raise OutboxFull(f"the outbox holds {self.limit} messages already")
            self._save([*self._messages, message])
        return message

    def pending(self) -> list[Message]:
        with self._lock:
            return list(self._messages)

    def __contains__(self, message_id: object) -> bool:
        with self._lock:
            return any(m.id == message_id for m in self._messages)

    def remove(self, message_id: str) -> None:
        with self._lock:
            self._save([m for m in self._messages if m.id != message_id])

    def _save(self, messages: list[Message]) -> None:
        write_json_atomic(self.path, {"format": FORMAT, "messages": [m.document() for m in messages]})
        self._messages = messages  # only once it is on disk

    def _load(self) -> None:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            self.problems.append(f"the outbox cannot be read ({type(exc).__name__}); starting an empty one")
            return
        items = document.get("messages") if isinstance(document, dict) else None
        if not isinstance(items, list):
            self.problems.append("the outbox is not a classguard outbox; starting an empty one")
            return
        for item in items:
            message = _parse(item)
            if message is None:
                self.problems.append("a message in the outbox was malformed and is dropped")
            elif len(self._messages) < self.limit:
                self._messages.append(message)


def _parse(item: object) -> Message | None:
    if not isinstance(item, dict):
        return None
    kind, body, ident, queued = item.get("kind"), item.get("body"), item.get("id"), item.get("queued_at")
    if kind not in FIELDS or not isinstance(ident, str) or not _ID.fullmatch(ident):
        return None
    if not isinstance(body, dict) or set(body) != set(FIELDS[kind]):
        return None
    if not all(isinstance(v, str) for v in body.values()):
        return None
    if not isinstance(queued, int | float) or isinstance(queued, bool):
        return None
    return Message(ident, kind, body, float(queued))
