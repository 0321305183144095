"""Validating filled workbooks: every problem, with its cell, the value found and what was expected.

Each test starts from a correctly filled workbook (conftest.py) and breaks it the way a
respondent might. A workbook with any error raises one ``InputError`` carrying every problem;
warnings alone leave it valid.
"""
from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import pytest
import yaml

from assessor import api
from assessor.errors import InputError
from assessor.model import ANSWERED, DONT_KNOW, NOT_APPLICABLE, UNANSWERED
from assessor.questionnaire.reader import read_submission

REPO = Path(__file__).resolve().parent.parent
BROKEN = REPO / "samples" / "broken"
ANSWER_EXPECTED = "0-5 (e.g. 3 or '3 - Defined'), N/A or Don't know"


def errors(problems) -> list:
    return [p for p in problems if p.severity == "error"]


def at(problems, location: str):
    found = [p for p in problems if p.location == location]
    assert len(found) == 1, f"expected one problem at {location!r}, got {[str(p) for p in problems]}"
    return found[0]


def read_one(path: Path, bank):
    (response,) = read_submission([path], bank).responses
    return response


def _empty_raci(wb):
    wb.remove(wb["RACI"])
    wb.create_sheet("RACI")


# --- one case at a time ------------------------------------------------------------------------

ERROR_CASES = [
    # id, edits, location, message phrase, found, expected phrase, other error locations it causes
    ("answer-7", [("Questions", "E14", 7)],
     "Questions!E14", "answer to GC-06 is out of range", "7", ANSWER_EXPECTED, ()),
    ("answer-negative", [("Questions", "E14", -1)],
     "Questions!E14", "answer to GC-06 is out of range", "-1", ANSWER_EXPECTED, ()),
    ("answer-fraction", [("Questions", "E14", 2.5)],
     "Questions!E14", "answer to GC-06 is not a whole number", "2.5",
     "a whole level 0-5 (the scale has no halves: choose 2 or 3)", ()),
    ("answer-fraction-as-text", [("Questions", "E14", "3.5")],
     "Questions!E14", "answer to GC-06 is not a whole number", "'3.5'",
     "a whole level 0-5 (the scale has no halves: choose 3 or 4)", ()),
    ("answer-label-beyond-scale", [("Questions", "E14", "6 - Excellent")],
     "Questions!E14", "answer to GC-06 is out of range", "'6 - Excellent'", ANSWER_EXPECTED, ()),
    ("answer-word", [("Questions", "E14", "seven")],
     "Questions!E14", "answer to GC-06 is not a valid answer", "'seven'", ANSWER_EXPECTED, ()),
    ("answer-true", [("Questions", "E14", True)],
     "Questions!E14", "answer to GC-06 is not a valid answer", "True", ANSWER_EXPECTED, ()),
    ("answer-range", [("Questions", "E14", "2 - 3")],   # read as 2, silently
     "Questions!E14", "answer to GC-06 is a range of levels", "'2 - 3'", "one level 0-5", ()),
    ("answer-range-dash", [("Questions", "E14", "2–3")],
     "Questions!E14", "answer to GC-06 is a range of levels", "'2–3'", "one level 0-5", ()),
    ("reports-to-a-name", [("Roles", "F7", "Head of PMO")],   # the role's name typed for its ID
     "Roles!F7", "PORT-MGR reports to an unknown role", "'Head of PMO'", "(for 'Head of PMO': PMO-HEAD)", ()),
    ("answer-date", [("Questions", "E14", datetime.datetime(2026, 3, 1))],   # Excel's date for "3/1" typed
     "Questions!E14", "answer to GC-06 is out of range", "2026-03-01 (a date)", ANSWER_EXPECTED, ()),
    ("fte-time", [("Roles", "D6", datetime.time(12, 30))],
     "Roles!D6", "FTE of PMO-HEAD is not a number", "12:30 (a time)", "a number such as 0.5", ()),
    ("answer-formula", [("Questions", "E14", "=2+1")],
     "Questions!E14", "formula where an answer is expected", "'=2+1'", "a typed answer 0-5", ()),
    ("duplicate-question-id", [("Questions", "A6", "RP-04")],
     "Questions!A6", "duplicate question ID RP-04 (first at Questions!A5)", "'RP-04'", "each ID once",
     ("Questions",)),  # ... and RP-05, whose row it was, is now missing
    ("missing-question", [("delete_rows", "Questions", 14)],
     "Questions", "question GC-06 is missing (deleted row?)", "", "a row with ID GC-06", ()),
    ("answer-without-question-id", [("Questions", "E74", 3)],
     "Questions!A74", "answer in a row without a question ID", "", "the question's ID in column A", ()),
    ("renamed-answer-header", [("Questions", "E1", "Score")],
     "Questions!E1", "missing header 'Answer' (renamed or deleted column?)", "'Score'", "'Answer' in row 1", ()),
    ("deleted-answer-column", [("delete_cols", "Questions", "E")],
     "Questions!E1", "missing header 'Answer'", "'Evidence'", "'Answer' in row 1", ()),
    ("duplicate-answer-header", [("Questions", "K1", "answer ")],   # which column holds the answers?
     "Questions!K1", "duplicate header 'answer' (first at Questions!E1)", "'answer '",
     "each of the template's headers once", ()),
    ("duplicate-profile-field", [("Profile", "A40", "Organisation"), ("Profile", "B40", "Acme Ltd")],
     "Profile!A40", "duplicate profile field 'Organisation' (first at Profile!A2)", "'Organisation'",
     "each field once", ()),
    ("renamed-roles-header", [("Roles", "D1", "Effort")],
     "Roles!D1", "missing header 'FTE'", "'Effort'", "'FTE' in row 1", ()),
    ("renamed-raci-header", [("RACI", "A1", "Resp")],
     "RACI!A1", "missing header 'Responsibility ID'", "'Resp'", "'Responsibility ID' in row 1", ()),
    ("renamed-profile-header", [("Profile", "B1", "Val")],
     "Profile!B1", "missing header 'Value'", "'Val'", "'Value' in row 1", ()),
    ("renamed-sheet", [("rename_sheet", "Questions", "Survey")],
     "Questions", "missing sheet 'Questions' (was it renamed or deleted?)", "'Survey'",
     "a sheet named 'Questions'", ()),
    ("deleted-sheet", [("delete_sheet", "Roles")],
     "Roles", "missing sheet 'Roles' (was it renamed or deleted?)", "", "a sheet named 'Roles'", ()),
    ("empty-raci-sheet", [_empty_raci],
     "RACI!A1", "RACI sheet is empty", "", "Responsibility ID | Responsibility | <Role IDs>", ()),
    ("unknown-role-in-raci-header", [("RACI", "C1", "CHAIR")],
     "RACI!C1", "unknown Role ID CHAIR in the RACI header", "'CHAIR'", "a Role ID from the Roles sheet", ()),
    ("duplicate-raci-column", [("RACI", "D1", "PMO-HEAD")],
     "RACI!G1", "duplicate RACI column for PMO-HEAD (first at RACI!D1)", "'PMO-HEAD'", "one column per role", ()),
    ("invalid-raci-letter", [("RACI", "G2", "X")],
     "RACI!G2", "invalid RACI letter for PMO-HEAD on status-reporting", "'X'", "R, A, C, I or A/R", ()),
    ("invalid-raci-pair", [("RACI", "G2", "AC")],
     "RACI!G2", "invalid RACI letter for PMO-HEAD on status-reporting", "'AC'", "R, A, C, I or A/R", ()),
    ("raci-formula", [("RACI", "G2", "=A1")],
     "RACI!G2", "formula where a RACI letter is expected", "'=A1'", "R, A, C, I or A/R", ()),
    ("duplicate-role-id", [("Roles", "A25", "QA")],
     "Roles!A25", "duplicate Role ID QA (first at Roles!A24)", "'QA'", "each Role ID once",
     ("RACI!Z1",)),  # ... so the TOOLS-EXPERT column of the RACI names a role that is gone
    ("role-id-wrong-form", [("Roles", "A25", "tools")],
     "Roles!A25", "Role ID has the wrong form", "'tools'", "2-12 capital letters", ("RACI!Z1",)),
    ("fte-not-a-number", [("Roles", "D6", "half")],
     "Roles!D6", "FTE of PMO-HEAD is not a number", "'half'", "a number such as 0.5", ()),
    ("fte-negative", [("Roles", "D6", -1)],
     "Roles!D6", "FTE of PMO-HEAD is negative", "-1", "0 or more", ()),
    ("fte-too-large", [("Roles", "D6", 1e308)],  # (two of them summed to infinity in a person's load)
     "Roles!D6", "FTE of PMO-HEAD is too large", "1e+308", "at most 10", ()),
    ("fte-formula", [("Roles", "D6", "=1/2")],
     "Roles!D6", "formula where an FTE is expected", "'=1/2'", "a number such as 0.5", ()),
    ("in-pmo-not-yes-no", [("Roles", "E3", "maybe")],
     "Roles!E3", "In PMO of SPONSOR is not yes or no", "'maybe'", "Yes or No", ()),
    ("reporting-cycle", [("Roles", "F6", "PMO-ANALYST")],
     "Roles!F6", "reporting lines form a cycle: PMO-HEAD -> PMO-ANALYST -> PMO-HEAD (Roles!F6, Roles!F15)",
     "", "each line to lead up to a top role with Reports to blank", ()),
    ("reports-to-itself", [("Roles", "F6", "PMO-HEAD")],
     "Roles!F6", "PMO-HEAD reports to itself", "'PMO-HEAD'", "another role", ()),
    ("reports-to-unknown-role", [("Roles", "F6", "CEO")],
     "Roles!F6", "PMO-HEAD reports to an unknown role", "'CEO'", "a Role ID listed in the Roles sheet", ()),
    ("employees-negative", [("Profile", "B8", -5)],
     "Profile!B8", "Employees is negative", "-5", "0 or more", ()),
    ("employees-too-large", [("Profile", "B8", 1e308)],   # (a 309-digit integer in the report)
     "Profile!B8", "Employees is too large", "1e+308", "at most 10,000,000", ()),
    ("employees-not-a-number", [("Profile", "B8", "many")],
     "Profile!B8", "Employees is not a number", "'many'", "a number", ()),
    ("employees-not-whole", [("Profile", "B8", 12.5)],
     "Profile!B8", "Employees is not a whole number", "12.5", "a whole number", ()),
    ("date-invalid", [("Profile", "B6", "2026-02-30")],
     "Profile!B6", "Assessment date is not a date", "'2026-02-30'", "a date such as 2026-11-30", ()),
    ("date-formula", [("Profile", "B6", "=TODAY()")],
     "Profile!B6", "formula where a value is expected for Assessment date", "'=TODAY()'", "a typed value", ()),
    ("fte-headcount-formula", [("Profile", "B11", "=1+1")],
     "Profile!B11", "formula where a value is expected for PMO headcount (FTE)", "'=1+1'", "a typed value", ()),
    ("profile-field-deleted", [("delete_rows", "Profile", 8)],
     "Profile", "missing profile field 'Employees'", "", "a row with 'Employees' in the Field column", ()),
    ("made-from-another-questionnaire", [("set_doc_prop", "TemplateId", "other-bank")],
     "", "workbook was made from another questionnaire", "'other-bank'",
     "'pmo-core' (choose its bank with --questionnaire other-bank)", ()),
]


