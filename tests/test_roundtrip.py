"""Template round trip: generate the template, fill it in the ways respondents do, read it back.

Every value in the model keeps the cell it came from, so a conclusion can be traced to the
workbook. These tests fill cells programmatically (numbers, "3" typed as text, dropdown labels,
N/A, Don't know, blanks, several holders, decimal commas, a custom role, lowercase RACI letters)
and compare the model field by field.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from assessor import api
from assessor.errors import InputError
from assessor.model import (ANSWERED, DONT_KNOW, NOT_APPLICABLE, UNANSWERED, Answer, Assignment,
                            ProfileValue, ResponsibilityRow, Role, Stamp)
from assessor.questionnaire.reader import read_submission
from assessor.xlsx import openpyxl

REPO = Path(__file__).resolve().parent.parent

PROFILE = {  # Profile!B2.. in template order
    "Organisation": "Contoso Manufacturing",
    "PMO name": "Enterprise PMO",
    "Respondent": "Alex Morgan",
    "Respondent role": "Head of PMO",
    "Assessment date": dt.date(2026, 11, 30),
    "Industry": "Manufacturing",
    "Employees": "5200",                 # a count typed as text
    "Active projects": 40,
    "Active programmes": 3,
    "PMO headcount (FTE)": "2,5",        # decimal comma
    "PMO head reports to": "Chief Operating Officer",
}

# Questions!E<row>: what the respondent left there.
ANSWERS = {
    "E2": 4,                 # RP-01 a number
    "E3": "3",               # RP-02 "3" typed as text
    "E4": "3 - Defined",     # RP-03 the dropdown label
    "E5": "N/A",             # RP-04
    "E6": "Don't know",      # RP-05
    "E7": None,              # MS-01 blank: not answered, not zero
    "E8": 0,                 # MS-02 zero is an answer
    "E9": "Optimised",       # MS-03 the label alone
    "E10": 2.0,              # MS-04 a float that is a whole number
    "E15": "1 - Ad hoc",     # GC-03
}
EVIDENCE = {"F15": "Gate review minutes, May 2026",
            "F3": "Monthly forecast pack (SharePoint /PMO/Reports)"}

CUSTOM_ROLE_ROW = 26  # the first row after the 24 standard roles
CUSTOM_ROLE = ("CHANGE-LEAD", "Change lead", "Pat Quinn", 0.8, "No", "SPONSOR")
# The first row after the catalogue's standard responsibilities (the catalogue grows between versions).
CUSTOM_RESPONSIBILITY_ROW = len(api.load_bank().responsibilities) + 2

# RACI!<cell>: letters as typed. Columns: G PMO-HEAD, N PM, P PMO-ANALYST, AA the custom CHANGE-LEAD.
RACI = {
    "G2": "a/r",   # status-reporting / PMO-HEAD, lowercase
    "N2": "c",
    "P2": "R",
    "AA2": "I",
    "G3": "R/A",   # performance-monitoring / PMO-HEAD
    "AA3": " r ",
    f"AA{CUSTOM_RESPONSIBILITY_ROW}": "A",   # the client's own responsibility
}


def fill_roundtrip(wb, bank) -> None:
    profile = wb["Profile"]
    for row, value in enumerate(PROFILE.values(), start=2):
        profile.cell(row=row, column=2, value=value)
    questions = wb["Questions"]
    for row in range(2, len(bank.questions) + 2):
        questions.cell(row=row, column=5, value=row % 6)  # a valid default for the rest
    for cell, value in {**ANSWERS, **EVIDENCE}.items():
        questions[cell] = value
    roles = wb["Roles"]
    roles["C6"], roles["D6"] = "Alex Morgan", 1                       # PMO-HEAD
    roles["C13"], roles["D13"] = "Aisha Khan;Bruno Silva", 1          # PM
    roles["E13"], roles["F13"] = "yes", "PMO-HEAD"
    roles["C15"], roles["D15"] = "Sam Patel; Kim Chow", "0,5"          # PMO-ANALYST
    for column, value in enumerate(CUSTOM_ROLE, start=1):
        roles.cell(row=CUSTOM_ROLE_ROW, column=column, value=value)
    raci = wb["RACI"]
    raci["AA1"] = "CHANGE-LEAD"
    raci[f"A{CUSTOM_RESPONSIBILITY_ROW}"] = "change-comms"
    raci[f"B{CUSTOM_RESPONSIBILITY_ROW}"] = "Communicate organisational changes"
    for cell, value in RACI.items():
        raci[cell] = value


@pytest.fixture(scope="module")
def filled_path(tmp_path_factory, bank):
    folder = tmp_path_factory.mktemp("roundtrip")
    blank = api.write_template(folder / "template.xlsx")
    wb = openpyxl().load_workbook(blank)
    fill_roundtrip(wb, bank)
    out = folder / "contoso-alex.xlsx"
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def response(filled_path):
    submission = api.read_workbooks([filled_path])
    assert submission.bank_id == "pmo-core"
    (only,) = submission.responses
    return only


def test_stamp_is_read_back(response, bank, filled_path):
    assert response.source == str(filled_path)
    assert response.stamp == Stamp("pmo-core", bank.version, bank.questions_hash, True)


def test_profile_values_and_their_cells(response):
    assert response.profile == (
        ProfileValue("organisation", "Contoso Manufacturing", "Profile!B2"),
        ProfileValue("pmo_name", "Enterprise PMO", "Profile!B3"),
        ProfileValue("respondent", "Alex Morgan", "Profile!B4"),
        ProfileValue("respondent_role", "Head of PMO", "Profile!B5"),
        ProfileValue("assessment_date", "2026-11-30", "Profile!B6"),
        ProfileValue("industry", "Manufacturing", "Profile!B7"),
        ProfileValue("employees", 5200, "Profile!B8"),
        ProfileValue("active_projects", 40, "Profile!B9"),
        ProfileValue("active_programmes", 3, "Profile!B10"),
        ProfileValue("pmo_fte", 2.5, "Profile!B11"),
        ProfileValue("pmo_head_reports_to", "Chief Operating Officer", "Profile!B12"),
    )
    assert response.respondent == "Alex Morgan"
    assert isinstance(response.profile_value("employees"), int)


@pytest.mark.parametrize("qid, status, value, cell, raw", [
    ("RP-01", ANSWERED, 4, "Questions!E2", "4"),
    ("RP-02", ANSWERED, 3, "Questions!E3", "3"),
    ("RP-03", ANSWERED, 3, "Questions!E4", "3 - Defined"),
    ("RP-04", NOT_APPLICABLE, None, "Questions!E5", "N/A"),
    ("RP-05", DONT_KNOW, None, "Questions!E6", "Don't know"),
    ("MS-01", UNANSWERED, None, "Questions!E7", ""),
    ("MS-02", ANSWERED, 0, "Questions!E8", "0"),
    ("MS-03", ANSWERED, 5, "Questions!E9", "Optimised"),
    ("MS-04", ANSWERED, 2, "Questions!E10", "2"),   # Excel stores 2.0 as 2
    ("GC-03", ANSWERED, 1, "Questions!E15", "1 - Ad hoc"),
])
def test_answers_keep_status_value_cell_and_what_was_typed(response, qid, status, value, cell, raw):
    answer = response.answer(qid)
    assert (answer.status, answer.value, answer.cell, answer.raw) == (status, value, cell, raw)
    assert answer.evidence_cell == cell.replace("!E", "!F")


def test_blank_is_not_zero(response):
    blank, zero = response.answer("MS-01"), response.answer("MS-02")
    assert blank.status == UNANSWERED and blank.value is None
    assert zero.status == ANSWERED and zero.value == 0


def test_evidence_is_kept_with_its_cell(response):
    assert response.answer("GC-03") == Answer("GC-03", ANSWERED, 1, "Questions!E15",
                                              "Gate review minutes, May 2026", "Questions!F15", "1 - Ad hoc")
    assert response.answer("RP-02").evidence == "Monthly forecast pack (SharePoint /PMO/Reports)"
    assert response.answer("RP-01").evidence == ""


def test_one_answer_per_bank_question_in_bank_order(response, bank):
    assert [a.question_id for a in response.answers] == [q.id for q in bank.questions]
    assert [a.cell for a in response.answers[:3]] == ["Questions!E2", "Questions!E3", "Questions!E4"]


def test_roles_with_holders_fte_and_reporting_lines(response):
    roles = {r.role_id: r for r in response.roles}
    assert roles["PMO-HEAD"] == Role("PMO-HEAD", "Head of PMO", ("Alex Morgan",), 1.0, True, "SPONSOR",
                                     "Roles!A6", True, "Roles!C6", "Roles!D6", "Roles!F6", "Roles!E6")
    assert roles["PM"].holders == ("Aisha Khan", "Bruno Silva")
    assert roles["PM"].in_pmo is True          # "yes" typed over the prefilled "No"
    assert roles["PM"].reports_to == "PMO-HEAD"
    analyst = roles["PMO-ANALYST"]
    assert analyst.holders == ("Sam Patel", "Kim Chow")
    assert analyst.fte == 0.5 and isinstance(analyst.fte, float)
    assert analyst.fte_cell == "Roles!D15"


def test_a_role_without_holder_is_kept_as_not_held(response):
    board = next(r for r in response.roles if r.role_id == "BOARD")
    assert (board.holders, board.fte, board.in_pmo, board.reports_to) == ((), None, False, None)


def test_custom_role_is_read_as_the_clients_own(response):
    custom = response.roles[-1]
    assert custom == Role("CHANGE-LEAD", "Change lead", ("Pat Quinn",), 0.8, False, "SPONSOR",
                          f"Roles!A{CUSTOM_ROLE_ROW}", False, f"Roles!C{CUSTOM_ROLE_ROW}",
                          f"Roles!D{CUSTOM_ROLE_ROW}", f"Roles!F{CUSTOM_ROLE_ROW}", f"Roles!E{CUSTOM_ROLE_ROW}")
    assert sum(1 for r in response.roles if r.standard) == 24


def test_raci_letters_are_normalised(response):
    assert response.assignments == (
        Assignment("status-reporting", "PMO-HEAD", "A/R", "RACI!G2"),
        Assignment("status-reporting", "PM", "C", "RACI!N2"),
        Assignment("status-reporting", "PMO-ANALYST", "R", "RACI!P2"),
        Assignment("status-reporting", "CHANGE-LEAD", "I", "RACI!AA2"),
        Assignment("performance-monitoring", "PMO-HEAD", "A/R", "RACI!G3"),
        Assignment("performance-monitoring", "CHANGE-LEAD", "R", "RACI!AA3"),
        Assignment("change-comms", "CHANGE-LEAD", "A", f"RACI!AA{CUSTOM_RESPONSIBILITY_ROW}"),
    )


def test_responsibility_rows_standard_and_custom(response, bank):
    rows = response.responsibilities
    assert [r.responsibility_id for r in rows] == [*bank.responsibility_ids(), "change-comms"]
    assert rows[0] == ResponsibilityRow("status-reporting", "Report project status to senior management",
                                        "RACI!A2", True)
    assert rows[-1] == ResponsibilityRow("change-comms", "Communicate organisational changes",
                                         f"RACI!A{CUSTOM_RESPONSIBILITY_ROW}", False)


def test_warnings_travel_with_the_response(response, filled_path):
    shown = [(w.location, w.severity, w.message) for w in response.warnings]
    assert shown == [
        ("Questions!E:E", "warning",
         "1 question(s) unanswered, counted as not answered (not zero): MS-01 (E7)"),
        (f"RACI!A{CUSTOM_RESPONSIBILITY_ROW}", "warning",
         "responsibility change-comms is not in the standard catalogue; kept as the client's own"),
    ]
    assert all(w.file == str(filled_path) for w in response.warnings)


def test_reading_the_blank_template_gives_warnings_only(blank_template, bank):
    (response,) = read_submission([blank_template], bank).responses
    assert all(a.status == UNANSWERED for a in response.answers)
    assert not response.assignments and not any(r.holders for r in response.roles)
    messages = [w.message for w in response.warnings]
    assert "organisation is blank" in messages and "respondent is blank" in messages
    assert any(m.startswith(f"{len(bank.questions)} question(s) unanswered") and m.endswith(f"and {len(bank.questions) - 8} more")
               for m in messages)


# --- several respondents -----------------------------------------------------------------------

def second_respondent(filled_path: Path, folder: Path, organisation: str) -> Path:
    wb = openpyxl().load_workbook(filled_path)
    wb["Profile"]["B2"] = organisation
    wb["Profile"]["B4"] = "Ben Carter"
    wb["Questions"]["E2"] = "2 - Repeatable"
    out = folder / "contoso-ben.xlsx"
    wb.save(out)
    return out


def test_two_respondents_form_one_submission(filled_path, tmp_path, bank):
    other = second_respondent(filled_path, tmp_path, "  contoso   MANUFACTURING ")
    submission = api.read_workbooks([filled_path, other])
    assert (submission.bank_id, submission.bank_version) == ("pmo-core", bank.version)
    assert [r.respondent for r in submission.responses] == ["Alex Morgan", "Ben Carter"]
    assert [r.answer("RP-01").value for r in submission.responses] == [4, 2]
    # The same organisation spelled differently is still one organisation.
    assert not [w for w in submission.warnings if "different organisations" in w.message]


def test_respondents_naming_different_organisations_are_refused(filled_path, tmp_path):
    other = second_respondent(filled_path, tmp_path, "Fabrikam Ltd")
    with pytest.raises(InputError) as caught:
        api.read_workbooks([filled_path, other])
    contoso, fabrikam = caught.value.problems  # Alex Morgan's workbook first, then Ben Carter's
    assert (contoso.file, contoso.location, contoso.severity) == (str(filled_path), "Profile!B2", "error")
    assert (fabrikam.file, fabrikam.location) == (str(other), "Profile!B2")
    assert "workbooks of 2 organisations were given, and one assessment is one office" in contoso.message
    assert contoso.message.endswith(f"'Contoso Manufacturing' with: pmo-assess assess {filled_path}")
    assert fabrikam.message.endswith(f"'Fabrikam Ltd' with: pmo-assess assess {other}")


def test_respondents_naming_different_pmos_of_one_organisation_get_a_warning(filled_path, tmp_path):
    other = second_respondent(filled_path, tmp_path, "Contoso Manufacturing")
    wb = openpyxl().load_workbook(other)
    wb["Profile"]["B3"] = "Operations PMO"
    wb.save(other)
    submission = api.read_workbooks([other, filled_path])
    (warning,) = [w for w in submission.warnings if "different PMOs" in w.message]
    assert (warning.file, warning.location, warning.severity) == (str(filled_path), "Profile!B3", "warning")
    assert "assessed as one office" in warning.message
    assert "'Enterprise PMO'" in warning.found and "'Operations PMO'" in warning.found


# --- the bundled samples are what samples/build.py makes from their specs -------------------------

def _build_module():
    spec = importlib.util.spec_from_file_location("samples_build", REPO / "samples" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GOOD_SPECS = sorted(p.stem for p in (REPO / "samples" / "specs").glob("*.yaml") if not p.stem.startswith("broken-"))


def _content(response):
    return (response.stamp, response.profile, response.answers, response.roles, response.responsibilities,
            response.assignments, [dataclasses.replace(w, file="") for w in response.warnings])


@pytest.mark.parametrize("name", GOOD_SPECS)
def test_sample_matches_its_spec(name, tmp_path, bank):
    build = _build_module()
    spec = build.load_spec(REPO / "samples" / "specs" / f"{name}.yaml")
    rebuilt = tmp_path / "rebuilt.xlsx"
    build.fill(spec, bank, rebuilt)
    committed = REPO / "samples" / spec["file"]
    (fresh,) = read_submission([rebuilt], bank).responses
    (shipped,) = read_submission([committed], bank).responses
    assert _content(shipped) == _content(fresh), f"samples/{spec['file']} is stale: run `make samples`"
    assert fresh.profile_value("organisation") == spec["profile"]["organisation"]

