"""The console's one user-error family: what went wrong, in words a person can act on,
with the HTTP status the API and the pages answer with."""

from __future__ import annotations


class ConsoleError(ValueError):
    status = 400


class Forbidden(ConsoleError):
    status = 403


class NotFound(ConsoleError):
    status = 404


class Conflict(ConsoleError):
    status = 409


class Unavailable(ConsoleError):
    status = 503