@pytest.mark.parametrize("edits, location, phrase, found, expected, others",
                         [pytest.param(*case[1:], id=case[0]) for case in ERROR_CASES])
def test_error_names_cell_found_and_expected(make_workbook, tmp_path, problems,
                                             edits, location, phrase, found, expected, others):
    path = make_workbook(tmp_path, edits)
    reported = problems(path)
    assert {p.location for p in errors(reported)} == {location, *others}
    problem = at(errors(reported), location)
    assert problem.file == str(path)
    assert phrase in problem.message
    assert problem.found == found
    assert expected in problem.expected


def test_a_holder_cell_that_may_mean_something_else_is_warned_about(make_workbook, tmp_path, bank):
    """"Dev Patel, Ana Ruiz" was one person (one load, never an overload); an FTE with no Holder made the
    role silently not held. A board's name with "and" in it is its name."""
    path = make_workbook(tmp_path, [("Roles", "C7", "Dev Patel, Ana Ruiz"), ("Roles", "C8", None), ("Roles", "D8", 0.5),
                                    ("Roles", "C4", "Programme and project boards"),
                                    ("Roles", "C5", "Internal Audit and Risk Assurance")])   # one team, not two
    warnings = {w.location: w for w in read_one(path, bank).warnings}
    several = warnings["Roles!C7"]
    assert several.message == "Holder of PORT-MGR is read as one person, 'Dev Patel, Ana Ruiz'"
    assert several.expected == "several people separated by ; (Dev Patel; Ana Ruiz)"
    assert warnings["Roles!C8"].message == "PORT-ANALYST has an FTE (0.5) but no Holder, so it counts as not held"
    assert "Roles!C4" not in warnings and set(warnings) == {"Roles!C7", "Roles!C8"}


