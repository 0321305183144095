"""One reporter per output format, found by name or file extension.

Every reporter reads only ``Assessment.to_dict()`` and escapes untrusted text
for its own format. Reporters are imported lazily: writing JSON should not pay
for openpyxl.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from assessor.errors import OutputError

# format name -> (module, extensions)
REGISTRY: dict[str, tuple[str, tuple[str, ...]]] = {
    "console": ("assessor.reports.console", ()),
    "json": ("assessor.reports.json_report", (".json",)),
    "xlsx": ("assessor.reports.xlsx_report", (".xlsx",)),
    "html": ("assessor.reports.html_report", (".html", ".htm")),
    "pdf": ("assessor.reports.pdf_report", (".pdf",)),
}


# the store's documents (history, comparison, benchmark): JSON as for an assessment, Excel and HTML their own
DOCUMENTS: dict[str, str] = {
    "json": "assessor.reports.json_report",
    "xlsx": "assessor.reports.store_xlsx",
    "html": "assessor.reports.store_html",
}


def document_reporter(path: Path):
    """The reporter of a store document for ``path``'s extension (.json, .xlsx, .html)."""
    suffix = Path(path).suffix.lower()
    for name, (_, extensions) in REGISTRY.items():
        if suffix in extensions and name in DOCUMENTS:
            return importlib.import_module(DOCUMENTS[name]).REPORTER
    raise OutputError(f"{path}: cannot tell the format from the extension {suffix or '(none)'}: "
                      "use .xlsx, .html or .json")


def formats() -> list[str]:
    return list(REGISTRY)


def for_output(path: Path | None, fmt: str | None) -> str:
    """The format to write: ``--format`` if given, else from the output's extension, else console."""
    if fmt:
        if fmt not in REGISTRY:
            raise OutputError(f"unknown format {fmt!r}: expected one of {', '.join(REGISTRY)}")
        implied = _by_extension(path)
        if implied and implied != fmt:  # -o x.json --format html would write HTML into x.json
            fix = (f"or name the file with {' or '.join(REGISTRY[fmt][1])}" if REGISTRY[fmt][1] else
                   "or leave out -o to print it")
            raise OutputError(f"{path}: --format {fmt} contradicts the extension {Path(path).suffix}: drop --format, {fix}")
        return fmt
    if path is None:
        return "console"
    suffix = Path(path).suffix.lower()
    for name, (_, extensions) in REGISTRY.items():
        if suffix in extensions:
            return name
    known = ", ".join(e for _, exts in REGISTRY.values() for e in exts)
    raise OutputError(f"{path}: cannot tell the format from the extension {suffix or '(none)'}: "
                      f"use one of {known} or --format")


def _by_extension(path: Path | None) -> str | None:
    suffix = Path(path).suffix.lower() if path is not None else ""
    return next((name for name, (_, extensions) in REGISTRY.items() if suffix in extensions), None)


def reporter(name: str):
    module = importlib.import_module(REGISTRY[name][0])
    return module.REPORTER


def render_bytes(made_by, data: dict) -> bytes:
    """A reporter's document as the bytes a file gets (text reporters write UTF-8)."""
    if hasattr(made_by, "render_bytes"):  # a reporter that makes its bytes directly (JSON)
        return made_by.render_bytes(data)
    made = made_by.render(data)
    return made.encode("utf-8") if isinstance(made, str) else made
