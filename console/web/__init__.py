"""The pages: one blueprint per feature."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from console.web import i18n

    i18n.init_app(app)