def test_a_label_holding_a_number_is_no_range_and_a_notes_sheet_no_copy(make_workbook, tmp_path, bank):
    """Only another level after the separator makes a range ("2 - 3"): "3 - 12 of 14 projects" is a 3 with
    its note. Only Excel's and LibreOffice's names for a copy ("RACI (2)", "RACI_2") make a copy."""
    def notes(wb):
        wb.create_sheet("RACI notes")["A2"] = "who to ask about the RACI"

    path = make_workbook(tmp_path, [("Questions", "E2", "3 - 12 of 14 projects report on time"),
                                    ("Questions", "E3", "4: 2024 standard"), notes])
    response = read_one(path, bank)
    assert [response.answer(q.id).value for q in bank.questions[:2]] == [3, 4]
    assert not [w for w in response.warnings if "copy" in w.message]


def test_a_teams_total_fte_typed_for_each_holder_is_warned_about(make_workbook, tmp_path, bank):
    """Three project managers with FTE 3 (the team's total): each read as 3 FTE, and overloaded."""
    row = next(n for n, r in enumerate(bank.roles, start=2) if r.id == "PM")
    path = make_workbook(tmp_path, [("Roles", f"C{row}", "Aisha Khan; Bruno Silva; Chloe Martin"), ("Roles", f"D{row}", 3)])
    (warning,) = [w for w in read_one(path, bank).warnings if w.location == f"Roles!D{row}"]
    assert warning.message == "FTE of PM is 3, more than a full-time job for each holder"
    assert warning.expected.endswith("3 people sharing 3 FTE are 1 each")


