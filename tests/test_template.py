"""The questionnaire workbook a consultant sends out (``pmo-assess template``).

Its sheet names and header cells are the public format documented in README.md; these
tests read the README's table and hold the template to it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessor import __version__, api
from assessor.errors import OutputError
from assessor.model import PROFILE_FIELDS
from assessor.xlsx import openpyxl

REPO = Path(__file__).resolve().parent.parent

VISIBLE_SHEETS = ["Instructions", "Profile", "Questions", "Roles", "RACI"]
DATA_SHEETS = ["Profile", "Questions", "Roles", "RACI"]


def readme_format_table() -> dict[str, dict]:
    """The README's "workbook format" table: sheet -> {hidden, headers, rows}."""
    table = {}
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## The workbook format", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        sheet = re.match(r"`([^`]+)`", cells[0]).group(1)
        if sheet.startswith("pmo-assess"):
            continue  # the command table above the format table
        table[sheet] = {"hidden": "(hidden)" in cells[0], "headers": re.findall(r"`([^`]+)`", cells[1]),
                        "rows": cells[2]}
    return table


README = readme_format_table()


@pytest.fixture(scope="module")
def wb(blank_template):
    return openpyxl().load_workbook(blank_template)


def row_values(ws, row: int) -> list:
    values = [c.value for c in ws[row]]
    while values and values[-1] is None:
        values.pop()
    return values


def test_readme_table_was_found():
    assert list(README) == VISIBLE_SHEETS + ["_meta"]


def test_sheets_in_order_and_hidden_state(wb):
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    hidden = {ws.title for ws in wb.worksheets if ws.sheet_state != "visible"}
    assert visible == VISIBLE_SHEETS
    assert wb.sheetnames[:len(VISIBLE_SHEETS)] == VISIBLE_SHEETS
    # _meta holds the stamp, _lists the dropdown values: neither is for the respondent.
    assert hidden == {"_meta", "_lists"}
    assert wb.active.title == "Instructions"


def test_instructions_explain_the_answer_scale(wb, bank):
    text = "\n".join(str(c.value) for c in wb["Instructions"]["A"] if c.value)
    assert f"questionnaire {bank.id} version {bank.version}" in text
    for level in bank.scale:
        assert f"{level.value} - {level.label}" in text
    assert "N/A" in text and "Don't know" in text
    assert "do not rename sheets or header cells" in text


@pytest.mark.parametrize("sheet", ["Profile", "Questions", "Roles"])
def test_header_row_is_exactly_the_readme_one(wb, sheet):
    assert row_values(wb[sheet], 1) == README[sheet]["headers"]


def test_raci_header_is_the_fixed_columns_then_one_column_per_role(wb, bank):
    assert README["RACI"]["headers"] == ["Responsibility ID", "Responsibility"]
    assert row_values(wb["RACI"], 1) == ["Responsibility ID", "Responsibility", *bank.role_ids()]


def test_meta_header_row_is_the_readme_one(wb):
    assert row_values(wb["_meta"], 1) == README["_meta"]["headers"]


def test_profile_lists_the_readme_fields(wb):
    documented = [f.strip() for f in README["Profile"]["rows"].split(", ")]
    labels = [wb["Profile"].cell(row=r, column=1).value for r in range(2, wb["Profile"].max_row + 1)]
    assert labels == documented == [label for _, label, _ in PROFILE_FIELDS]


def test_questions_rows_are_the_bank_questions(wb, bank):
    ws = wb["Questions"]
    names = {d.id: d.name for d in bank.dimensions}
    rows = [row_values(ws, r) for r in range(2, ws.max_row + 1)]
    assert rows == [[q.id, names[q.dimension], q.text, q.guidance] for q in bank.questions]


def test_roles_are_prefilled_from_the_catalogue(wb, bank):
    ws = wb["Roles"]
    rows = [[c.value for c in ws[r]][:6] for r in range(2, ws.max_row + 1)]
    assert rows == [[r.id, r.name, None, None, "Yes" if r.in_pmo else "No", r.reports_to] for r in bank.roles]


def test_raci_rows_are_the_catalogue_responsibilities_left_blank(wb, bank):
    ws = wb["RACI"]
    rows = [row_values(ws, r) for r in range(2, ws.max_row + 1)]
    assert rows == [[r.id, r.name] for r in bank.responsibilities]


# --- dropdowns ----------------------------------------------------------------------------------

def validation_for(ws, cell: str):
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"expected one data validation on {ws.title}!{cell}"
    return found[0]


def list_values(wb, formula: str) -> list:
    """The values a list validation such as ``=AnswerOptions`` offers."""
    (sheet, ref), = wb.defined_names[formula.lstrip("=")].destinations
    return [c.value for row in wb[sheet][ref] for c in row]


