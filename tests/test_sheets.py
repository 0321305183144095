"""The two sheet readers give the same grids and stamp: python-calamine for plain workbooks (plain
formulas read from the XML), openpyxl for the rest (shared or array formulas, error values, implicit
positions, cells beyond the limits, prefixed XML)."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from assessor.questionnaire import layout as L
from assessor.questionnaire import sheets
from assessor.xlsx import openpyxl

REPO = Path(__file__).resolve().parent.parent
WORKBOOKS = sorted(p for p in REPO.glob("samples/**/*.xlsx") if "broken" not in p.parts) + \
    sorted((REPO / "tests" / "fixtures").glob("**/*.xlsx")) + [REPO / "samples" / "broken" / "typos-and-gaps.xlsx",
                                                               REPO / "samples" / "broken" / "renamed-sheet.xlsx"]


def _same(path: Path):
    with zipfile.ZipFile(path) as archive:   # the fast reader, step by step (load() would fall back quietly)
        formulas = sheets._plain(archive)
        assert formulas is not None, path
        grids = sheets._calamine(path, formulas)
        fast = (grids, sheets._stamp_of(archive, grids), [])
    reference = sheets._openpyxl(path)
    def grids(loaded):   # every position up to each row's last value, through Grid.cell (None rows hold no Cell)
        out = {}
        for title, grid in loaded[0].items():
            out[title] = [[(c.value if c.value != "" else None, c.formula, c.ref)
                           for c in (grid.cell(r, k) for k in range(1, len(row) + 1))]
                          for r, row in enumerate(grid.rows, start=1)]
        return out
    assert list(fast[0]) == list(reference[0])            # the sheets, in workbook order
    assert grids(fast) == grids(reference)
    assert fast[1] == reference[1] and fast[2] == reference[2] == []


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_every_bundled_workbook_reads_the_same_with_both_readers(path):
    _same(path)   # atlas-rail's Questions!F50 and the broken sample's Questions!E4 are formulas


def test_values_of_every_kind_read_the_same(filled_workbook, tmp_path):
    wb = openpyxl().load_workbook(filled_workbook)
    ws = wb[L.PROFILE]
    # (whole numbers beyond 2**53 would come back as floats: no questionnaire holds one)
    values = [3, 3.5, -0.0, 1e20, 2 ** 52, dt.datetime(2027, 3, 4), dt.datetime(2027, 3, 4, 10, 30), dt.date(2027, 1, 2),
              True, False, "", "   ", " x ", "∑ café ‮", "#N/A text", 0.1 + 0.2]
    for i, value in enumerate(values, start=1):
        ws.cell(row=40 + i, column=3, value=value)
    ws.cell(row=60, column=L.MAX_COLUMNS, value="last column read")
    out = tmp_path / "kinds.xlsx"
    wb.save(out)
    _same(out)


def _with_sheet_xml(source: Path, out: Path, change) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = change(data)
            new.writestr(info, data)
    return out


@pytest.mark.parametrize("case, change", [
    ("a shared formula", lambda x: x.replace(b"</sheetData>", b'<row r="90"><c r="A90"><f t="shared" ref="A90:A91" si="0">1+1</f><v>2</v></c></row></sheetData>')),
    ("a formula with attributes", lambda x: x.replace(b"</sheetData>", b'<row r="90"><c r="A90"><f aca="false">1+1</f><v>2</v></c></row></sheetData>')),
    ("an entity XML does not define", lambda x: x.replace(b"</sheetData>", b'<row r="90"><c r="A90"><f>"&nbsp;"</f></c></row></sheetData>')),
    ("an error value", lambda x: x.replace(b"</sheetData>", b'<row r="90"><c r="A90" t="e"><v>#N/A</v></c></row></sheetData>')),
    ("a cell without its position", lambda x: x.replace(b"</sheetData>", b'<row r="90"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>')),
    ("a row without its position", lambda x: x.replace(b"</sheetData>", b'<row><c r="A9000"/></row></sheetData>')),
    ("a far column", lambda x: x.replace(b"</sheetData>", b'<row r="90"><c r="XFD90" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')),
    ("a far row", lambda x: x.replace(b"</sheetData>", b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')),
    ("a prefixed namespace", lambda x: re.sub(rb"<(/?)(sheetData|row|c|v)\b", rb"<\1x:\2", x)),
])
def test_unusual_sheets_go_to_openpyxl(filled_workbook, tmp_path, case, change):
    out = _with_sheet_xml(filled_workbook, tmp_path / "unusual.xlsx", change)
    assert sheets.plain(out) is None, case


def test_a_cell_at_the_last_column_and_row_of_excel_is_read_within_the_limits(filled_workbook, tmp_path, bank):
    """calamine would build a 17-billion-cell sheet: the byte check sends this file to openpyxl's capped read."""
    from assessor.questionnaire.reader import read_response

    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    out = _with_sheet_xml(filled_workbook, tmp_path / "far.xlsx", lambda x: x.replace(b"</sheetData>", far))
    response = read_response(out, bank)
    assert any(f"only the first {L.MAX_ROWS} rows are read" in w.message for w in response.warnings)