def test_letters_on_a_copy_of_the_raci_sheet_and_none_on_it_are_warned_about(make_workbook, tmp_path, bank):
    """The letters on "RACI (2)" (Excel's name for a copy) and none on RACI: read as nobody doing anything,
    silently, and four high findings followed."""
    def move_letters(wb):
        copy = wb.copy_worksheet(wb["RACI"])
        copy.title = "RACI (2)"
        ws = wb["RACI"]
        for row in ws.iter_rows(min_row=2, min_col=3):
            for cell in row:
                cell.value = None

    warnings = {w.location: w for w in read_one(make_workbook(tmp_path, [move_letters]), bank).warnings}
    assert warnings["RACI (2)!A1"].message == "sheet 'RACI (2)' is a copy of 'RACI' and is not read: only 'RACI' is"
    assert warnings["RACI!A1"].message.startswith("the RACI sheet has no letters")


def test_a_raci_header_in_lower_case_is_its_role(make_workbook, tmp_path, bank):
    """Reports to "pmo-head" was read as PMO-HEAD, a RACI header "pmo-head" refused as unknown."""
    before = {(a.responsibility_id, a.letters) for a in read_one(make_workbook(tmp_path, name="a.xlsx"), bank).assignments
              if a.role_id == "PMO-HEAD"}
    response = read_one(make_workbook(tmp_path, [("RACI", "G1", "pmo-head")], name="b.xlsx"), bank)
    assert before and {(a.responsibility_id, a.letters) for a in response.assignments if a.role_id == "PMO-HEAD"} == before


def test_a_roles_sheet_that_names_nobody_is_warned_about(make_workbook, tmp_path, bank, good_roles):
    rows = {r.id: n for n, r in enumerate(bank.roles, start=2)}
    path = make_workbook(tmp_path, [("Roles", f"C{rows[r]}", None) for r in good_roles]
                         + [("Roles", f"D{rows[r]}", None) for r in good_roles])
    (warning,) = read_one(path, bank).warnings
    assert warning.location == "Roles!C:C" and "no role has a Holder" in warning.message


def test_an_answer_on_an_unknown_question_id_is_ignored_with_a_warning(make_workbook, tmp_path, bank):
    path = make_workbook(tmp_path, [("Questions", "A74", "XX-99"), ("Questions", "E74", 3)])
    response = read_one(path, bank)
    (warning,) = response.warnings
    assert (warning.severity, warning.location, warning.found) == ("warning", "Questions!A74", "'XX-99'")
    assert "question ID XX-99 is not in question bank pmo-core" in warning.message
    assert response.answer("XX-99") is None


# --- what is accepted ----------------------------------------------------------------------------
# One workbook holds every accepted spelling (built once for this module), each in its own cell.

ANSWER_SPELLINGS = [  # typed into Questions!E2, E3, ... in this order
    (3, ANSWERED, 3),
    ("3", ANSWERED, 3),
    (" 3 ", ANSWERED, 3),
    ("3,0", ANSWERED, 3),
    ("3 - Defined", ANSWERED, 3),
    ("3 – Defined", ANSWERED, 3),     # en dash, as Word and Outlook autocorrect
    ("3: Defined", ANSWERED, 3),
    ("Defined", ANSWERED, 3),
    ("0", ANSWERED, 0),
    ("0 - Absent", ANSWERED, 0),
    ("N/A", NOT_APPLICABLE, None),
    ("n/a", NOT_APPLICABLE, None),
    ("Not applicable", NOT_APPLICABLE, None),
    ("Don't know", DONT_KNOW, None),
    ("Don’t know", DONT_KNOW, None),  # typographic apostrophe
    ("dont know", DONT_KNOW, None),
    ("?", DONT_KNOW, None),
]
RACI_SPELLINGS = [  # RACI row 2 (status-reporting), one role column each
    ("G2", "PMO-HEAD", "a/r", "A/R"),
    ("H2", "PORT-MGR", "R/A", "A/R"),
    ("I2", "PORT-ANALYST", "AR", "A/R"),
    ("J2", "PROG-MGR", " c ", "C"),
]
FTE_SPELLINGS = [("D2", "BOARD", "0,5", 0.5), ("D3", "SPONSOR", " 0.75 ", 0.75), ("D4", "PROJ-BOARD", 0, 0.0),
                 ("D5", "AUDITOR", "0", 0.0)]
