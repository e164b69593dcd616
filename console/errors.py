"""The console's one user-error family: what went wrong, in words a person can act on,
with the HTTP status the API and the pages answer with."""

from __future__ import annotations


class ConsoleError(ValueError):
    """`message` is an English template filled with `values`; pages look the template up
    in web/catalog.py to show it in Dutch (the CLI and the API speak English)."""

    status = 400

    def __init__(self, message: str, **values: object) -> None:
        self.template = message
        self.values = values
        super().__init__(message.format(**values) if values else message)


class Forbidden(ConsoleError):
    status = 403


class NotFound(ConsoleError):
    status = 404


class Conflict(ConsoleError):
    status = 409


class Unavailable(ConsoleError):
    status = 503