def test_a_value_beyond_the_last_column_read_is_a_warning_naming_its_cell(filled_workbook, tmp_path, bank):
    """The RACI of an office with more roles than the column limit lost the last ones without a word."""
    from assessor.questionnaire.reader import read_response

    wide = b'<row r="90"><c r="GS90" t="inlineStr"><is><t>lost</t></is></c><c r="HA90" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    out = _with_sheet_xml(filled_workbook, tmp_path / "wide.xlsx", lambda x: x.replace(b"</sheetData>", wide))
    warnings = [w for w in read_response(out, bank).warnings if "columns" in w.message]
    assert [(w.location, w.message) for w in warnings] == [
        ("Profile!GS90", f"only the first {L.MAX_COLUMNS} columns (A to GR) are read")]


def test_a_blank_or_styled_cell_beyond_the_last_column_is_no_warning(filled_workbook, tmp_path, bank):
    from assessor.questionnaire.reader import read_response

    styled = b'<row r="90"><c r="XFD90" s="0"/><c r="GS90" t="inlineStr"><is><t> </t></is></c></row></sheetData>'
    out = _with_sheet_xml(filled_workbook, tmp_path / "styled.xlsx", lambda x: x.replace(b"</sheetData>", styled))
    assert not [w for w in read_response(out, bank).warnings if "columns" in w.message]


def _with_part(source: Path, out: Path, part: str, change) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info, change(data) if info.filename == part else data)
    return out


def test_an_error_value_is_read_as_an_empty_cell_with_one_warning_per_sheet(tmp_path):
    """A holder cell pasted from a failed lookup (#N/A) made a person called '#N/A' the sponsor."""
    from assessor.api import Assessor

    source = REPO / "samples" / "harbour-city-council.xlsx"
    def errors(xml):
        xml = re.sub(rb'<c r="C3" t="inlineStr"><is><t>[^<]*</t></is></c>', b'<c r="C3" t="e"><v>#N/A</v></c>', xml)
        return re.sub(rb'<c r="C4" t="inlineStr"><is><t>[^<]*</t></is></c>', b'<c r="C4" t="e"><v>#REF!</v></c>', xml)
    out = _with_part(source, tmp_path / "lookup.xlsx", "xl/worksheets/sheet4.xml", errors)
    assessment = Assessor().assess([out])
    data = assessment.to_dict()
    roles = {r["id"]: r for r in data["coverage"]["roles"]}
    assert roles["SPONSOR"]["holders"] == [] and "#N/A" not in json.dumps(data["coverage"])
    (warning,) = [w for w in assessment.submission.responses[0].warnings if "error value" in w.message]
    assert (warning.location, warning.found) == ("Roles!C3", "'#N/A'") and "also Roles!C4" in warning.message


def test_an_error_value_in_an_answer_cell_is_unanswered_not_a_wrong_answer(tmp_path):
    from assessor.api import Assessor

    source = REPO / "samples" / "harbour-city-council.xlsx"
    change = lambda xml: re.sub(rb'<c r="E2"[^>]*>(<is>.*?</is>|<v>.*?</v>)</c>', b'<c r="E2" t="e"><v>#REF!</v></c>', xml, count=1)
    out = _with_part(source, tmp_path / "ref.xlsx", "xl/worksheets/sheet3.xml", change)
    data = Assessor().assess([out]).to_dict()
    (answer,) = [a for a in data["maturity"]["answers"] if a["question"] == "RP-01"]
    assert answer["status"] == "unanswered"


