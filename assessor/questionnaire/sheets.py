"""A workbook's sheets as plain grids of cells, and its template stamp, read once.

Two readers give the same grids (tests/test_sheets.py holds them to it):
- python-calamine, for a *plain* workbook: every cell and row written with its position, within the
  sheet limits, no formulas and no error values. That is every workbook our template gives and Excel
  or LibreOffice saves, and it reads in about the time it takes to unzip it.
- openpyxl in read-only mode, formulas kept as text, for anything else: a formula must be seen as one
  (its text is what the validation messages quote), and calamine would build a sheet as large as its
  farthest cell, which a hostile file can put at XFD1048576.
Deciding which costs a few byte searches over the sheets' XML, never a parse.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
import warnings
import zipfile
from pathlib import Path
from typing import NamedTuple

from assessor.errors import InputError, Problem
from assessor.questionnaire import layout as L
from assessor.xlsx import column_letter as _letter

_LETTERS = [_letter(c) for c in range(1, L.MAX_COLUMNS + 1)]


class Cell(NamedTuple):
    value: object
    formula: bool
    ref: str  # "Sheet!B7"

    @property
    def blank(self) -> bool:
        return _blank(self.value)

    @property
    def text(self) -> str:
        return "" if self.value is None else str(self.value).strip()


class Grid:
    """One sheet's cells by (row, column), both 1-based, read once.

    In ``rows`` an empty cell may be None (the fast reader makes no object for the thousand empty cells
    of a RACI); ``cell()`` always gives a Cell, with its reference."""

    def __init__(self, name: str, rows: list[list[Cell | None]]):
        self.name = name
        self.rows = rows

    def cell(self, row: int, col: int) -> Cell:
        if row <= len(self.rows) and col <= len(self.rows[row - 1]):
            found = self.rows[row - 1][col - 1]
            if found is not None:
                return found
        return Cell(None, False, f"{self.name}!{_letter(col)}{row}")

    def data_rows(self):
        """(row number, cells) for every non-empty row below the header (cells may hold None: empty)."""
        for number, cells in enumerate(self.rows[1:], start=2):
            if any(c is not None and not c.blank for c in cells):
                yield number, cells

    def pairs(self):
        """The first two columns of the rows below the header, as Cells (the hidden sheet's key | value)."""
        for number in range(2, len(self.rows) + 1):
            if len(self.rows[number - 1]) >= 2:
                yield self.cell(number, 1), self.cell(number, 2)


def load(path: Path) -> tuple[dict[str, Grid], dict[str, str], list]:
    """(grids by sheet title, the stamp's raw values, notes on what was not read) of a guarded workbook."""
    try:
        with zipfile.ZipFile(path) as archive:  # opened once for the checks and the stamp
            formulas = _plain(archive)
            if formulas is not None:
                grids = _calamine(path, formulas)
                return grids, _stamp_of(archive, grids), []
    except (_NotPlain, zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, KeyError):
        pass  # openpyxl then reads it, or says what is wrong, as it always has
    return _openpyxl(path)


# -- which reader ---------------------------------------------------------------------------------

_FORMULA = re.compile(rb"<f[\s/>]")
# A cell or row whose position is not written first as Excel, LibreOffice and openpyxl write it, in
# capitals, within column GR (200) and below row 5000: left implicit, the sheet's size is not bounded
# by what we can see; past or near the limits, calamine would build the sheet out to it; in lower case
# ("xfd1048576") calamine takes it as XFD1048576. Any of them costs only the slower reader. (One
# pattern of what is good, not three of what is bad: this scan was a tenth of an assessment.)
_COLUMN = rb"(?:[A-F]?[A-Z]|G[A-R])"
_ROW = rb"(?:[0-9]{1,3}|[0-4][0-9]{3})"
_UNBOUNDED = re.compile(rb'<c(?=[\s/>])(?! r="' + _COLUMN + _ROW + rb'")|<row(?=[\s/>])(?! r="' + _ROW + rb'")')
# a plain formula, as Excel writes one that is neither shared nor an array: <f>TEXT</f> in its cell
_PLAIN_FORMULA = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*>(?:<v>[^<]*</v>)?<f>([^<]*)</f>')
_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)")


