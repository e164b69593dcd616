"""classguard's web console: teachers' exceptions, directie's permissions, IT's policy,
and the API the laptops sync with. `create_app` is the Flask app factory."""

from __future__ import annotations

from console.app import create_app

__all__ = ["create_app"]