def test_an_escaped_character_reads_the_same_in_both_readers(filled_workbook, tmp_path):
    """Excel writes a pasted carriage return as _x000D_: calamine gave the character, openpyxl the escape."""
    text = b"Marcus_x000D_\nOkafor _x0041_ _x00ff_ _x005F_x0041_ _x0100_ _x20AC_ _xD800_ _xFFFF_"
    row = b'<row r="90"><c r="A90" t="inlineStr"><is><t>' + text + b'</t></is></c></row></sheetData>'
    out = _with_sheet_xml(filled_workbook, tmp_path / "escaped.xlsx", lambda x: x.replace(b"</sheetData>", row))
    _same(out)
    # from U+0100 on an escape stays text, as calamine keeps it (decoded, _xD800_ made a string no writer
    # can encode and _xFFFF_ an Excel report Excel cannot open)
    assert sheets._openpyxl(out)[0]["Profile"].cell(90, 1).value == \
        "Marcus\r\nOkafor A \u00ff _x0041_ _x0100_ _x20AC_ _xD800_ _xFFFF_"


@pytest.mark.parametrize("case, rows", [
    ("a cell whose reference names another row", b'<row r="90"><c r="A91" t="inlineStr"><is><t>x</t></is></c></row>'),
    ("a row given twice", b'<row r="90"><c r="A90"><v>1</v></c></row><row r="90"><c r="B90"><v>2</v></c><c r="A90"><v>3</v></c></row>'),
    ("rows out of order", b'<row r="95"><c r="A95"><v>1</v></c></row><row r="91"><c r="A91"><v>2</v></c></row>'),
    ("a cell given twice, the second empty", b'<row r="90"><c r="B90"><v>4</v></c><c r="B90"/></row>'),
])
def test_odd_but_positioned_cells_read_the_same_in_both_readers(filled_workbook, tmp_path, case, rows):
    """openpyxl's rows put a cell in its <row> whatever its reference and dropped a row given again: the
    same file gave another answer, or lost one, when something else in it sent it to openpyxl."""
    out = _with_sheet_xml(filled_workbook, tmp_path / "odd.xlsx", lambda x: x.replace(b"</sheetData>", rows + b"</sheetData>"))
    _same(out)


def test_a_reference_in_lower_case_is_not_read_by_calamine(filled_workbook, tmp_path, bank):
    """calamine takes 'xfd1048576' as XFD1048576 and tried to make a 17-billion-cell sheet: the process
    aborted (exit 134) with a Rust backtrace. 'zz4' was dropped without a word."""
    from assessor.questionnaire.reader import read_response

    for ref in (b"xfd1048576", b"zz90", b"e99999"):
        far = b'<row r="90"><c r="' + ref + b'" t="inlineStr"><is><t>far</t></is></c></row></sheetData>'
        out = _with_sheet_xml(filled_workbook, tmp_path / "lower.xlsx", lambda x: x.replace(b"</sheetData>", far))
        assert sheets.plain(out) is None, ref
        warned = [w.message for w in read_response(out, bank).warnings]
        assert any("only the first" in m for m in warned), (ref, warned)


