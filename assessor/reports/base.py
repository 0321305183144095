"""The interface every reporter follows."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol


class Reporter(Protocol):
    name: str
    binary: bool

    def render(self, data: dict) -> str | bytes:
        """The whole report for ``Assessment.to_dict()`` output."""

    def write(self, data: dict, path: Path) -> None:
        """Write the report to ``path`` (a temporary file the caller renames into place)."""


class TextReporter:
    """Reporters whose output is one text document."""

    name = "text"
    binary = False

    def render(self, data: dict) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def write(self, data: dict, path: Path) -> None:
        Path(path).write_text(self.render(data), encoding="utf-8", newline="\n")


def raci_letters(row: dict) -> dict[str, str]:
    """Role id -> its letter on one ``coverage.responsibilities[]`` row (A and R together: A/R)."""
    letters: dict[str, str] = {}
    for key, letter in (("informed", "I"), ("consulted", "C"), ("responsible", "R"), ("accountable", "A")):
        for role in row[key]:
            letters[role] = "A/R" if (letter == "A" and letters.get(role) == "R") else letter
    return letters


def file_name(path: str) -> str:
    """The file's name without its folder, for a reader who knows which workbook it is."""
    return str(path).replace("\\", "/").rsplit("/", 1)[-1]