IN_PMO_SPELLINGS = [("E2", "BOARD", "Yes", True), ("E3", "SPONSOR", "y", True), ("E4", "PROJ-BOARD", "NO", False),
                    ("E5", "AUDITOR", "n", False), ("E6", "PMO-HEAD", True, True)]


@pytest.fixture(scope="module")
def accepted(workbook_factory, tmp_path_factory, bank):
    edits = [("Questions", f"E{row}", typed) for row, (typed, _, _) in enumerate(ANSWER_SPELLINGS, start=2)]
    edits += [("RACI", cell, typed) for cell, _, typed, _ in RACI_SPELLINGS]
    edits += [("Roles", cell, typed) for cell, _, typed, _ in FTE_SPELLINGS + IN_PMO_SPELLINGS]
    edits += [("Roles", f"C{cell[1:]}", f"Holder {role}") for cell, role, _, _ in FTE_SPELLINGS]  # an FTE has its holder
    return read_one(workbook_factory(tmp_path_factory.mktemp("accepted"), edits), bank)


def test_accepted_spellings_raise_no_problem(accepted):
    assert accepted.warnings == ()


@pytest.mark.parametrize("row, typed, status, value",
                         [(row, *case) for row, case in enumerate(ANSWER_SPELLINGS, start=2)],
                         ids=[repr(case[0]) for case in ANSWER_SPELLINGS])
def test_accepted_answer_spellings(accepted, bank, row, typed, status, value):
    answer = accepted.answer(bank.questions[row - 2].id)
    assert (answer.status, answer.value, answer.cell, answer.raw) == (status, value, f"Questions!E{row}",
                                                                      str(typed).strip())


@pytest.mark.parametrize("cell, role, typed, letters", RACI_SPELLINGS, ids=[c[2] for c in RACI_SPELLINGS])
def test_accepted_raci_spellings(accepted, cell, role, typed, letters):
    (assignment,) = [a for a in accepted.assignments if a.cell == f"RACI!{cell}"]
    assert (assignment.responsibility_id, assignment.role_id, assignment.letters) == \
        ("status-reporting", role, letters)


@pytest.mark.parametrize("cell, role, typed, fte", FTE_SPELLINGS, ids=[repr(c[2]) for c in FTE_SPELLINGS])
def test_accepted_fte_spellings(accepted, cell, role, typed, fte):
    held = next(r for r in accepted.roles if r.role_id == role)
    assert held.fte == fte and held.fte_cell == f"Roles!{cell}"


@pytest.mark.parametrize("cell, role, typed, in_pmo", IN_PMO_SPELLINGS, ids=[repr(c[2]) for c in IN_PMO_SPELLINGS])
def test_accepted_in_pmo_spellings(accepted, cell, role, typed, in_pmo):
    assert next(r for r in accepted.roles if r.role_id == role).in_pmo is in_pmo


@pytest.mark.parametrize("blank", [None, "   "], ids=["empty", "spaces"])
def test_blank_answer_is_unanswered_not_zero_with_a_warning(make_workbook, tmp_path, bank, blank):
    path = make_workbook(tmp_path, [("Questions", "E14", blank)])
    response = read_one(path, bank)
    (warning,) = response.warnings
    assert warning.severity == "warning"
    assert warning.location == "Questions!E:E"
    assert warning.message == "1 question(s) unanswered, counted as not answered (not zero): GC-06 (E14)"
    answer = response.answer("GC-06")
    assert (answer.status, answer.value) == (UNANSWERED, None)


# --- all problems at once ------------------------------------------------------------------------

def test_every_problem_of_a_workbook_is_reported_together(make_workbook, tmp_path):
    path = make_workbook(tmp_path, [
        ("Profile", "B8", "many"),
        ("Questions", "E14", 7),
        ("Roles", "D6", "half"),
        ("RACI", "C1", "CHAIR"),
        ("RACI", "G2", "X"),
    ])
    with pytest.raises(InputError) as caught:
        api.read_workbooks([path])
    assert [(p.severity, p.location) for p in caught.value.problems] == [
        ("error", "Profile!B8"), ("error", "Questions!E14"), ("error", "Roles!D6"),
        ("error", "RACI!C1"), ("error", "RACI!G2"),
    ]
    # Each problem is one line: file, cell, severity, message, found and expected.
    assert caught.value.lines()[1] == (f"{path}: Questions!E14: error: answer to GC-06 is out of range "
                                       f"(found 7; expected {ANSWER_EXPECTED})")
    assert caught.value.lines() == [str(p) for p in caught.value.problems]


def test_a_missing_sheet_does_not_hide_problems_in_the_others(make_workbook, tmp_path, problems):
    path = make_workbook(tmp_path, [("rename_sheet", "Profile", "About"), ("Questions", "E14", 7),
                                    ("RACI", "G2", "X")])
    reported = problems(path)
    assert {p.location for p in errors(reported)} == {"Profile", "Questions!E14", "RACI!G2"}
    assert at(reported, "Profile").found == "'About'"


