"""Importing openpyxl, the one spreadsheet library we use, at a lower start-up cost.

openpyxl imports numpy only to recognise numpy number types when *writing*
cells; we never hand it numpy values. Hiding numpy while openpyxl loads saves
about 80 ms of every command's start-up (measured by bench/), which is what
keeps `pmo-assess validate` well under its 0.6 s budget. If numpy is already
loaded (pandas ran first) nothing is hidden.
"""
from __future__ import annotations

import functools
import sys

# Every workbook the tool writes names it as its creator ("pmo-assess 0.1.0" or "pmo-assess"): a batch
# tells its own earlier reports from client workbooks by it (portfolio.discover.is_report).
CREATOR = "pmo-assess"


def openpyxl():
    if "openpyxl" in sys.modules:
        return sys.modules["openpyxl"]
    hide = "numpy" not in sys.modules
    if hide:
        sys.modules["numpy"] = None  # makes `import numpy` raise ImportError, which openpyxl tolerates
    try:
        import openpyxl as module
    finally:
        if hide:
            del sys.modules["numpy"]
    return module


def make_reproducible(path, when) -> None:
    """Rewrite a saved .xlsx so that saving the same content twice gives the same bytes:
    openpyxl stamps the save time in docProps/core.xml and in every zip entry."""
    import re
    import zipfile
    from pathlib import Path

    path = Path(path)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    tmp = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)
    tmp.replace(path)


def column_letter(col: int) -> str:
    """Spreadsheet column name of a 1-based index: 1 -> A, 27 -> AA."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@functools.lru_cache(maxsize=8192)
def cell_order(ref: str):
    """Sort key for ``Sheet!B10``: sheet, then column (A..Z, AA..), then row, as a reader scans."""
    sheet, _, cell = ref.partition("!")
    letters = cell.rstrip("0123456789")
    digits = cell[len(letters):]
    return (sheet, len(letters), letters, int(digits) if digits else 0)


def wrapped_lines(value, width) -> int:
    """Roughly how many lines a wrapped cell needs at this column width: spreadsheet programs do not
    grow a row for wrapped text they did not wrap themselves, so a writer sets the height."""
    text = str(value or "")
    return max(1, sum(-(-max(len(part), 1) // max(int((width or 10) * 1.1), 1)) for part in text.split("\n")))


ROW_POINTS = 15       # one line of 11-point text
MOST_POINTS = 409     # Excel's tallest row


def row_height(lines: int) -> float:
    return min(ROW_POINTS * lines, MOST_POINTS)