def plain(path: Path) -> dict[str, dict] | None:
    """The plain formulas of each worksheet (``{title: {(row, col): text}}``, mostly empty), or None when
    some worksheet's XML is not plain (see the module's docstring)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _plain(archive)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, KeyError):
        return None


def _plain(archive: zipfile.ZipFile) -> dict[str, dict] | None:
    assert L.MAX_ROWS == 5000 and L.MAX_COLUMNS == 200, "_COLUMN and _ROW spell out the sheet limits"
    found = {}
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            formulas = _plain_sheet(archive.read(name))
            if formulas is None:
                return None
            if formulas:
                found[name] = formulas
    return _by_title(archive, found) if found else found  # keyed by sheet title, as calamine names sheets


def _plain_sheet(xml: bytes) -> dict | None:
    if b"<sheetData" not in xml:  # a prefixed namespace (<x:c>): the searches below would see nothing
        return None
    if b' t="e"' in xml:
        return None
    if _UNBOUNDED.search(xml):
        return None
    if not _FORMULA.search(xml):
        return {}
    return _formulas(xml)


def _formulas(xml: bytes) -> dict | None:
    """Each plain formula's text, openpyxl's way ("=" and the XML text); None if any is not plain
    (shared, array, with attributes, or an entity XML does not define: openpyxl decides those)."""
    from html import unescape

    formulas = {}
    for match in _PLAIN_FORMULA.finditer(xml):
        letters, row, text = match.groups()
        if _ENTITY.search(text):
            return None
        col = 0
        for ch in letters:
            col = col * 26 + ch - 64
        formulas[int(row), col] = "=" + unescape(text.decode("utf-8"))
    if len(formulas) != len(_FORMULA.findall(xml)):
        return None  # a formula the pattern did not take
    return formulas


def _by_title(archive: zipfile.ZipFile, by_part: dict) -> dict:
    from defusedxml import ElementTree

    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    found = {}
    for sheet in (e for e in book.iter() if _local(e.tag) == "sheet"):
        rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if part in by_part:
            found[sheet.get("name")] = by_part.pop(part)
    if by_part:
        raise KeyError("a worksheet part that no sheet names")
    return found


class _NotPlain(Exception):
    """Something the byte checks did not see: read the workbook with openpyxl instead."""


# -- python-calamine --------------------------------------------------------------------------------

_CUSTOM_TEXT = {"lpwstr", "lpstr", "bstr"}


def _failed(exc: BaseException) -> bool:
    """A failure of calamine's: any Exception, or a panic in its Rust code, which pyo3 raises as a
    PanicException deriving from BaseException (not Ctrl-C, not an exit)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _calamine(path: Path, formulas: dict | None = None):
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except BaseException as exc:  # any failure: the reference reader decides what to say
        if not _failed(exc):
            raise
        raise _NotPlain() from None
    grids = {}
    try:
        for meta in workbook.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            values = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            grids[meta.name] = _grid_of(meta.name, values, (formulas or {}).get(meta.name))
    except BaseException as exc:
        if not _failed(exc):
            raise
        raise _NotPlain() from None
    finally:
        workbook.close()
    return grids


def _grid_of(title: str, values: list[list], formulas: dict | None = None) -> Grid:
    rows = []
    prefix = f"{title}!"
    make, date, limit = tuple.__new__, dt.date, 2 ** 53  # the loop below runs once per cell: kept lean
    for r, row in enumerate(values, start=1):
        end = min(len(row), L.MAX_COLUMNS)
        while end and _blank(row[end - 1]):
            end -= 1
        cells = []
        number = str(r)
        for c in range(end):
            value = row[c]
            kind = type(value)
            formula = False
            if kind is str:  # as openpyxl gives them: no cell is "", whole numbers are ints, dates datetimes
                if not value:
                    cells.append(None)  # an empty cell: Grid.cell makes it when asked
                    continue
                if value[0] == "=" and len(value) > 1:
                    formula = True
            elif kind is float:
                if value.is_integer() and -limit < value < limit:
                    value = int(value)
            elif kind is date:
                value = dt.datetime(value.year, value.month, value.day)
            cells.append(make(Cell, (value, formula, prefix + _LETTERS[c] + number)))
        rows.append(cells)
    for (r, c), text in sorted((formulas or {}).items()):  # calamine gave the cached value: the formula is read
        if c > L.MAX_COLUMNS:
            continue
        while len(rows) < r:
            rows.append([])
        cells = rows[r - 1]
        while len(cells) < c:
            cells.append(None)
        cells[c - 1] = make(Cell, (text, True, prefix + _LETTERS[c - 1] + str(r)))
    while rows and not rows[-1]:
        rows.pop()
    return Grid(title, rows)


