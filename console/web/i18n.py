"""Dutch by default, English selectable. Flask-Babel picks the locale (and formats dates);
the texts are a simple catalog (web/catalog.py): pages are written in Dutch and the
catalog gives the English. A text missing from the catalog shows in Dutch."""

from __future__ import annotations

from typing import Any

from flask import Flask, session
from flask_babel import Babel, get_locale  # type: ignore[import-untyped]

from console.errors import ConsoleError
from console.web.catalog import DUTCH_ERRORS, ENGLISH

LOCALES = ("nl", "en")


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LOCALES:
        return str(chosen)
    return "nl"


def translate(text: str, **values: Any) -> str:
    locale = str(get_locale() or "nl")
    found = ENGLISH.get(text, text) if locale == "en" else text
    return found.format(**values) if values else found


def translate_error(exc: ConsoleError) -> str:
    """A service error for a page: Dutch from the catalog when the page is Dutch."""
    dutch = DUTCH_ERRORS.get(exc.template) if current_locale() == "nl" else None
    return dutch.format(**exc.values) if dutch else str(exc)


def current_locale() -> str:
    return str(get_locale() or "nl")


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["_"] = translate
    app.jinja_env.globals["current_locale"] = current_locale
