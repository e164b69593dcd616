"""Errors of the core that are meant for a person to read and fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, located compiler-style."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.path}: {self.message}"


class PolicyError(ValueError):
    """A policy file that does not load. Carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str, message: str) -> PolicyError:
        """A problem with the file as a whole (unreadable, empty)."""
        return cls([Problem(file, 1, 1, "(file)", message)])


class UserError(Exception):
    """Bad input from the command line; shown as one line by the CLI."""