def _blank(value) -> bool:
    return value == "" or value is None or (isinstance(value, str) and not value.strip())


def _stamp_of(archive: zipfile.ZipFile, grids: dict[str, Grid]) -> dict[str, str]:
    """The template stamp's raw values, as the openpyxl reader collects them."""
    from defusedxml import ElementTree

    stamp = {}
    names = set(archive.namelist())
    if "docProps/custom.xml" in names:
        for prop in ElementTree.fromstring(archive.read("docProps/custom.xml")):
            name = prop.get("name")
            typed = list(prop)
            if name is None or len(typed) != 1 or _local(typed[0].tag) not in _CUSTOM_TEXT:
                raise _NotPlain()  # a typed property: openpyxl's str() of it is the reference
            stamp[f"prop:{name}"] = typed[0].text or ""
    stamp.update(_meta_stamp(grids))
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    for element in book.iter():
        if _local(element.tag) == "definedName" and element.get("name") == L.NAME_VERSION \
                and element.get("localSheetId") is None:
            stamp["name:version"] = (element.text or "").strip('"')
    return stamp


def _meta_stamp(grids: dict[str, Grid]) -> dict[str, str]:
    """The stamp's copy in the hidden sheet: key | value rows under a header."""
    if L.META not in grids:
        return {}
    return {f"meta:{key.text}": value.text for key, value in grids[L.META].pairs() if not key.blank}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# -- openpyxl -----------------------------------------------------------------------------------------

@contextlib.contextmanager
def untrusted_workbook(path: Path):
    """openpyxl's read-only view of a workbook that passed the file guards (formulas kept as text);
    a parser failure on it is a damaged workbook, said as an InputError, never our traceback."""
    from assessor.xlsx import openpyxl as _module

    openpyxl = _module()
    if not getattr(openpyxl, "DEFUSEDXML", False):
        # Without defusedxml, openpyxl would expand XML entities from untrusted files.
        raise InputError("defusedxml is not active for openpyxl (is OPENPYXL_DEFUSEDXML=False set?); "
                         "refusing to read untrusted workbooks")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it drops (extensions, slicers); they do not matter here.
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:
        raise InputError(f"{path}: cannot be read", [Problem(
            str(path), "", "cannot be read as an Excel workbook: the file is damaged or not a workbook; "
            "open it in Excel and save it again as .xlsx", type(exc).__name__)]) from None
    try:
        yield wb
    except InputError:
        raise
    except Exception as exc:  # malformed sheet XML surfaces only while iterating
        raise InputError(f"{path}: cannot be read", [Problem(
            str(path), "", "a sheet of this workbook is damaged and cannot be read; open it in Excel and "
            "save it again as .xlsx", type(exc).__name__)]) from None
    finally:
        wb.close()


def _openpyxl(path: Path):
    """Parse the workbook once into plain grids (openpyxl, read-only, formulas kept as text)."""
    with untrusted_workbook(path) as wb:
        grids, notes = {}, []
        for ws in wb.worksheets:
            try:
                grids[ws.title] = _openpyxl_grid(ws, notes)
            except Exception as exc:  # malformed XML in this sheet: say which sheet, not just "a sheet"
                raise InputError(f"{path}: cannot be read", [Problem(
                    str(path), ws.title, f"the sheet {ws.title!r} is damaged and cannot be read; open the "
                    "workbook in Excel and save it again as .xlsx", type(exc).__name__)]) from None
        stamp = {}
        for prop in getattr(wb, "custom_doc_props", []) or []:
            stamp[f"prop:{prop.name}"] = str(prop.value)
        stamp.update(_meta_stamp(grids))
        if L.NAME_VERSION in wb.defined_names:
            stamp["name:version"] = str(wb.defined_names[L.NAME_VERSION].attr_text).strip('"')
        return grids, stamp, notes


_PLAIN_VALUES = (str, int, float, dt.datetime, dt.date, dt.time, dt.timedelta, type(None))


def _formula_text(value) -> str:
    """The text of a formula openpyxl gives as an object: an array formula's own text, a data table as
    Excel shows it (=TABLE(row input, column input)). Never the object's repr, which holds an address
    and would change from run to run."""
    text = getattr(value, "text", None)
    if isinstance(text, str) and text:
        return text if text.startswith("=") else f"={text}"
    if type(value).__name__ == "DataTableFormula":
        return f"=TABLE({getattr(value, 'r1', None) or ''},{getattr(value, 'r2', None) or ''})"
    return f"={type(value).__name__}"


