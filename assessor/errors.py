"""User-facing errors.

Anything raised from this family is the user's input being wrong (a workbook, a
question bank, a rule file, a command-line option), never a bug. The CLI prints
each one as readable lines and exits 2; any other exception is a bug and keeps
its traceback so it can be reported.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from assessor.terminal import shown


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or suspicious) in one input, with where it is.

    ``location`` is a spreadsheet reference such as ``Questions!E14`` or a key
    path such as ``questions[3].level``; ``found`` and ``expected`` let a user fix
    the input without reading our code.
    """

    file: str
    location: str
    message: str
    found: str = ""
    expected: str = ""
    severity: str = "error"  # "error" stops the run; "warning" is reported only

    def __str__(self) -> str:
        where = f"{self.file}: {self.location}" if self.location else self.file
        text = f"{where}: {self.severity}: {self.message}"
        details = []
        if self.found != "":
            details.append(f"found {self.found}")
        if self.expected:
            details.append(f"expected {self.expected}")
        if details:
            text += " (" + "; ".join(details) + ")"
        return shown(text)  # one line, and a workbook's control characters never reach a terminal raw


class AssessorError(Exception):
    """Base of every error caused by user input; the CLI exits 2 on these."""

    def __init__(self, message: str, problems: tuple[Problem, ...] | list[Problem] = (), consequence: str = ""):
        super().__init__(message)
        self.problems = tuple(problems)
        self.consequence = consequence  # what did not happen, said after the problems ("nothing was imported")

    def lines(self) -> list[str]:
        """The readable lines to print, one per problem (or the message)."""
        if self.problems:
            return [str(p) for p in self.problems]
        return [shown(str(self))]


class InputError(AssessorError):
    """A workbook cannot be read or does not follow the questionnaire format."""


class UnsafeFileError(InputError):
    """A file refused before any parser saw it (too large, bomb, encrypted...)."""


class BankError(AssessorError):
    """A question bank or catalogue file is invalid."""


class RuleError(AssessorError):
    """A rule file is invalid."""


class OutputError(AssessorError):
    """An output cannot be written where the user asked."""


def quote(value: object) -> str:
    """Show a found value the way a user would recognise it in a cell."""
    if value is None:
        return "an empty cell"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return repr(shown)
    return _when(value) or repr(value)


def _when(value: object) -> str:
    """A date or time as Excel shows it, not as Python's repr (datetime.datetime(2026, 1, 1, 0, 0))."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return f"{value:%Y-%m-%d} (a date)"
        return f"{value:%Y-%m-%d} {_clock(value)} (a date and time)"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d} (a date)"
    if isinstance(value, dt.time):
        return f"{_clock(value)} (a time)"
    if isinstance(value, dt.timedelta):
        return f"{value} (a duration)"
    return ""


def _clock(value) -> str:
    return f"{value:%H:%M:%S}" if value.second else f"{value:%H:%M}"