def test_problems_of_several_workbooks_are_reported_together(make_workbook, tmp_path):
    first = make_workbook(tmp_path, [("Questions", "E14", 7)], name="first.xlsx")
    second = make_workbook(tmp_path, [("Roles", "D6", "half")], name="second.xlsx")
    with pytest.raises(InputError) as caught:
        api.read_workbooks([first, second])
    assert [(p.file, p.location) for p in caught.value.problems] == [
        (str(first), "Questions!E14"), (str(second), "Roles!D6")]


def test_warnings_are_kept_alongside_errors(make_workbook, tmp_path, problems):
    path = make_workbook(tmp_path, [("Questions", "E14", 7), ("Questions", "E15", None)])
    reported = problems(path)
    assert [p.severity for p in reported] == ["error", "warning"]
    assert "GC-03 (E15)" in reported[1].message


# --- the template stamp --------------------------------------------------------------------------

def test_good_workbook_carries_the_stamp(filled_workbook, bank):
    response = read_one(filled_workbook, bank)
    assert response.warnings == ()
    stamp = response.stamp
    assert (stamp.found, stamp.template_id, stamp.version) == (True, "pmo-core", bank.version)


def test_missing_stamp_is_a_warning_and_the_workbook_still_valid(make_workbook, tmp_path, bank):
    path = make_workbook(tmp_path, [("delete_stamp",)])
    response = read_one(path, bank)
    (warning,) = response.warnings
    assert (warning.severity, warning.location) == ("warning", "")
    assert "no template stamp" in warning.message
    assert "matched by sheet headers and question ids" in warning.message
    assert response.stamp.found is False
    assert response.answer("GC-06").value is not None


def test_unstamped_workbook_is_matched_by_question_ids_not_row_order(make_workbook, tmp_path, bank):
    """An older template may list the questions in another order: answers follow their IDs."""
    def swap_first_two_questions(wb):
        ws = wb["Questions"]
        for column in range(1, 7):
            a, b = ws.cell(row=2, column=column), ws.cell(row=3, column=column)
            a.value, b.value = b.value, a.value

    path = make_workbook(tmp_path, [("delete_stamp",), swap_first_two_questions, ("Questions", "E2", 5),
                                    ("Questions", "E3", 1)])
    response = read_one(path, bank)
    assert [p.message[:17] for p in response.warnings] == ["no template stamp"]
    assert (response.answer("RP-02").value, response.answer("RP-02").cell) == (5, "Questions!E2")
    assert (response.answer("RP-01").value, response.answer("RP-01").cell) == (1, "Questions!E3")


def test_defined_name_alone_still_stamps_the_version(make_workbook, tmp_path, bank):
    def drop_document_properties(wb):
        for name in list(wb.custom_doc_props.names):
            del wb.custom_doc_props[name]

    path = make_workbook(tmp_path, [drop_document_properties])
    response = read_one(path, bank)
    assert response.warnings == ()
    assert response.stamp.version == bank.version


def test_older_template_version_is_a_warning(make_workbook, tmp_path, problems, bank):
    path = make_workbook(tmp_path, [("set_doc_prop", "TemplateVersion", "0.9.0")])
    (warning,) = problems(path)
    assert warning.severity == "warning"
    assert warning.message == (f"workbook was made from template version 0.9.0, the question bank is version "
                               f"{bank.version}: matched by question ids")


def test_edited_question_wording_is_a_warning(make_workbook, tmp_path, problems):
    path = make_workbook(tmp_path, [("set_doc_prop", "QuestionsHash", "0000000000000000")])
    (warning,) = problems(path)
    assert warning.severity == "warning"
    assert "question wording differs from the bank's" in warning.message


# --- formulas ------------------------------------------------------------------------------------

def test_formula_in_evidence_is_kept_as_text_with_a_warning(make_workbook, tmp_path, bank):
    link = '=HYPERLINK("http://intranet.example/gates","Gate minutes")'
    path = make_workbook(tmp_path, [("Questions", "F14", link)])
    response = read_one(path, bank)
    (warning,) = response.warnings
    assert (warning.severity, warning.location, warning.found) == ("warning", "Questions!F14", repr(link))
    assert warning.message == "formula where text is expected; kept as plain text"
    assert response.answer("GC-06").evidence == link


def test_formula_in_a_holder_is_kept_as_text_with_a_warning(make_workbook, tmp_path, bank):
    path = make_workbook(tmp_path, [("Roles", "C6", "=Profile!B4")])
    response = read_one(path, bank)
    (warning,) = response.warnings
    assert (warning.severity, warning.location) == ("warning", "Roles!C6")
    head = next(r for r in response.roles if r.role_id == "PMO-HEAD")
    assert head.holders == ("=Profile!B4",)


# --- sheets and columns found by name ------------------------------------------------------------

