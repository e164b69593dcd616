"""Errors shown as pages (the API answers JSON instead, see api/common.py)."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue


def page_error(status: int, message: str) -> ResponseReturnValue:
    return render_template("error.html", status=status, message=message), status
