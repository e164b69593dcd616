"""Directie's pages (media permissions, the incident queue) and two shared ones: the
protocol with staff acknowledgments (rule 8) and the weekly overview per group."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from console import audit, context, db, grants
from console.models import Acknowledgment, Counter, Incident
from console.notifier import commit
from console.web.access import login_required, user
from console.web.chart import bar_chart, daily_totals
from console.web.i18n import current_locale, translate
from console.web.labels import service_title
from console.web.lessons import local_time, minutes_left

bp = Blueprint("directie", __name__, url_prefix="/directie")
PROTOCOL = Path(__file__).resolve().parent.parent / "protocol.txt"


def protocol_text() -> tuple[str, str]:
    text = PROTOCOL.read_text(encoding="utf-8")
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


@bp.get("/media")
@login_required("directie")
def media() -> ResponseReturnValue:
    policy, now = context.policy(), context.now()
    tokens = [
        {"grant": g, "left": minutes_left(g.exp, now), "until": local_time(policy, g.exp, now)}
        for g in grants.active(db.session(), now)
        if g.kind == "media"
    ]
    return render_template(
        "directie/media.html", tokens=tokens, groups=policy.groups, services=policy.block,
        max_minutes=policy.overrides.max_minutes, media_rule=policy.media_uploads,
    )  # fmt: skip


@bp.get("/incidents")
@login_required("directie")
def incidents() -> ResponseReturnValue:
    rows = db.session().scalars(
        select(Incident).order_by(Incident.status.desc(), Incident.created_at.desc()).limit(200)
    )
    policy, now = context.policy(), context.now()
    shown = [{"row": r, "when": local_time(policy, r.created_at, now)} for r in rows]
    return render_template("directie/incidents.html", incidents=shown)


@bp.post("/incidents/<int:incident_id>/close")
@login_required("directie")
def close_incident(incident_id: int) -> ResponseReturnValue:
    session, now = db.session(), context.now()
    row = session.get(Incident, incident_id)
    if row is None:
        raise NotFound()
    row.status, row.closed_by, row.closed_at = "closed", user().username, now
    audit.record(session, at=now, actor=user().username, action="incident-closed", detail=str(incident_id))
    commit(session)
    flash(translate("Melding afgehandeld."))
    return redirect(url_for("directie.incidents"), 303)


@bp.route("/report", methods=["GET", "POST"])
@login_required()
def report() -> ResponseReturnValue:
    """Staff report a problem too (protocol rule 5); it joins directie's queue."""
    if request.method == "GET":
        return render_template("directie/report.html")
    message = request.form.get("message", "").strip()
    if not 1 <= len(message) <= 2000:
        flash(translate("Beschrijf het probleem (hoogstens 2000 tekens)."), "error")
        return render_template("directie/report.html", message=message), 400
    session = db.session()
    session.add(Incident(source=f"user:{user().username}", group="", message=message, created_at=context.now()))
    commit(session)
    flash(translate("Je melding is doorgegeven aan de directie."))
    return redirect(url_for("directie.report"), 303)


@bp.get("/protocol")
@login_required()
def protocol() -> ResponseReturnValue:
    text, digest = protocol_text()
    session, now = db.session(), context.now()
    mine = session.scalar(
        select(Acknowledgment)
        .where(Acknowledgment.username == user().username, Acknowledgment.protocol_sha256 == digest)
        .limit(1)
    )
    everyone = []
    if user().role in ("directie", "admin"):
        rows = session.scalars(select(Acknowledgment).order_by(Acknowledgment.acknowledged_at.desc()))
        everyone = [
            {"username": r.username, "date": _date(r.acknowledged_at), "current": r.protocol_sha256 == digest}
            for r in rows
        ]
    return render_template(
        "directie/protocol.html", text=text, mine=_date(mine.acknowledged_at) if mine else None, everyone=everyone,
        now=now,
    )  # fmt: skip


@bp.post("/protocol/acknowledge")
@login_required()
def acknowledge() -> ResponseReturnValue:
    _text, digest = protocol_text()
    session, now = db.session(), context.now()
    session.add(Acknowledgment(username=user().username, protocol_sha256=digest, acknowledged_at=now))
    audit.record(session, at=now, actor=user().username, action="protocol-acknowledged", detail=digest[:12])
    commit(session)
    flash(translate("Bedankt: je hebt het protocol gelezen en geaccepteerd."))
    return redirect(url_for("directie.protocol"), 303)


def _date(ts: float) -> str:
    policy = context.policy_or_none()
    tz = policy[1].timezone if policy else dt.UTC
    return dt.datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M")


@bp.get("/overview")
@login_required()
def overview() -> ResponseReturnValue:
    policy, now, who = context.policy(), context.now(), user()
    allowed = (
        list(policy.groups) if who.role in ("directie", "admin") else [g for g in policy.groups if g in who.groups]
    )
    group = request.args.get("group") or (allowed[0] if allowed else "")
    if group not in allowed:
        raise NotFound()
    today = dt.datetime.fromtimestamp(now, policy.timezone).date()
    days = [today - dt.timedelta(days=offset) for offset in range(6, -1, -1)]
    first_hour = dt.datetime.combine(days[0], dt.time(0), policy.timezone).astimezone(dt.UTC).strftime("%Y-%m-%dT%H")
    rows = db.session().scalars(select(Counter).where(Counter.group == group, Counter.hour >= first_hour))
    per_service = daily_totals(rows, policy.timezone, days)
    totals = {service_title(service): counts for service, counts in per_service.items()}  # the chart's labels
    title = translate("Geblokkeerde pogingen per dienst per dag, {group}", group=group)
    chart = bar_chart(totals, days, title, current_locale()) if totals else None
    return render_template("directie/overview.html", groups=allowed, group=group, chart=chart, title=title)
