"""What people read instead of identifiers: a service's title from the school's policy
("YouTube", not "youtube"), the kind of a grant and a person's role, in the page's
language."""

from __future__ import annotations

from flask import Flask

from console import context
from console.web.i18n import translate

KINDS = {"exception": "uitzondering", "media": "media-toestemming", "lesson": "les"}
ROLES = {"teacher": "leerkracht", "directie": "directie", "admin": "beheerder"}


def service_title(name: str) -> str:
    if name == "*":
        return translate("alle")
    found = context.policy_or_none()
    service = found[1].services.get(name) if found is not None else None
    return service.title if service is not None else name


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
