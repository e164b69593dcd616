"""English for the pages' Dutch texts (see i18n.py)."""

from __future__ import annotations

ENGLISH: dict[str, str] = {}
