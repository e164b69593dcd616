"""The pages: one blueprint per feature."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from console.web import access, admin, auth, directie, i18n, labels, teacher

    i18n.init_app(app)
    labels.init_app(app)
    app.jinja_env.globals["current_user"] = access.current_user
    for blueprint in (auth.bp, teacher.bp, directie.bp, admin.bp):
        app.register_blueprint(blueprint)
