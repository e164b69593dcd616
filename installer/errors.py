"""The installer's one user-error class: what went wrong and what to do, in one message.
cli.main prints it and exits 1; nothing else is caught there."""

from __future__ import annotations


class InstallError(Exception):
    """A failure the operator can act on. The text says what happened and what to do."""
