"""Aggregate counters: the only record the proxy keeps of what happened.

Per service and per UTC hour: how many connections were blocked, how many went
through under a teacher's exception, how many media uploads were refused. No host,
URL, device or person. The agent reads `counters.json` and sends it to the console.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Final

KINDS: Final = ("blocked", "allowed_by_token", "media_refused")
KEEP_HOURS: Final = 7 * 24  # the agent sends them long before; a week covers a long outage
FILE_NAME: Final = "counters.json"


def hour_key(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H")


class Counters:
    def __init__(self) -> None:
        self._hours: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
        self.dirty = False

    def count(self, service: str | None, kind: str, moment: dt.datetime) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown counter {kind!r}")
        per_service = self._hours[hour_key(moment)].setdefault(service or "unknown", dict.fromkeys(KINDS, 0))
        per_service[kind] += 1
        self.dirty = True

    def load(self, path: Path) -> None:
        """Carry on from a previous run's file; a broken file starts from zero."""
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            hours = document["hours"]
            for hour, services in hours.items():
                for service, counts in services.items():
                    self._hours[str(hour)][str(service)] = {k: int(counts.get(k, 0)) for k in KINDS}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._hours.clear()

    def snapshot(self, now: dt.datetime) -> dict[str, object]:
        oldest = hour_key(now - dt.timedelta(hours=KEEP_HOURS))
        for hour in [h for h in self._hours if h < oldest]:
            del self._hours[hour]
        return {"version": 1, "hours": {h: dict(s) for h, s in sorted(self._hours.items())}}

    def write(self, path: Path, now: dt.datetime) -> None:
        write_json_atomically(path, self.snapshot(now))
        self.dirty = False


def write_json_atomically(path: Path, document: object) -> None:
    """Temp file in the same directory, fsync, rename: a reader sees the old file or
    the new one, never half of one."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(document, out, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        Path(temp).chmod(0o644)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
