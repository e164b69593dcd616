"""GET /api/v1/openapi.yaml: the API's contract, served as it ships in the package."""

from __future__ import annotations

from pathlib import Path

from flask import Response

from console.api import blueprint

DOCUMENT = Path(__file__).resolve().parent.parent / "openapi.yaml"


@blueprint.get("/openapi.yaml")
def openapi_document() -> Response:
    return Response(DOCUMENT.read_text(encoding="utf-8"), mimetype="application/yaml")
