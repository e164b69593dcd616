"""The agent API, JSON under /api/v1 (DESIGN.md "Agent ↔ console", console/openapi.yaml).

Devices authenticate with `Authorization: Bearer <device_secret>`. Every error is
`{"error": "..."}` with a 4xx status (503 while the console has no policy yet)."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

from console.api import document, enroll, health, reports, sync  # noqa: E402  (routes register on import)

__all__ = ["blueprint", "document", "enroll", "health", "reports", "sync"]
