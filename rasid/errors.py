"""Errors a user can act on. Messages name the problem; callers add the file name."""

from __future__ import annotations


class RasidError(Exception):
    """Base class for errors shown to the user as one line."""


class IngestError(RasidError):
    """A file or record that cannot be read; the message says what is wrong with it."""

    def __init__(self, problem: str, *, origin: str = "", line: int | None = None):
        self.problem = problem
        self.origin = origin
        self.line = line
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.origin
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        return f"{where}: {self.problem}" if where else self.problem

    def at(self, origin: str, line: int | None = None) -> IngestError:
        return IngestError(self.problem, origin=origin, line=line if line is not None else self.line)