def test_sheet_name_differing_only_in_case_is_read_with_a_warning(make_workbook, tmp_path, bank):
    path = make_workbook(tmp_path, [("rename_sheet", "Questions", "questions")])
    response = read_one(path, bank)
    (warning,) = response.warnings
    assert (warning.severity, warning.location, warning.found) == ("warning", "questions!A1", "'questions'")
    assert "sheet name differs from the template's 'Questions'; read it anyway" in warning.message
    answer = response.answer("GC-06")
    assert answer.status == ANSWERED and answer.cell == "questions!E14"


def test_question_columns_moved_are_still_read(make_workbook, tmp_path, bank, filled_workbook):
    path = make_workbook(tmp_path, [("swap_cols", "Questions", "A", "F")])  # ID <-> Evidence
    moved, original = read_one(path, bank), read_one(filled_workbook, bank)
    assert moved.warnings == ()
    assert [(a.question_id, a.status, a.value, a.cell) for a in moved.answers] == \
        [(a.question_id, a.status, a.value, a.cell) for a in original.answers]
    assert moved.answer("RP-01").evidence == "Evidence for RP-01"
    assert moved.answer("RP-01").evidence_cell == "Questions!A2"


def test_role_columns_moved_are_still_read(make_workbook, tmp_path, bank):
    path = make_workbook(tmp_path, [("swap_cols", "Roles", "A", "D")])  # Role ID <-> FTE
    response = read_one(path, bank)
    assert response.warnings == ()
    head = next(r for r in response.roles if r.role_id == "PMO-HEAD")
    assert (head.fte, head.fte_cell, head.cell) == (1.0, "Roles!A6", "Roles!D6")


def test_profile_columns_moved_are_still_read(make_workbook, tmp_path, problems, bank):
    path = make_workbook(tmp_path, [("swap_cols", "Profile", "A", "B")])
    assert problems(path) == []
    assert read_one(path, bank).profile_value("organisation") == "Contoso Manufacturing"


def test_raci_columns_moved_are_still_read(make_workbook, tmp_path, problems, bank):
    path = make_workbook(tmp_path, [("swap_cols", "RACI", "A", "B")])
    assert problems(path) == []
    response = read_one(path, bank)
    assert [r.responsibility_id for r in response.responsibilities] == list(bank.responsibility_ids())


# --- numbers that are not numbers ----------------------------------------------------------------

@pytest.mark.parametrize("typed", ["nan", "inf"])
def test_count_that_is_not_a_finite_number_is_an_error_not_a_crash(make_workbook, tmp_path, problems, typed):
    path = make_workbook(tmp_path, [("Profile", "B8", typed)])
    (problem,) = problems(path)
    assert (problem.severity, problem.location, problem.found) == ("error", "Profile!B8", repr(typed))
    assert "Employees is not" in problem.message


@pytest.mark.parametrize("typed", ["nan", "inf"])
def test_fte_that_is_not_a_finite_number_is_an_error(make_workbook, tmp_path, problems, typed):
    path = make_workbook(tmp_path, [("Roles", "D6", typed)])
    (problem,) = problems(path)
    assert (problem.severity, problem.location, problem.found) == ("error", "Roles!D6", repr(typed))
    assert "FTE of PMO-HEAD is not a number" in problem.message


# --- input files are only read -------------------------------------------------------------------

@pytest.mark.parametrize("edits", [[], [("Questions", "E14", 7), ("Questions", "F14", "=A1")]],
                         ids=["valid", "invalid"])
def test_validation_never_changes_the_input_file(make_workbook, tmp_path, bank, edits):
    path = make_workbook(tmp_path, edits)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    try:
        read_submission([path], bank)
    except InputError:
        pass
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


# --- the broken samples do what their specs say ----------------------------------------------------

def spec_edits(name: str) -> list[dict]:
    return yaml.safe_load((REPO / "samples" / "specs" / f"{name}.yaml").read_text(encoding="utf-8"))["edits"]


# samples/specs/broken-typos-and-gaps.yaml, edit by edit (its comments say why each is wrong).
TYPOS_AND_GAPS = {
    "Questions!E2": ("answer to RP-01 is out of range", "7"),
    "Questions!E3": ("answer to RP-02 is not a valid answer", "'seven'"),
    "Questions!E4": ("formula where an answer is expected", "'=2+1'"),
    "Questions!A6": ("duplicate question ID RP-04", "'RP-04'"),
    "Questions": ("question RP-05 is missing", ""),
    "Roles!D5": ("FTE of AUDITOR is not a number", "'half'"),
    "Roles!D6": ("FTE of PMO-HEAD is negative", "-1"),
    "Roles!A25": ("duplicate Role ID QA", "'QA'"),
    "Roles!F2": ("reporting lines form a cycle: BOARD -> PMO-HEAD -> SPONSOR -> BOARD", ""),
    "Roles!E3": ("In PMO of SPONSOR is not yes or no", "'maybe'"),
    "RACI!C1": ("unknown Role ID CHAIR in the RACI header", "'CHAIR'"),
    "RACI!Z1": ("unknown Role ID TOOLS-EXPERT in the RACI header", "'TOOLS-EXPERT'"),  # its Roles row became QA
    "RACI!G2": ("invalid RACI letter for PMO-HEAD on status-reporting", "'X'"),
}
TYPOS_ACCEPTED = {"Questions!E8", "RACI!D3"}  # "3" typed as text, "R/A"


