"""CSRF on every form, security headers with a strict CSP, and the JSON API's exemption
(it authenticates with a bearer secret, not a cookie, so CSRF does not apply)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request
from flask_wtf.csrf import CSRFProtect  # type: ignore[import-untyped]

csrf = CSRFProtect()

# No inline script anywhere: pages load /static/*.js. Inline SVG charts use presentation
# attributes, not style attributes, so style-src needs no 'unsafe-inline' either.
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def init_app(app: Flask) -> None:
    csrf.init_app(app)

    @app.after_request
    def secure_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config["TLS"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def exempt_api(app: Flask, api: Blueprint) -> None:
    csrf.exempt(api)
    from console.api.common import init_errors

    init_errors(app)
