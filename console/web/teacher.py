"""The teacher's home: my groups and their lessons, running exceptions with time left,
granting, extending, revoking, starting a lesson now, and pupils' requests (polled by
static/requests.js from /requests.json, so no inline script is needed)."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from console import audit, context, db, grants
from console.errors import ConsoleError
from console.models import PupilRequest, User
from console.notifier import commit
from console.web.access import login_required, user
from console.web.i18n import translate, translate_error
from console.web.labels import service_title
from console.web.lessons import group_now, local_time, minutes_left

bp = Blueprint("teacher", __name__, url_prefix="/teacher")
PRESETS = (15, 30, 45)
STAFF = ("teacher", "directie")


def my_groups(who: User) -> list[str]:
    groups = context.policy().groups
    return list(groups) if who.role == "directie" else [g for g in groups if g in who.groups]


@bp.get("/")
@login_required(*STAFF)
def home() -> ResponseReturnValue:
    policy, now, who = context.policy(), context.now(), user()
    groups = my_groups(who)
    active = grants.active(db.session(), now, groups)
    shown = [
        {
            "grant": g,
            "left": minutes_left(g.exp, now),
            "until": local_time(policy, g.exp, now),
            "mine": grants.can_manage(who, g),
        }
        for g in active
        if grants.visible_to(who, g)
    ]
    return render_template(
        "teacher/home.html",
        groups=[group_now(policy, g, now, active) for g in groups],
        tokens=shown,
        services=policy.block,
        presets=PRESETS,
        may_media=who.role == "directie",
        max_minutes=policy.overrides.max_minutes,
        require_reason=policy.overrides.require_reason,
    )


def _minutes(group: str | None) -> int:
    choice = request.form.get("duration", "")
    if choice == "end":
        if group is None:
            raise ConsoleError(translate("Kies één groep voor 'tot het einde van de les'."))
        return grants.minutes_until_lesson_end(context.policy(), group, context.now())
    try:
        return int(choice)
    except ValueError:
        raise ConsoleError(translate("Kies een duur.")) from None


@bp.post("/grant")
@login_required(*STAFF)
def grant() -> ResponseReturnValue:
    groups = request.form.getlist("groups")
    kind = request.form.get("kind", "exception")
    services = request.form.getlist("services")
    try:
        minutes = _minutes(groups[0] if len(groups) == 1 else None)
        session = db.session()
        issued = grants.issue(
            session, context.instance(), context.policy(), user(), kind=kind, groups=groups, services=services,
            minutes=minutes, reason=request.form.get("reason", ""), now=context.now(),
        )  # fmt: skip
        commit(session)
    except ConsoleError as exc:
        if exc.status == 403:
            raise
        flash(translate_error(exc), "error")
        return redirect(url_for("teacher.home"), 303)
    flash(translate("Uitzondering gegeven tot {until}.", until=local_time(context.policy(), issued.exp, context.now())))
    return redirect(url_for("teacher.home"), 303)


@bp.post("/lesson")
@login_required(*STAFF)
def start_lesson() -> ResponseReturnValue:
    group = request.form.get("group", "")
    try:
        minutes = int(request.form.get("minutes", "0"))
    except ValueError:
        minutes = 0
    reason = request.form.get("reason", "").strip() or translate("les gestart")
    session = db.session()
    try:
        grants.issue(
            session, context.instance(), context.policy(), user(), kind="lesson", groups=[group], services=["*"],
            minutes=minutes, reason=reason, now=context.now(), action="lesson-start",
        )  # fmt: skip
    except ConsoleError as exc:
        if exc.status == 403:
            raise
        flash(translate_error(exc), "error")
        return redirect(url_for("teacher.home"), 303)
    commit(session)
    flash(translate("Les gestart voor {group}.", group=group))
    return redirect(url_for("teacher.home"), 303)


@bp.post("/tokens/<jti>/revoke")
@login_required(*STAFF, "admin")
def revoke(jti: str) -> ResponseReturnValue:
    session = db.session()
    grants.revoke(session, user(), jti, now=context.now())
    commit(session)
    flash(translate("Ingetrokken."))
    return redirect(request.referrer if _same_site_referrer() else url_for("teacher.home"), 303)


@bp.post("/tokens/<jti>/extend")
@login_required(*STAFF)
def extend(jti: str) -> ResponseReturnValue:
    try:
        minutes = int(request.form.get("minutes", "0"))
    except ValueError:
        minutes = 0
    session = db.session()
    try:
        grants.extend(session, context.instance(), context.policy(), user(), jti, minutes=minutes, now=context.now())
    except ConsoleError as exc:
        if exc.status in (403, 404):
            raise
        flash(translate_error(exc), "error")
        return redirect(url_for("teacher.home"), 303)
    commit(session)
    flash(translate("Verlengd met {minutes} minuten.", minutes=minutes))
    return redirect(url_for("teacher.home"), 303)


def _same_site_referrer() -> bool:
    referrer = request.referrer or ""
    return referrer.startswith(request.host_url)


# -- pupils' requests -----------------------------------------------------------------
@bp.get("/requests.json")
@login_required(*STAFF)
def requests_json() -> ResponseReturnValue:
    now, groups = context.now(), my_groups(user())
    rows = db.session().scalars(
        select(PupilRequest)
        .where(PupilRequest.status == "open", PupilRequest.group.in_(groups), PupilRequest.created_at > now - 4 * 3600)
        .order_by(PupilRequest.created_at)
    )
    items = [
        {"id": r.id, "group": r.group, "service": r.service, "title": service_title(r.service), "message": r.message,
         "minutes_ago": int((now - r.created_at) // 60)}
        for r in rows
    ]  # fmt: skip
    return jsonify({"requests": items})


def _own_request(request_id: int) -> PupilRequest:
    row = db.session().get(PupilRequest, request_id)
    if row is None or row.group not in my_groups(user()) or row.status != "open":
        raise NotFound()
    return row


@bp.post("/requests/<int:request_id>/approve")
@login_required(*STAFF)
def approve(request_id: int) -> ResponseReturnValue:
    row, session, now = _own_request(request_id), db.session(), context.now()
    try:
        minutes = int(request.form.get("minutes", "15"))
    except ValueError:
        minutes = 15
    reason = (translate("verzoek van leerling") + (f": {row.message}" if row.message else ""))[: grants.MAX_REASON]
    try:
        issued = grants.issue(
            session, context.instance(), context.policy(), user(), kind="exception", groups=[row.group],
            services=[row.service], minutes=minutes, reason=reason, now=now, devices=[row.device_id],
            action="request-approved",
        )  # fmt: skip
    except ConsoleError as exc:
        if exc.status == 403:
            raise
        flash(translate_error(exc), "error")
        return redirect(url_for("teacher.home"), 303)
    row.status, row.decided_by, row.decided_at, row.jti = "approved", user().username, now, issued.jti
    commit(session)
    flash(translate("Verzoek goedgekeurd."))
    return redirect(url_for("teacher.home"), 303)


@bp.post("/requests/<int:request_id>/decline")
@login_required(*STAFF)
def decline(request_id: int) -> ResponseReturnValue:
    row, session, now = _own_request(request_id), db.session(), context.now()
    row.status, row.decided_by, row.decided_at = "declined", user().username, now
    audit.record(
        session, at=now, actor=user().username, action="request-declined", detail=f"{row.group}: {row.service}"
    )
    commit(session)
    flash(translate("Verzoek afgewezen."))
    return redirect(url_for("teacher.home"), 303)
