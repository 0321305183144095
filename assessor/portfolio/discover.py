"""The workbooks a batch reads: every .xlsx and .xlsm under the folders given (and the files given),
in one sorted order, without Excel's lock files, hidden files or the batch's own output folder; and
whether a workbook there is one of the batch's own reports, which a batch may skip."""
from __future__ import annotations

import html
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from assessor.errors import InputError, Problem
from assessor.paths import real_path
from assessor.xlsx import CREATOR

SUFFIXES = (".xlsx", ".xlsm")
# The parts a report is told by, each a few KB; a part larger than this is no report of ours.
_PART_BYTES = 1024 * 1024
_UNREADABLE = (OSError, zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError, NotImplementedError)


def workbooks(paths: list[Path], exclude: Path | None = None) -> list[Path]:
    """Every workbook under ``paths``, each once, sorted (folders are walked without following links)."""
    found: dict[Path, Path] = {}
    missing = []
    skip = real_path(exclude) if exclude is not None and exclude.exists() else None
    for given in paths:
        given = Path(given)
        if given.is_file():
            found.setdefault(real_path(given), given)
        elif given.is_dir():
            for path in under(given, skip):
                found.setdefault(real_path(path), path)  # a link that loops: listed, and its read fails
        else:
            missing.append(Problem(str(given), "", "not found", "", "a workbook or a folder of workbooks"))
    if missing:
        raise InputError(f"{len(missing)} path(s) not found", missing)
    return sorted(found.values(), key=lambda p: str(p))


def under(folder: Path, skip: Path | None = None) -> Iterator[Path]:
    """The workbooks in ``folder`` and its subfolders, but not in hidden ones nor in ``skip`` (a real path)."""
    for here, dirs, files in os.walk(folder):
        here = Path(here)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (skip is None or real_path(here / d) != skip))
        for name in sorted(files):
            if is_workbook_name(name):
                yield here / name


def is_workbook_name(name: str) -> bool:
    return name.lower().endswith(SUFFIXES) and not name.startswith(("~$", "."))


def is_report(path: Path) -> bool:
    """Whether ``path`` is a workbook our report writers made (an office's report, a portfolio, a
    history): made by pmo-assess (``dc:creator``, which Excel and LibreOffice keep when they save it
    again) and holding nothing of a questionnaire, no sheet the reader reads one from and no template
    stamp. The template is made by pmo-assess too, so the creator alone does not tell: a client's
    workbook keeps the template's sheets and stamp, and one whose sheets were copied into a new file
    has another creator. Anything that cannot be told (not a workbook, damaged, hostile, written in a
    way we do not recognise) is no report, and a batch then refuses the folder rather than skip it.

    Reads three small parts of the zip, bounded, with patterns rather than an XML parser (half a
    millisecond a report, most of it zipfile reading the directory; defusedxml doubled it, and no DTD
    is expanded here either). Only the workbooks inside a batch's output folder are asked."""
    from assessor.questionnaire import layout as L

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a pipe named .xlsx would block the read
            return False
        with zipfile.ZipFile(path) as archive:
            core = _part(archive, "docProps/core.xml")
            book = _part(archive, "xl/workbook.xml")
            custom = _part(archive, "docProps/custom.xml") or b""
    except _UNREADABLE:
        return False
    creator = _CREATOR.search(core or b"")
    sheets = [_norm(name) for name in _names(_SHEET, book or b"")]
    if creator is None or not sheets:
        return False
    creator = html.unescape(creator.group(1).decode("utf-8", "replace")).strip()
    if creator != CREATOR and not creator.startswith(CREATOR + " "):
        return False
    questionnaire = {_norm(name.encode()) for name in (*L.REQUIRED_SHEETS, L.META)}
    stamp = {name.encode() for name in (L.PROP_ID, L.PROP_VERSION, L.PROP_HASH)}
    return (not questionnaire.intersection(sheets) and L.NAME_VERSION.encode() not in _names(_DEFINED, book)
            and not stamp.intersection(_names(_PROPERTY, custom)))


# what the parts say, as Excel, LibreOffice and openpyxl write them (any namespace prefix, either quote)
_CREATOR = re.compile(rb"<(?:\w+:)?creator>([^<]*)</(?:\w+:)?creator>")
_NAMED = rb"\s[^>]*?\bname=(?:\"([^\"]*)\"|'([^']*)')"
_SHEET, _DEFINED, _PROPERTY = (re.compile(rb"<(?:\w+:)?" + tag + _NAMED) for tag in (b"sheet", b"definedName", b"property"))


def _names(pattern: re.Pattern, xml: bytes) -> list[bytes]:
    return [double or single for double, single in pattern.findall(xml)]


def _norm(name: bytes) -> str:
    """A sheet name as the reader matches it: spacing and case set aside."""
    return " ".join(html.unescape(name.decode("utf-8", "replace")).split()).lower()


def _part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _PART_BYTES:
        raise ValueError(f"{name} is too large for a report's")
    with archive.open(info) as part:
        return part.read(_PART_BYTES + 1)[:_PART_BYTES]