# Excel writes a character XML cannot hold as _xHHHH_ (a carriage return pasted from another program is
# _x000D_); calamine reads back those below U+0100 as the character and leaves the others as text,
# openpyxl leaves them all. The openpyxl path does as calamine does, so both readers give one value.
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescaped(match) -> str:
    code = int(match.group(1), 16)
    return chr(code) if code < 0x100 else match.group(0)


def _error_note(errors: list[tuple[str, str]]) -> tuple:
    """One note per sheet for its error values, at the first: a sheet of failed lookups is one warning."""
    first, value = errors[0]
    others = [ref for ref, _ in errors[1:]]
    also = ""
    if others:
        also = f"; also {', '.join(others[:5])}" + (f" and {len(others) - 5} more" if len(others) > 5 else "")
    return (first, f"error value Excel could not compute, read as an empty cell{also}", str(value),
            "a value typed in the cell")


def _openpyxl_grid(ws, notes) -> Grid:
    """The cells the sheet's XML holds, parsed by openpyxl's read-only worksheet parser without its padding
    of every row to a column count (which made 200 cells a row and hid what lay past them). Each value goes
    where its own reference puts it, a later one over an earlier, an empty cell over none: as calamine
    places them (openpyxl's rows put a cell in its <row>, whatever its reference, and drop a row given
    again). A value beyond the column or row limits is not read, and a note says where it starts."""
    from openpyxl.utils.datetime import from_excel
    from openpyxl.worksheet._reader import WorkSheetParser

    placed: dict[int, dict[int, Cell]] = {}
    far = wide = None  # the first row, and the first cell, with a value beyond the limits
    errors: list[tuple[str, str]] = []  # (cell, error value) of the cells Excel could not compute
    book = ws.parent
    dates, durations = book._date_formats, book._timedelta_formats
    with ws._get_source() as source, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's own warnings name its files: what matters is said below
        # dates are typed below, so that a serial no date can have stays the number it is
        parser = WorkSheetParser(source, ws._shared_strings, data_only=False, epoch=book.epoch,
                                 date_formats=set(), timedelta_formats=set())
        for r, parsed in parser.parse():
            if r > L.MAX_ROWS:  # rows come in order in any real file: nothing is read past the limit
                far = far or r
                break
            for found in parsed:
                row, c, value, kind = found["row"], found["column"], found["value"], found["data_type"]
                if row > L.MAX_ROWS or c > L.MAX_COLUMNS:  # not read: only a value there is worth a note
                    if not _blank(value) and row > L.MAX_ROWS:
                        far = far or row
                    elif not _blank(value):
                        wide = wide or (row, c)
                    continue
                if row < 1 or value is None or value == "":
                    continue
                ref = f"{ws.title}!{_LETTERS[c - 1]}{row}"
                if kind == "e":  # #N/A, #REF!: nothing a respondent typed (a name "#N/A" held a role)
                    errors.append((ref, value))
                    continue
                if not isinstance(value, _PLAIN_VALUES):
                    value = _formula_text(value)  # an array or data-table formula comes as an object
                elif kind == "s" and "_x" in value:
                    value = _ESCAPE.sub(_unescaped, value)
                elif kind == "n" and found["style_id"] in dates and isinstance(value, (int, float)) and value >= 0:
                    try:  # (a negative serial is no date either: calamine gives it as a time, not 1899-12-29)
                        value = from_excel(value, book.epoch, timedelta=found["style_id"] in durations)
                    except (OverflowError, ValueError):
                        pass  # a serial no date can have: the number, which the reader says is not a date
                formula = kind == "f" or (isinstance(value, str) and value.startswith("=") and len(value) > 1)
                placed.setdefault(row, {})[c] = Cell(value, formula, ref)
    if far:
        notes.append((f"{ws.title}!A{far}", f"only the first {L.MAX_ROWS} rows are read", "", ""))
    if errors:
        notes.append(_error_note(errors))
    if wide:
        notes.append((f"{ws.title}!{_letter(wide[1])}{wide[0]}",
                      f"only the first {L.MAX_COLUMNS} columns (A to {_LETTERS[-1]}) are read", "", ""))
    rows: list[list[Cell | None]] = []
    for number in range(1, max(placed, default=0) + 1):
        by_column = placed.get(number, {})
        cells = [by_column.get(c) for c in range(1, max(by_column, default=0) + 1)]
        while cells and (cells[-1] is None or cells[-1].blank):
            cells.pop()
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return Grid(ws.title, rows)
