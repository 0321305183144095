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