def test_answer_dropdown_offers_the_labelled_scale_with_a_prompt(wb, bank):
    ws = wb["Questions"]
    last = len(bank.questions) + 1
    for cell in ("E2", f"E{last}"):
        dv = validation_for(ws, cell)
        assert dv.type == "list"
        assert list_values(wb, dv.formula1) == ["0 - Absent", "1 - Ad hoc", "2 - Repeatable", "3 - Defined",
                                                "4 - Managed", "5 - Optimised", "N/A", "Don't know"]
        assert dv.showInputMessage and dv.promptTitle == "Answer"
        assert "0 Absent" in dv.prompt and "N/A / Don't know" in dv.prompt
    assert not [dv for dv in ws.data_validations.dataValidation if "C2" in dv.sqref]


def test_raci_dropdown_offers_the_letters_with_room_for_new_roles(wb, bank):
    ws = wb["RACI"]
    dv = validation_for(ws, "C2")
    assert list_values(wb, dv.formula1) == ["R", "A", "C", "I", "A/R"]
    assert dv.showInputMessage and "Accountable" in dv.prompt
    last_role_column = 2 + len(bank.role_ids())
    from openpyxl.utils import get_column_letter

    # The columns right of the standard roles take the client's own roles.
    assert f"{get_column_letter(last_role_column + 1)}2" in dv.sqref


def test_in_pmo_is_a_yes_no_dropdown_and_fte_a_decimal(wb):
    ws = wb["Roles"]
    in_pmo = validation_for(ws, "E2")
    assert list_values(wb, in_pmo.formula1) == ["Yes", "No"]
    assert in_pmo.showInputMessage and in_pmo.prompt
    fte = validation_for(ws, "D2")
    assert fte.type == "decimal" and fte.showInputMessage and "0.5" in fte.prompt
    # Excel's bounds are the reader's: it warned at 6 FTE, which the import accepts
    from assessor.questionnaire import layout as L
    assert (float(fte.formula1), float(fte.formula2)) == (0, L.MAX_FTE)


# --- protection, layout and printing -------------------------------------------------------------

def test_questions_sheet_is_protected_with_answer_and_evidence_unlocked(wb, bank):
    ws = wb["Questions"]
    assert ws.protection.sheet
    for row in range(2, len(bank.questions) + 2):
        assert not ws.cell(row=row, column=5).protection.locked, f"Answer E{row} is locked"
        assert not ws.cell(row=row, column=6).protection.locked, f"Evidence F{row} is locked"
        for column in "ABCD":
            assert ws[f"{column}{row}"].protection.locked, f"question text {column}{row} is editable"
    assert ws["E1"].protection.locked


def test_profile_values_are_the_only_editable_profile_cells(wb):
    ws = wb["Profile"]
    assert ws.protection.sheet
    for row in range(2, len(PROFILE_FIELDS) + 2):
        assert not ws.cell(row=row, column=2).protection.locked
        assert ws.cell(row=row, column=1).protection.locked


@pytest.mark.parametrize("sheet, freeze", [("Profile", "A2"), ("Questions", "A2"), ("Roles", "A2"),
                                           ("RACI", "C2")])
def test_header_rows_are_frozen(wb, sheet, freeze):
    assert wb[sheet].freeze_panes == freeze


@pytest.mark.parametrize("sheet", DATA_SHEETS)
def test_printable_fit_to_width_with_header_as_print_title(wb, sheet):
    ws = wb[sheet]
    assert ws.print_title_rows == "$1:$1"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0  # as many pages down as needed
    assert ws.page_setup.orientation == "landscape"


# --- the stamp -------------------------------------------------------------------------------------

def test_meta_sheet_holds_the_stamp(wb, bank):
    rows = {row[0]: row[1] for row in wb["_meta"].iter_rows(min_row=2, values_only=True)}
    assert rows == {"template_id": "pmo-core", "template_version": bank.version,
                    "questions_hash": bank.questions_hash, "generator": f"pmo-assess {__version__}"}


def test_document_properties_stamp_id_version_and_hash(wb, bank):
    props = {p.name: p.value for p in wb.custom_doc_props}
    assert props == {"TemplateId": "pmo-core", "TemplateVersion": bank.version,
                     "QuestionsHash": bank.questions_hash}
    assert wb.defined_names["TemplateVersion"].attr_text == f'"{bank.version}"'
    assert wb.properties.title == bank.title


# --- writing the file ----------------------------------------------------------------------------

def test_template_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "questionnaire.xlsx"
    out.write_bytes(b"someone's filled workbook")
    with pytest.raises(OutputError, match="file exists; use --force to replace it"):
        api.write_template(out)
    assert out.read_bytes() == b"someone's filled workbook"


def test_template_overwrites_with_force(tmp_path, bank):
    out = tmp_path / "questionnaire.xlsx"
    out.write_bytes(b"old")
    api.write_template(out, force=True)
    assert openpyxl().load_workbook(out)["Questions"]["A2"].value == bank.questions[0].id
    assert [p.name for p in tmp_path.iterdir()] == ["questionnaire.xlsx"]  # no temporary file left behind


def test_template_must_be_an_xlsx_file(tmp_path):
    with pytest.raises(OutputError, match="must be an .xlsx file"):
        api.write_template(tmp_path / "questionnaire.xls")
    assert not list(tmp_path.iterdir())


def test_template_folder_must_exist(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        api.write_template(tmp_path / "missing" / "questionnaire.xlsx")
