"""Sign in (rate-limited, lockout after repeated failures, the same answer and the same
work whether or not the user exists), sign out, change password, pick a language."""

from __future__ import annotations

import math

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from console import context, db, users
from console.errors import ConsoleError
from console.notifier import commit
from console.ratelimit import LIMITS
from console.web.access import current_user, home_for, login_required, safe_next, sign_in, user
from console.web.i18n import LOCALES, translate, translate_error

bp = Blueprint("auth", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    found = current_user()
    return redirect(url_for(home_for(found.role)) if found else url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    target = request.args.get("next")
    if request.method == "GET":
        return render_template("login.html", next=safe_next(target, ""))
    limits = current_app.config.get("RATE_LIMITS", {})
    wait = context.limiter().allow(
        "login", request.remote_addr or "?", limits.get("login") or LIMITS["login"], context.clock().monotonic()
    )
    if wait:
        message = translate("Te veel pogingen. Probeer het over {seconds} seconden opnieuw.", seconds=math.ceil(wait))
        return render_template("login.html", error=message, next=safe_next(target, "")), 429
    session_db = db.session()
    result = users.check_login(
        session_db,
        request.form.get("username", "")[:64],
        request.form.get("password", "")[:256],
        now=context.now(),
        max_failures=int(current_app.config["LOGIN_MAX_FAILURES"]),
        lockout=float(current_app.config["LOGIN_LOCKOUT_SECONDS"]),
    )
    commit(session_db)
    if result.user is None:
        error = translate("Onbekende gebruikersnaam of wachtwoord, of het account is tijdelijk geblokkeerd.")
        return render_template("login.html", error=error, next=safe_next(target, "")), 401
    language = session.get("lang")
    session.clear()  # a fresh session: no fixation
    session.permanent = True
    sign_in(result.user)
    if language:
        session["lang"] = language
    return redirect(safe_next(request.form.get("next") or target, url_for(home_for(result.user.role))))


@bp.post("/logout")
@login_required()
def logout() -> ResponseReturnValue:
    session_db = db.session()
    from console import audit

    audit.record(session_db, at=context.now(), actor=user().username, action="logout")
    commit(session_db)
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required()
def password() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("password.html")
    new = request.form.get("new", "")
    if new != request.form.get("repeat", ""):
        return render_template("password.html", error=translate("De twee nieuwe wachtwoorden verschillen.")), 400
    session_db = db.session()
    try:
        users.change_password(session_db, user(), request.form.get("old", ""), new, now=context.now())
    except ConsoleError as exc:
        session_db.rollback()
        return render_template("password.html", error=translate_error(exc)), 400
    commit(session_db)
    sign_in(user())  # this session stays; every other one of this user ends
    flash(translate("Je wachtwoord is gewijzigd."))
    return redirect(url_for(home_for(user().role)))


@bp.post("/language")
def language() -> ResponseReturnValue:
    chosen = request.form.get("lang", "nl")
    session["lang"] = chosen if chosen in LOCALES else "nl"
    return redirect(safe_next(request.form.get("next"), url_for("auth.index")))