def test_typos_and_gaps_sample_reports_each_edit(problems):
    path = BROKEN / "typos-and-gaps.xlsx"
    reported = problems(path)
    assert {p.location for p in errors(reported)} == set(TYPOS_AND_GAPS)
    for location, (phrase, found) in TYPOS_AND_GAPS.items():
        problem = at(reported, location)
        assert phrase in problem.message, location
        assert problem.found == found, location
    assert not {p.location for p in reported} & TYPOS_ACCEPTED


def test_typos_and_gaps_spec_edits_are_all_covered():
    edited = {f"{e['sheet']}!{e['cell']}" for e in spec_edits("broken-typos-and-gaps")}
    assert edited == (set(TYPOS_AND_GAPS) - {"Questions", "RACI!Z1"}) | TYPOS_ACCEPTED


def test_renamed_sheet_sample_reports_the_sheet_and_the_header(problems):
    path = BROKEN / "renamed-sheet.xlsx"
    assert spec_edits("broken-renamed-sheet") == [{"rename_sheet": "Questions", "to": "Survey"},
                                                  {"sheet": "Roles", "cell": "D1", "value": "Effort"}]
    reported = problems(path)
    assert [(p.severity, p.location, p.found) for p in reported] == [
        ("error", "Questions", "'Survey'"), ("error", "Roles!D1", "'Effort'")]
    assert "missing sheet 'Questions' (was it renamed or deleted?)" in reported[0].message
    assert "missing header 'FTE'" in reported[1].message


def test_not_a_workbook_sample_is_refused_before_parsing(bank):
    with pytest.raises(InputError) as caught:
        read_submission([BROKEN / "not-a-workbook.xlsx"], bank)
    (problem,) = caught.value.problems
    assert "CSV or text file renamed to .xlsx" in problem.message


# --- what respondents type that is readable with care -----------------------------------------------

@pytest.mark.parametrize("typed", ["12,500", "12 500", "12.500"])
def test_a_count_with_thousands_separators_is_read_as_a_count(make_workbook, tmp_path, bank, typed):
    path = make_workbook(tmp_path, [("Profile", "B8", typed)])
    response = read_submission([path], bank).responses[0]
    assert response.profile_value("employees") == 12500


def test_an_answer_whose_label_names_another_level_uses_the_number_and_warns(make_workbook, tmp_path, bank):
    path = make_workbook(tmp_path, [("Questions", "E5", "3 - Managed")])
    submission = read_submission([path], bank)
    answer = submission.responses[0].answer(bank.questions[3].id)
    assert answer.value == 3
    (warning,) = [w for w in submission.warnings if w.location == "Questions!E5"]
    assert "label 'Managed' (level 4)" in warning.message and "3 is used" in warning.message


def test_letters_under_a_raci_column_with_no_role_id_are_an_error(make_workbook, tmp_path, problems):
    # Column AZ has no Role ID in row 1: letters there could be attributed to nobody.
    path = make_workbook(tmp_path, [("RACI", "AZ3", "R"), ("RACI", "AZ4", "A")])
    (problem,) = [p for p in problems(path) if p.location == "RACI!AZ1"]
    assert problem.severity == "error"
    assert "RACI letters in a column with no Role ID (2 cells, first RACI!AZ3)" in problem.message


def test_reports_to_in_lower_case_is_read_as_the_role_id(make_workbook, tmp_path, bank):
    path = make_workbook(tmp_path, [("Roles", "F13", "pmo-head")])
    roles = {r.role_id: r for r in read_submission([path], bank).responses[0].roles}
    row13 = [r for r in roles.values() if r.cell == "Roles!A13"][0]
    assert row13.reports_to == "PMO-HEAD"


@pytest.mark.parametrize("name", ["report.json", "verdicts.yaml", "answers"])
def test_a_text_file_of_another_kind_is_not_called_renamed(tmp_path, bank, name):
    """`--plan out/k.json` and `validate verdicts.yaml` were told 'this is a CSV or text file renamed to .xlsx'."""
    path = tmp_path / name
    path.write_text('{"not": "a workbook"}\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_submission([path], bank)
    (problem,) = caught.value.problems
    suffix = path.suffix or "no extension"
    assert problem.message == f"this is a text file ({suffix}), not an Excel workbook: give the path of the .xlsx workbook"
