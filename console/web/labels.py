"""What people read instead of identifiers: a service's title from the school's policy
("YouTube", not "youtube"), the kind of a grant and a person's role, in the page's
language."""

from __future__ import annotations

from flask import Flask, g

from console import context
from console.web.i18n import translate

KINDS = {"exception": "uitzondering", "media": "media-toestemming", "lesson": "les"}
ROLES = {"teacher": "leerkracht", "directie": "directie", "admin": "beheerder"}


def _titles() -> dict[str, str]:
    """Service name → title, looked up once per request (a page names many services)."""
    if "service_titles" not in g:
        found = context.policy_or_none()
        g.service_titles = {name: s.title for name, s in found[1].services.items()} if found is not None else {}
    titles: dict[str, str] = g.service_titles
    return titles


def service_title(name: str) -> str:
    if name == "*":
        return translate("alle")
    return _titles().get(name, name)


def service_titles(names: list[str]) -> str:
    return ", ".join(service_title(name) for name in names)


def grant_kind(kind: str) -> str:
    return translate(KINDS.get(kind, kind))


def role_name(role: str) -> str:
    return translate(ROLES.get(role, role))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["role_name"] = role_name
    app.jinja_env.filters["service_title"] = service_title
    app.jinja_env.filters["service_titles"] = service_titles
    app.jinja_env.filters["grant_kind"] = grant_kind