def test_a_date_serial_no_date_can_have_is_not_a_date_on_either_path(tmp_path):
    """openpyxl printed its own warning (with its file path) and made the cell '#VALUE!'."""
    import subprocess
    import sys

    source = REPO / "samples" / "harbour-city-council.xlsx"
    with zipfile.ZipFile(source) as archive:
        profile = archive.read("xl/worksheets/sheet2.xml")
    date_cell = re.search(rb'<c r="B6" s="(\d+)"[^>]*>.*?</c>', profile)
    assert date_cell, "the sample's assessment date is a styled serial"
    cases = [(number, forced) for number in (b"3000000", b"-1") for forced in (False, True)]   # -1: not 1899-12-29
    for number, forced in cases:
        serial = b'<c r="B6" s="' + date_cell.group(1) + b'"><v>' + number + b'</v></c>'

        def change(xml, serial=serial, forced=forced):
            xml = xml.replace(date_cell.group(0), serial)
            return xml.replace(b"</sheetData>", b'<row r="99"><c r="H99" t="e"><v>#N/A</v></c></row></sheetData>') if forced else xml
        out = _with_part(source, tmp_path / f"date-{forced}.xlsx", "xl/worksheets/sheet2.xml", change)
        done = subprocess.run([sys.executable, "-m", "assessor", "validate", str(out)], capture_output=True, text=True, cwd=REPO)
        assert done.returncode == 2 and "Profile!B6: error: Assessment date is not a date (found " in done.stderr, done.stderr
        assert "Warning" not in done.stderr and "site-packages" not in done.stderr


def test_a_damaged_sheet_is_named(filled_workbook, tmp_path):
    from assessor.errors import InputError

    broken = b'<row r="90"><c r="A90" t="s"><v>999999</v></c></row></sheetData>'   # a shared string that is not there
    out = _with_sheet_xml(filled_workbook, tmp_path / "damaged.xlsx", lambda x: x.replace(b"</sheetData>", broken))
    with pytest.raises(InputError) as caught:
        sheets.load(out)
    (problem,) = caught.value.problems
    assert problem.location == "Profile" and "the sheet 'Profile' is damaged" in problem.message


def test_a_damaged_zip_is_left_to_the_reference_reader(tmp_path, filled_workbook):
    broken = tmp_path / "broken.xlsx"
    shutil.copyfile(filled_workbook, broken)
    with open(broken, "r+b") as f:
        f.seek(200)
        f.write(b"\0" * 64)
    sheets.plain(broken)   # never raises: None, or what it found


@pytest.mark.parametrize("formula", [b"1+1", b"HYPERLINK(&quot;http://x&quot;,&quot;a &amp; b&quot;)", b"", b"&#65;&#x42;"])
def test_plain_formulas_read_as_openpyxl_reads_them(filled_workbook, tmp_path, formula):
    cell = b'<row r="95"><c r="GR95" t="str"><f>' + formula + b'</f><v>cached</v></c></row><row r="96"><c r="B96"><f>' \
        + formula + b'</f></c></row></sheetData>'
    out = _with_sheet_xml(filled_workbook, tmp_path / "formula.xlsx", lambda x: x.replace(b"</sheetData>", cell))
    _same(out)
    grids, _, _ = sheets.load(out)
    (title, grid), = [(t, g) for t, g in grids.items() if len(g.rows) >= 96]
    assert grid.cell(95, 200).formula and grid.cell(96, 2).value.startswith("=")


def test_a_panic_in_calamine_falls_back_to_openpyxl(monkeypatch):
    import python_calamine

    class PanicException(BaseException):   # what pyo3 raises for a panic in the Rust code
        pass

    class Panicking:
        @staticmethod
        def from_path(*args, **kwargs):
            raise PanicException("index out of bounds")

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Panicking)
    path = REPO / "samples" / "meridian-bank.xlsx"
    assert sheets.load(path)[0].keys() == sheets._openpyxl(path)[0].keys()


def test_array_and_data_table_formulas_are_read_as_their_text(filled_workbook, tmp_path):
    """openpyxl gives these as objects: their repr (with a memory address) must never become an
    organisation, a holder or a file name, and two runs must read the same."""
    cells = (b'<row r="95"><c r="B95" t="str"><f t="array" ref="B95">"Northwind"</f><v>Northwind</v></c>'
             b'<c r="C95"><f t="dataTable" ref="C95" dt2D="0" dtr="0" r1="A1"/><v>1</v></c></row></sheetData>')
    out = _with_sheet_xml(filled_workbook, tmp_path / "array.xlsx", lambda x: x.replace(b"</sheetData>", cells))
    grids, _, _ = sheets.load(out)
    (grid,) = [g for g in grids.values() if len(g.rows) >= 95]
    array, table = grid.cell(95, 2), grid.cell(95, 3)
    assert (array.value, array.formula) == ('="Northwind"', True)
    assert (table.value, table.formula) == ("=TABLE(A1,)", True)
