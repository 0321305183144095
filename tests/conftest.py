"""Shared fixtures: the shipped question bank, a blank template and a good filled workbook.

The template and the filled workbook are built once per test session; each test that
needs a broken workbook copies the good one with ``make_workbook(tmp_path, edits)``.

Edits understood by ``make_workbook`` (applied in order):

* ``("Questions", "E14", 7)``             put a value (or a formula such as ``"=2+1"``) in a cell
* ``("rename_sheet", "Questions", "Survey")``
* ``("delete_rows", "Questions", 14)`` or ``("delete_rows", "Questions", 14, 3)``
* ``("delete_cols", "Roles", 4)``          delete a column (what is right of it moves left)
* ``("swap_cols", "Questions", "A", "F")`` exchange two columns' cells (headers move with them)
* ``("delete_sheet", "_meta")``
* ``("delete_stamp",)``                    drop every copy of the template stamp: the custom document
                                            properties, the TemplateVersion defined name and _meta
* ``("set_doc_prop", "TemplateVersion", "0.9.0")``
* any callable, called with the openpyxl workbook
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from assessor import api
from assessor.errors import InputError
from assessor.questionnaire import layout as L
from assessor.questionnaire.bank import load_bank
from assessor.questionnaire.reader import read_submission
from assessor.xlsx import openpyxl

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"

# The good filled workbook's content, so that tests can name what they expect to read back.
GOOD_PROFILE = {
    "Organisation": "Contoso Manufacturing",
    "PMO name": "Enterprise PMO",
    "Respondent": "Alex Morgan",
    "Respondent role": "Head of PMO",
    "Assessment date": dt.date(2026, 11, 30),
    "Industry": "Manufacturing",
    "Employees": 5200,
    "Active projects": 40,
    "Active programmes": 3,
    "PMO headcount (FTE)": 7.5,
    "PMO head reports to": "Chief Operating Officer",
}
# Role ID -> (holder, FTE); the other standard roles are left without a holder.
GOOD_ROLES = {
    "SPONSOR": ("Jordan Lee", 0.2),
    "PMO-HEAD": ("Alex Morgan", 1.0),
    "PMO-ANALYST": ("Sam Patel; Kim Chow", 0.5),
    "PM": ("Project managers (12)", 1.0),
    "PLANNER": ("Riya Shah", 0.5),
}


@pytest.fixture(autouse=True)
def _no_real_store(tmp_path_factory, monkeypatch):
    """No test reads or writes the user's own assessment store: the default store lives in a
    temporary data folder, and PMO_ASSESS_DB from the developer's shell is ignored."""
    monkeypatch.delenv("PMO_ASSESS_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data-home")))


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server (tests/postgres.py), or a skip saying why there is none."""
    from tests.postgres import Server

    server = Server()
    if not server.start():
        pytest.skip(server.reason)
    try:
        yield server
    finally:
        server.stop()


def good_answer(index: int, bank) -> object:
    """The answer the good workbook gives to question number ``index`` (0-based): all valid, none blank."""
    level = index % 6
    kind = index % 3
    if kind == 0:
        return level                                    # a number
    if kind == 1:
        return f"{level} - {bank.scale_label(level)}"   # the dropdown label
    return str(level)                                   # "3" typed as text


def fill_good(wb, bank) -> None:
    """Fill a blank template the way a careful respondent would (no warnings expected)."""
    profile = wb[L.PROFILE]
    rows = {profile.cell(row=r, column=1).value: r for r in range(2, profile.max_row + 1)}
    for label, value in GOOD_PROFILE.items():
        profile.cell(row=rows[label], column=2, value=value)

    questions = wb[L.QUESTIONS]
    for index, question in enumerate(bank.questions):
        row = index + 2
        assert questions.cell(row=row, column=1).value == question.id
        questions.cell(row=row, column=5, value=good_answer(index, bank))
        if index % 10 == 0:
            questions.cell(row=row, column=6, value=f"Evidence for {question.id}")

    roles = wb[L.ROLES]
    for row in range(2, roles.max_row + 1):
        rid = roles.cell(row=row, column=1).value
        if rid in GOOD_ROLES:
            holder, fte = GOOD_ROLES[rid]
            roles.cell(row=row, column=3, value=holder)
            roles.cell(row=row, column=4, value=fte)

    raci = wb[L.RACI]
    columns = {raci.cell(row=1, column=c).value: c for c in range(3, raci.max_column + 1)}
    for row, resp in enumerate(bank.responsibilities[:10], start=2):
        assert raci.cell(row=row, column=1).value == resp.id
        for role, letters in resp.default_raci:
            if role in GOOD_ROLES:
                raci.cell(row=row, column=columns[role], value=letters)


@pytest.fixture(scope="session")
def good_roles() -> dict:
    """Role ID -> (holder, FTE) as filled in the good workbook."""
    return dict(GOOD_ROLES)


@pytest.fixture(scope="session")
def bank():
    return load_bank()


@pytest.fixture(scope="session")
def blank_template(tmp_path_factory) -> Path:
    return api.write_template(tmp_path_factory.mktemp("template") / "questionnaire.xlsx")


@pytest.fixture(scope="session")
def filled_workbook(tmp_path_factory, blank_template, bank) -> Path:
    """A correctly filled workbook: every answer, the profile, five roles held, some RACI letters."""
    wb = openpyxl().load_workbook(blank_template)
    fill_good(wb, bank)
    out = tmp_path_factory.mktemp("filled") / "contoso.xlsx"
    wb.save(out)
    return out


def _column_index(column) -> int:
    from openpyxl.utils import column_index_from_string

    return column if isinstance(column, int) else column_index_from_string(column)


def apply_edit(wb, edit) -> None:
    if callable(edit):
        edit(wb)
        return
    op, *args = edit
    if op == "rename_sheet":
        ws = wb[args[0]]
        ws.title = "renaming-in-progress"  # openpyxl would make "questions" into "questions1"
        ws.title = args[1]
    elif op == "delete_rows":
        wb[args[0]].delete_rows(*args[1:])
    elif op == "delete_cols":
        wb[args[0]].delete_cols(_column_index(args[1]), *args[2:])
    elif op == "swap_cols":
        ws = wb[args[0]]
        a, b = _column_index(args[1]), _column_index(args[2])
        for row in range(1, ws.max_row + 1):
            first, second = ws.cell(row=row, column=a), ws.cell(row=row, column=b)
            first.value, second.value = second.value, first.value
    elif op == "delete_sheet":
        del wb[args[0]]
    elif op == "delete_stamp":
        for name in list(wb.custom_doc_props.names):
            del wb.custom_doc_props[name]
        if L.NAME_VERSION in wb.defined_names:
            del wb.defined_names[L.NAME_VERSION]
        if L.META in wb.sheetnames:
            del wb[L.META]
    elif op == "set_doc_prop":
        from openpyxl.packaging.custom import StringProperty

        name, value = args
        if name in wb.custom_doc_props.names:
            del wb.custom_doc_props[name]
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    elif op in wb.sheetnames and len(args) == 2:
        wb[op][args[0]] = args[1]
    else:
        raise ValueError(f"unknown workbook edit {edit!r}")


@pytest.fixture(scope="session")
def workbook_factory(filled_workbook):
    """The function behind ``make_workbook``, for module-scoped fixtures."""

    def make(tmp_path: Path, edits=(), name: str = "filled.xlsx") -> Path:
        out = Path(tmp_path) / name
        if not edits:
            shutil.copyfile(filled_workbook, out)
            return out
        wb = openpyxl().load_workbook(filled_workbook)
        for edit in edits:
            apply_edit(wb, edit)
        wb.save(out)
        return out

    return make


@pytest.fixture
def make_workbook(workbook_factory):
    """``make_workbook(tmp_path, edits, name=...)``: a copy of the good workbook with ``edits`` applied."""
    return workbook_factory


@pytest.fixture
def problems(bank):
    """``problems(path)``: every problem (errors and warnings) reading one workbook reports."""

    def read(path) -> list:
        try:
            submission = read_submission([Path(path)], bank)
        except InputError as exc:
            return list(exc.problems)
        return list(submission.warnings)

    return read
