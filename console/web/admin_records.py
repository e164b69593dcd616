"""The audit log (filter, CSV export; read-only: the app has no way to edit it) and the
privacy page (retention from the policy, the processing register, purge, export)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from console import audit, context, db, privacy
from console.audit import ACTIONS
from console.models import Setting
from console.notifier import commit
from console.web.access import login_required, user
from console.web.admin import bp
from console.web.i18n import translate

REGISTER_KEY = "processing_register"
DEFAULT_REGISTER = """\
Verwerkingsregister classguard (AVG art. 30)
Verwerkingsverantwoordelijke: de school. Verwerker: de leverancier/beheerder van classguard.
Doel: het schoolprotocol sociale media handhaven tijdens de lessen.
Gegevens: per laptop een apparaat-id, groep, computernaam, platform, agentversie, status;
geblokkeerde pogingen per dienst per uur (geen websites, geen URL's, geen namen);
verzoeken en meldingen met de tekst die de leerling zelf typt;
medewerkers: gebruikersnaam, rol, groepen, logboek van aanmeldingen en uitzonderingen.
Bewaartermijnen: zie het beleid (privacy: counters_retention_days, audit_retention_days).
"""


def _filters() -> tuple[str | None, str | None]:
    action = request.args.get("action") or None
    actor = (request.args.get("actor") or "").strip() or None
    return (action if action in ACTIONS else None), actor


@bp.get("/audit")
@login_required("admin", "directie")
def audit_log() -> ResponseReturnValue:
    action, actor = _filters()
    rows = audit.entries(db.session(), action=action, actor=actor, limit=500)
    tz = _tz()
    shown = [{"e": e, "when": dt.datetime.fromtimestamp(e.at, tz).strftime("%Y-%m-%d %H:%M:%S")} for e in rows]
    return render_template("admin/audit.html", entries=shown, actions=ACTIONS, action=action, actor=actor or "")


@bp.get("/audit.csv")
@login_required("admin", "directie")
def audit_csv() -> ResponseReturnValue:
    action, actor = _filters()
    rows = audit.entries(db.session(), action=action, actor=actor, limit=100_000)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "time_utc", "actor", "action", "detail"])
    for e in rows:
        when = dt.datetime.fromtimestamp(e.at, dt.UTC).isoformat(timespec="seconds")
        writer.writerow([e.id, when, _cell(e.actor), e.action, _cell(e.detail)])
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=classguard-audit.csv"},
    )


def _cell(text: str) -> str:
    """No spreadsheet formulas from user-typed text (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _tz() -> dt.tzinfo:
    found = context.policy_or_none()
    return found[1].timezone if found else dt.UTC


@bp.get("/privacy", endpoint="privacy")
@login_required("admin", "directie")
def privacy_page() -> ResponseReturnValue:
    found = context.policy_or_none()
    setting = db.session().get(Setting, REGISTER_KEY)
    return render_template(
        "admin/privacy.html",
        settings=found[1].privacy if found else None,
        register=setting.value if setting else DEFAULT_REGISTER,
        may_edit=user().role == "admin",
    )


@bp.post("/privacy/register")
@login_required("admin")
def save_register() -> ResponseReturnValue:
    session, text = db.session(), request.form.get("register", "").replace("\r\n", "\n")[:20_000]
    row = session.get(Setting, REGISTER_KEY)
    if row is None:
        session.add(Setting(key=REGISTER_KEY, value=text))
    else:
        row.value = text
    audit.record(session, at=context.now(), actor=user().username, action="settings-changed", detail=REGISTER_KEY)
    commit(session)
    flash(translate("Verwerkingsregister opgeslagen."))
    return redirect(url_for("admin.privacy"), 303)


@bp.post("/privacy/purge")
@login_required("admin")
def purge() -> ResponseReturnValue:
    session = db.session()
    counts = privacy.purge(session, context.policy().privacy, now=context.now(), actor=user().username)
    commit(session)
    flash(translate("Verwijderd: {counts}", counts=", ".join(f"{k} {v}" for k, v in counts.items())))
    return redirect(url_for("admin.privacy"), 303)


@bp.post("/privacy/export")
@login_required("admin")
def export() -> ResponseReturnValue:
    device_id = request.form.get("device", "").strip()
    session = db.session()
    document = privacy.export_device(session, device_id)
    audit.record(session, at=context.now(), actor=user().username, action="privacy-export", detail=device_id)
    commit(session)
    return Response(
        json.dumps(document, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=classguard-{device_id}.json"},
    )
