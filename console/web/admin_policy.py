"""The policy editor and timetables. A policy with errors is shown back with every
problem at its line and column and is never saved; the previous one stays in force."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from console import context, db, policy_store
from console.models import TimetableFile
from console.notifier import commit
from console.web.access import login_required, user
from console.web.admin import bp
from console.web.i18n import translate
from policies.errors import PolicyError


def _page(text: str, problems: tuple[object, ...] = (), status: int = 200) -> ResponseReturnValue:
    session = db.session()
    version = policy_store.current_version(session)
    paths = policy_store.ical_paths(version.text) if version else {}
    files = {row.name: row for row in session.scalars(select(TimetableFile))}
    timetables = [{"group": g, "path": p, "stored": p in files} for g, p in sorted(paths.items())]
    return render_template(
        "admin/policy.html", text=text, problems=problems, version=version, timetables=timetables
    ), status


@bp.get("/policy")
@login_required("admin")
def policy() -> ResponseReturnValue:
    version = policy_store.current_version(db.session())
    return _page(version.text if version else "")


@bp.post("/policy")
@login_required("admin")
def save_policy() -> ResponseReturnValue:
    text = request.form.get("text", "").replace("\r\n", "\n")
    session = db.session()
    try:
        version, _loaded = policy_store.save_policy(session, text, actor=user().username, now=context.now())
    except PolicyError as exc:
        session.rollback()
        return _page(text, exc.problems, 400)
    commit(session)
    flash(translate("Beleid opgeslagen (versie {version}).", version=version.id))
    return redirect(url_for("admin.policy"), 303)


@bp.post("/timetables/<group>")
@login_required("admin")
def upload_timetable(group: str) -> ResponseReturnValue:
    upload = request.files.get("file")
    if upload is None:
        flash(translate("Kies een .ics-bestand."), "error")
        return redirect(url_for("admin.policy"), 303)
    try:
        ics = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        flash(translate("Het bestand is geen UTF-8-tekst."), "error")
        return redirect(url_for("admin.policy"), 303)
    session = db.session()
    try:
        policy_store.save_timetable(
            session, group, ics, actor=user().username, now=context.now(), label=upload.filename or "upload.ics"
        )
    except PolicyError as exc:
        session.rollback()
        version = policy_store.current_version(session)
        return _page(version.text if version else "", exc.problems, 400)
    commit(session)
    flash(translate("Rooster van {group} bijgewerkt.", group=group))
    return redirect(url_for("admin.policy"), 303)
