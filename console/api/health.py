"""GET /api/v1/health: for a load balancer, a monitoring check and the installer.

No authentication and nothing about devices, people or browsing: only whether the
database answers and which policy version is in force (null: none imported yet)."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from console import db, policy_store
from console.api import blueprint


@blueprint.get("/health")
def health() -> ResponseReturnValue:
    try:
        version = policy_store.current_version(db.session())
    except SQLAlchemyError as exc:
        db.session().rollback()
        cause = getattr(exc, "orig", None) or exc  # the driver's own error names the kind best
        reason = type(cause).__name__
        return jsonify({"status": "unavailable", "database": f"error ({reason})", "policy_version": None}), 503
    number = version.id if version is not None else None
    return jsonify({"status": "ok", "database": "ok", "policy_version": number})
