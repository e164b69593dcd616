"""The school's policy as the console keeps it: versions of the YAML text plus the
iCalendar files it names. Every save is validated by the core first (a bad policy is
never stored), and makes a new version, which laptops receive through sync."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Mapping
from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console import audit, changes
from console.models import Device, PolicyVersion, TimetableFile
from policies.bundle import safe_relative_path
from policies.errors import PolicyError, Problem
from policies.loader import parse_policy
from policies.model import Policy

_cache: dict[tuple[int, str], Policy] = {}


@functools.lru_cache(maxsize=16)
def _ical_paths(text: str) -> tuple[tuple[str, str], ...]:
    document = yaml.safe_load(text) or {}
    lessons = document.get("lessons") or {}
    return tuple(
        (group, str(entry["ical"])) for group, entry in lessons.items() if isinstance(entry, dict) and "ical" in entry
    )


def ical_paths(text: str) -> dict[str, str]:
    """group → the `ical:` path the policy text names (only for a text that parsed).
    Remembered per text: every sync asks, and parsing YAML cost most of a sync's time."""
    return dict(_ical_paths(text))


def validate(text: str, files: Mapping[str, str], label: str = "policy.yaml") -> Policy:
    """The policy the text describes, with `files` as the files beside it. PolicyError
    with every problem (FILE:LINE:COL) otherwise."""
    with tempfile.TemporaryDirectory(prefix="classguard-policy-") as scratch:
        base = Path(scratch)
        for name, content in files.items():
            try:
                target = base / safe_relative_path(name)
            except ValueError as exc:
                raise PolicyError.single(label, str(exc)) from exc
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        return parse_policy(text, label, base_dir=base)


def current_version(db: Session) -> PolicyVersion | None:
    return db.scalar(select(PolicyVersion).order_by(PolicyVersion.id.desc()).limit(1))


def files_for(db: Session, text: str) -> dict[str, str]:
    """The stored iCalendar files this policy text names."""
    wanted = set(ical_paths(text).values())
    if not wanted:
        return {}
    rows = db.scalars(select(TimetableFile).where(TimetableFile.name.in_(wanted)))
    return {row.name: row.text for row in rows}


def current_policy(db: Session, database_url: str = "") -> tuple[PolicyVersion, Policy] | None:
    """The policy in force, parsed once per version and cached."""
    version = current_version(db)
    if version is None:
        return None
    key = (version.id, database_url)
    policy = _cache.get(key)
    if policy is None:
        policy = validate(version.text, files_for(db, version.text))
        if len(_cache) > 32:
            _cache.clear()
        _cache[key] = policy
    return version, policy


def save_policy(
    db: Session,
    text: str,
    *,
    files: Mapping[str, str] | None = None,
    actor: str,
    now: float,
    label: str = "policy.yaml",
) -> tuple[PolicyVersion, Policy]:
    """Validate and store a new version (with any new iCalendar files). PolicyError leaves
    everything as it was."""
    merged = files_for(db, text) if _parses_yaml(text) else {}
    merged.update(files or {})
    policy = validate(text, merged, label)
    _check_devices_keep_their_groups(db, policy, label)
    for name, content in (files or {}).items():
        _put_file(db, name, content, now)
    version = PolicyVersion(text=text, created_at=now, created_by=actor)
    db.add(version)
    db.flush()
    changes.record(db, kind="policy", at=now)
    audit.record(db, at=now, actor=actor, action="policy-changed", detail=f"policy version {version.id}")
    return version, policy


def save_timetable(db: Session, group: str, ics: str, *, actor: str, now: float, label: str) -> str:
    """Store a group's iCalendar file under the path the policy names for it."""
    found = current_version(db)
    if found is None:
        raise PolicyError.single(label, "there is no policy yet: import one first (classguard-console policy import)")
    paths = ical_paths(found.text)
    if group not in paths:
        hint = f"in the policy, give it `ical: timetables/{group}.ics` instead of lesson times"
        raise PolicyError.single(label, f"group {group!r} does not take its lessons from an iCalendar file; {hint}")
    files = files_for(db, found.text)
    files[paths[group]] = ics
    try:
        validate(found.text, files)
    except PolicyError as exc:
        # The policy was fine before, so the problem is this file: say so with its name.
        raise PolicyError([Problem(label, 1, 1, f"lessons.{group}.ical", p.message) for p in exc.problems]) from exc
    _put_file(db, paths[group], ics, now)
    version = PolicyVersion(text=found.text, created_at=now, created_by=actor)
    db.add(version)
    db.flush()
    changes.record(db, kind="policy", at=now)
    audit.record(db, at=now, actor=actor, action="timetable-changed", detail=f"{group}: {paths[group]}")
    return paths[group]


def _check_devices_keep_their_groups(db: Session, policy: Policy, label: str) -> None:
    """A policy that drops a group with laptops in it would leave them without rules."""
    rows = db.execute(
        select(Device.group, func.count()).where(Device.retired_at.is_(None)).group_by(Device.group)
    ).all()
    orphaned = [(group, count) for group, count in rows if group not in policy.groups]
    if orphaned:
        problems = [
            Problem(
                label, 1, 1, "lessons", f"group {group} still has {count} laptop(s): move them to another group first"
            )
            for group, count in orphaned
        ]
        raise PolicyError(problems)


def _put_file(db: Session, name: str, content: str, now: float) -> None:
    row = db.get(TimetableFile, name)
    if row is None:
        db.add(TimetableFile(name=name, text=content, updated_at=now))
    else:
        row.text, row.updated_at = content, now


def _parses_yaml(text: str) -> bool:
    try:
        return isinstance(yaml.safe_load(text), dict)
    except yaml.YAMLError:
        return False
