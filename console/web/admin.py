"""IT's pages: devices, enrolment codes, users and roles. The policy editor, the audit
log and privacy live in admin_policy.py and admin_records.py (same blueprint)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from console import audit, context, db, devices, users
from console.errors import ConsoleError
from console.models import ROLES, Device, EnrolCode, User
from console.notifier import commit
from console.passwords import random_password
from console.web.access import login_required, user
from console.web.i18n import translate
from console.web.lessons import local_time

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/devices", endpoint="devices")
@login_required("admin")
def devices_page() -> ResponseReturnValue:
    found = context.policy_or_none()
    now = context.now()
    rows = db.session().scalars(select(Device).order_by(Device.group, Device.hostname))
    policy = found[1] if found else None
    shown = [{"d": d, "seen": local_time(policy, d.last_seen, now) if policy else d.last_seen} for d in rows]
    codes = db.session().scalars(select(EnrolCode).where(EnrolCode.expires_at > now).order_by(EnrolCode.created_at))
    return render_template(
        "admin/devices.html", devices=shown, groups=policy.groups if policy else (), codes=list(codes),
        new_code=request.args.get("code"),
    )  # fmt: skip


@bp.post("/devices/<device_id>/move")
@login_required("admin")
def move_device(device_id: str) -> ResponseReturnValue:
    group = request.form.get("group", "")
    if group not in context.policy().groups:
        raise ConsoleError(translate("Onbekende groep: {group}", group=group))
    session = db.session()
    devices.move(session, device_id, group, actor=user().username, now=context.now())
    commit(session)
    flash(translate("Apparaat verplaatst naar {group}.", group=group))
    return redirect(url_for("admin.devices"), 303)


@bp.post("/devices/<device_id>/retire")
@login_required("admin")
def retire_device(device_id: str) -> ResponseReturnValue:
    session = db.session()
    devices.retire(session, device_id, actor=user().username, now=context.now())
    commit(session)
    flash(translate("Apparaat buiten gebruik gesteld."))
    return redirect(url_for("admin.devices"), 303)


@bp.post("/enrol-codes")
@login_required("admin")
def create_code() -> ResponseReturnValue:
    group = request.form.get("group", "")
    if group not in context.policy().groups:
        raise ConsoleError(translate("Onbekende groep: {group}", group=group))
    try:
        uses, hours = int(request.form.get("uses", "30")), float(request.form.get("hours", "24"))
    except ValueError:
        raise ConsoleError(translate("Aantal en uren moeten getallen zijn.")) from None
    session = db.session()
    code = devices.create_code(session, group=group, uses=uses, hours=hours, actor=user().username, now=context.now())
    commit(session)
    # Shown once, on the page the admin lands on; only its hash is stored.
    return render_template("admin/code.html", code=code, group=group, uses=uses, hours=hours)


@bp.get("/users", endpoint="users")
@login_required("admin")
def users_page() -> ResponseReturnValue:
    rows = db.session().scalars(select(User).order_by(User.role, User.username))
    found = context.policy_or_none()
    return render_template("admin/users.html", users=list(rows), roles=ROLES, groups=found[1].groups if found else ())


@bp.post("/users")
@login_required("admin")
def add_user() -> ResponseReturnValue:
    found = context.policy_or_none()
    session = db.session()
    password = random_password()
    groups = users.parse_groups(",".join(request.form.getlist("groups")), found[1].groups if found else None)
    created = users.add_user(
        session, request.form.get("username", "").strip(), role=request.form.get("role", ""), groups=groups,
        password=password, actor=user().username, now=context.now(),
    )  # fmt: skip
    commit(session)
    return render_template("admin/password_once.html", username=created.username, password=password)


@bp.post("/users/<int:user_id>")
@login_required("admin")
def change_user(user_id: int) -> ResponseReturnValue:
    session = db.session()
    target = session.get(User, user_id)
    if target is None:
        raise ConsoleError(translate("Onbekende gebruiker."))
    found = context.policy_or_none()
    role = request.form.get("role", target.role)
    if role not in ROLES:
        raise ConsoleError(translate("Onbekende rol."))
    if target.id == user().id and (role != "admin" or request.form.get("active") != "1"):
        raise ConsoleError(translate("Je kunt je eigen beheerrechten niet afnemen."))
    target.role = role
    target.groups = users.parse_groups(",".join(request.form.getlist("groups")), found[1].groups if found else None)
    target.active = request.form.get("active") == "1"
    if request.form.get("unlock") == "1":
        target.locked_until, target.failed_logins = 0.0, 0
    detail = f"{target.username}: {role}; {target.groups_text}; {'active' if target.active else 'disabled'}"
    audit.record(session, at=context.now(), actor=user().username, action="user-changed", detail=detail)
    commit(session)
    flash(translate("Gebruiker {name} bijgewerkt.", name=target.username))
    return redirect(url_for("admin.users"), 303)


from console.web import admin_policy, admin_records  # noqa: E402  (their routes join this blueprint)

__all__ = ["admin_policy", "admin_records", "bp"]
