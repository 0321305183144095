"""Several respondents for one office: the order the workbooks are given in changes nothing; every
respondent's Roles and RACI sheets are merged like their answers, and where they differ a DQ-06
finding names each respondent's cell; one person twice, or workbooks of different organisations,
are refused (exit 2, one line per problem, no traceback).

The Meridian Bank samples: the head of the PMO (``meridian-bank.xlsx``, Dana Whitfield), the finance
business partner (``more-respondents/meridian-bank-finance.xlsx``, Ben Carter, whose Roles and RACI
sheets are the same as Dana's) and a programme manager
(``more-respondents/meridian-bank-programme.xlsx``, Laura Jensen) whose sheets differ in three cells:
the Holder of COMMS (Roles!C21), the FTE of BENEFITS-MGR (Roles!D11) and PROG-MGR's letter on
benefits-realisation (RACI!J35). Paths are relative to the repository, as the reports show them.
"""
from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessor import api
from assessor.api import Assessor
from assessor.cli import cli
from assessor.questionnaire import layout as L
from assessor.xlsx import openpyxl

REPO = Path(__file__).resolve().parent.parent
DANA = "samples/meridian-bank.xlsx"
BEN = "samples/more-respondents/meridian-bank-finance.xlsx"
LAURA = "samples/more-respondents/meridian-bank-programme.xlsx"


@pytest.fixture(scope="module")
def assessor():
    return Assessor()


@pytest.fixture(scope="module")
def report(assessor):
    """``report(*paths)``: the JSON report as ``pmo-assess assess --format json`` prints it, parsed;
    run from the repository folder, once per list of paths."""
    cache = {}

    def make(*paths) -> dict:
        if paths not in cache:
            with pytest.MonkeyPatch.context() as mp:
                mp.chdir(REPO)
                cache[paths] = json.loads(api.render_report(assessor.assess(list(paths)).to_dict(), "json"))
        return cache[paths]

    return make


@pytest.fixture
def run(monkeypatch):
    monkeypatch.chdir(REPO)
    return lambda *args: CliRunner().invoke(cli, [str(a) for a in args], prog_name="pmo-assess")


def findings(data: dict, rule: str) -> list[dict]:
    return [f for f in data["findings"] if f["rule"] == rule]


def details(data: dict, rule: str) -> list[dict]:
    """The single disagreements: a rule's findings are grouped (one root cause), each match a detail."""
    return [d for f in findings(data, rule) for d in f["details"]]


def cells(finding: dict) -> set[tuple[str, str]]:
    return {(e["file"], f"{e['sheet']}!{e['cell']}") for e in finding["evidence"]}


def role(data: dict, role_id: str) -> dict:
    return next(r for r in data["coverage"]["roles"] if r["id"] == role_id)


def without_files(coverage: dict) -> dict:
    """The coverage section minus where each cell is: what the office looks like."""
    rows = {section: [{k: v for k, v in row.items() if k not in ("evidence", "file")} for row in rows]
            for section, rows in coverage.items()}
    return rows


# --- the order the files are given in ----------------------------------------------------------------

def test_every_order_of_three_respondents_gives_byte_identical_json(assessor, run):
    outputs = set()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        for order in itertools.permutations((DANA, BEN, LAURA)):
            outputs.add(api.render_report(assessor.assess(list(order)).to_dict(), "json"))
    assert len(outputs) == 1
    (text,) = outputs
    # what the command prints is the same document
    printed = run("assess", "--format", "json", LAURA, DANA, BEN)
    assert printed.exit_code == 0, printed.output
    assert printed.stdout == text
    data = json.loads(text)
    assert [r["respondent"] for r in data["respondents"]] == ["Ben Carter", "Dana Whitfield", "Laura Jensen"]


def test_two_orders_of_two_respondents_give_the_same_findings(report):
    assert report(DANA, LAURA)["findings"] == report(LAURA, DANA)["findings"]


# --- Roles and RACI of every respondent --------------------------------------------------------------

def test_a_different_holder_is_a_finding_naming_both_files_cells(report):
    data = report(DANA, LAURA)
    (group,) = findings(data, "DQ-06")
    assert (group["severity"], group["category"]) == ("medium", "data-quality")
    (comms,) = [d for d in details(data, "DQ-06") if d["subject"] == "COMMS"]
    assert cells(comms) == {(DANA, "Roles!C21"), (LAURA, "Roles!C21")}
    assert {(e["respondent"], e["value"]) for e in comms["evidence"]} == {
        ("Dana Whitfield", "Chris Doyle"), ("Laura Jensen", "Hana Kim")}
    # a tie between two respondents goes to the first in canonical order: Dana before Laura
    assert comms["message"] == (
        "Respondents disagree on the Holder of Stakeholder and communications officer: Dana Whitfield gave 'Chris Doyle' (meridian-bank.xlsx "
        "Roles!C21); Laura Jensen gave 'Hana Kim' (meridian-bank-programme.xlsx Roles!C21); 'Chris Doyle' is used.")
    assert role(data, "COMMS")["holders"] == ["Chris Doyle"]


def test_a_changed_raci_letter_is_a_finding_naming_both_files_cells(report):
    data = report(DANA, LAURA)
    (letter,) = [d for d in details(data, "DQ-06") if d["subject"] == "benefits-realisation / PROG-MGR"]
    assert cells(letter) == {(DANA, "RACI!J35"), (LAURA, "RACI!J35")}
    assert "on the RACI letter of “Plan, track and realise benefits” / Programme manager: Dana Whitfield gave 'C'" in letter["message"]
    assert "Laura Jensen gave 'R'" in letter["message"]


def test_the_majority_decides_and_fte_is_the_median(report):
    two, three = report(DANA, LAURA), report(DANA, BEN, LAURA)
    assert role(two, "BENEFITS-MGR")["fte"] == 0.75      # median of 0.5 and 1
    assert role(three, "BENEFITS-MGR")["fte"] == 0.5     # median of 0.5, 0.5 and 1
    row = next(r for r in three["coverage"]["responsibilities"] if r["id"] == "benefits-realisation")
    assert "PROG-MGR" not in row["responsible"]          # Dana and Ben say C, Laura alone R
    assert {d["subject"] for d in details(three, "DQ-06")} == {
        "COMMS", "BENEFITS-MGR", "benefits-realisation / PROG-MGR"}
    (fte,) = [d for d in details(three, "DQ-06") if d["subject"] == "BENEFITS-MGR"]
    assert cells(fte) == {(DANA, "Roles!D11"), (BEN, "Roles!D11"), (LAURA, "Roles!D11")}
    assert fte["message"].endswith("'0.5' is used.")


def test_respondents_who_agree_give_no_dq06_and_the_same_office(report):
    together, alone = report(DANA, BEN), report(DANA)
    assert not findings(together, "DQ-06")
    assert without_files(together["coverage"]) == without_files(alone["coverage"])


def test_each_merged_cell_names_its_file(report):
    data = report(DANA, BEN, LAURA)
    files = {e["file"] for row in data["coverage"]["responsibilities"] for e in row["evidence"]}
    files |= {e["file"] for person in data["coverage"]["people"] for e in person["evidence"]}
    files |= {r["file"] for r in data["coverage"]["roles"]}
    # Ben comes first in canonical order and agrees with the majority on every cell
    assert files == {BEN}
    row = next(r for r in data["coverage"]["responsibilities"] if r["id"] == "portfolio-funding")
    assert [f"{e['sheet']}!{e['cell']}" for e in row["evidence"]] == row["cells"]


@pytest.fixture(scope="module")
def untouched(tmp_path_factory, blank_template) -> Path:
    """Ben's workbook with the Roles and RACI sheets as the template has them (no holder, no letter)."""
    wb = openpyxl().load_workbook(REPO / BEN)
    template = openpyxl().load_workbook(blank_template)[L.ROLES]
    roles, raci = wb[L.ROLES], wb[L.RACI]
    assert roles.max_row == template.max_row
    for row in range(2, roles.max_row + 1):
        for column in range(3, 7):  # Holder, FTE, In PMO, Reports to: In PMO and Reports to come prefilled
            roles.cell(row=row, column=column).value = template.cell(row=row, column=column).value
    for row in range(2, raci.max_row + 1):
        for column in range(3, raci.max_column + 1):
            raci.cell(row=row, column=column).value = None
    out = tmp_path_factory.mktemp("untouched") / "meridian-bank-finance-answers-only.xlsx"
    wb.save(out)
    return out


def test_a_respondent_who_left_roles_and_raci_untouched_does_not_vote(report, untouched):
    together, alone = report(DANA, str(untouched)), report(DANA)
    assert [r["respondent"] for r in together["respondents"]] == ["Ben Carter", "Dana Whitfield"]
    assert not findings(together, "DQ-06")
    # Ben comes first, yet the office is Dana's alone, cell for cell
    assert together["coverage"] == alone["coverage"]
    # his answers still count
    assert together["maturity"]["answers"] != alone["maturity"]["answers"]


# --- refused: one person twice, several organisations -----------------------------------------------

def test_the_same_respondent_twice_is_refused(run, tmp_path):
    later = tmp_path / "meridian-bank-march.xlsx"
    wb = openpyxl().load_workbook(REPO / DANA)
    wb[L.PROFILE]["B6"] = "2027-03-01"
    wb[L.PROFILE]["B4"] = "  dana   WHITFIELD "
    wb.save(later)
    result = run("assess", later, DANA)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{DANA}: Profile!B4: error: respondent 'Dana Whitfield' (dated 2026-11-03) also "
                           f"filled {later} (Profile!B4, dated 2027-03-01): one office's respondents are "
                           "different people")
    assert "workbooks of different dates are separate assessments" in line
    assert "compare the reports" in line


def test_a_copy_of_a_workbook_is_refused(run, tmp_path):
    copy = tmp_path / "copy.xlsx"
    shutil.copyfile(REPO / DANA, copy)
    result = run("validate", DANA, copy)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{DANA}: error: the same workbook is given twice (also as {copy}: the files are identical) "
        "(expected each respondent's workbook once)"]


def test_workbooks_of_different_organisations_are_refused_listing_each(run):
    result = run("assess", "samples/northwind-energy.xlsx", DANA, BEN)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 3 and lines[-1] == "2 error(s); nothing was assessed."
    assert lines[0].startswith(f"{BEN}: Profile!B2: error: workbooks of 2 organisations were given")
    assert lines[0].endswith(f"'Meridian Bank' with: pmo-assess assess {BEN} {DANA} (found 'Meridian Bank'; "
                             "expected the same organisation in every workbook)")
    assert "'Northwind Energy' with: pmo-assess assess samples/northwind-energy.xlsx (found" in lines[1]


def test_an_organisation_spelled_with_other_punctuation_is_one_office_as_the_store_and_batch_say(run, tmp_path):
    """"Meridian Bank." beside "Meridian Bank": the batch grouped them as one office (as the store keys
    it), then the one-organisation check refused them both, blaming the other file."""
    from tests.builders import clone_workbook

    laura = clone_workbook(REPO / LAURA, tmp_path / "laura.xlsx", "Meridian Bank.")
    assessed = run("assess", DANA, laura, "--format", "json")
    assert assessed.exit_code == 0, assessed.output
    assert len(json.loads(assessed.stdout)["respondents"]) == 2
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(REPO / DANA, folder / "dana.xlsx")
    shutil.copy(laura, folder / "laura.xlsx")
    batch = run("batch", folder, "-o", tmp_path / "out", "--format", "json")
    assert batch.exit_code == 0 and "1 office(s) from 2 file(s), 0 failed" in batch.stderr, batch.output


def test_a_respondent_who_answered_only_the_questions_is_no_warning_beside_one_who_filled_the_sheets(run, tmp_path):
    """The finance partner's empty Roles and RACI sheets were warned about as the office having nobody in
    post, and no letters: the merge counts no view of theirs, and the office's sheets are filled."""
    from assessor.xlsx import openpyxl

    wb = openpyxl().load_workbook(REPO / BEN)
    for row in wb["Roles"].iter_rows(min_row=2, min_col=3, max_col=4):
        for cell in row:
            cell.value = None
    for row in wb["RACI"].iter_rows(min_row=2, min_col=3):
        for cell in row:
            cell.value = None
    questions_only = tmp_path / "finance-questions-only.xlsx"
    wb.save(questions_only)
    alone = run("validate", questions_only)
    assert "no role has a Holder" in alone.stderr and "the RACI sheet has no letters" in alone.stderr
    together = run("assess", DANA, questions_only, "--format", "json")
    assert together.exit_code == 0, together.output
    assert "no role has a Holder" not in together.stderr and "has no letters" not in together.stderr
    assert not [w for w in json.loads(together.stdout)["warnings"] if "Holder" in w["message"] or "letters" in w["message"]]


# --- a reporting line the merge makes ------------------------------------------------------------

def _role_row(ws, role_id: str) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == role_id)


@pytest.fixture(scope="module")
def cycle_office(tmp_path_factory, filled_workbook) -> list[Path]:
    """Three respondents, none with a cycle of their own; merged, PMO-HEAD reports to SPONSOR (two of
    three say so) and SPONSOR to PMO-HEAD (three different answers: the tie goes to Ann, first)."""
    folder = tmp_path_factory.mktemp("cycle")
    lines = {"Ann Ames": (None, "PMO-HEAD"), "Ben Bell": ("SPONSOR", "BOARD"), "Cem Cole": ("SPONSOR", None)}
    paths = []
    for name, (head_to, sponsor_to) in lines.items():
        wb = openpyxl().load_workbook(filled_workbook)
        wb[L.PROFILE]["B4"] = name
        roles = wb[L.ROLES]
        roles.cell(row=_role_row(roles, "PMO-HEAD"), column=6).value = head_to
        roles.cell(row=_role_row(roles, "SPONSOR"), column=6).value = sponsor_to
        path = folder / f"{name.split()[0].lower()}.xlsx"
        wb.save(path)
        paths.append(path)
    return paths


def test_a_cycle_only_the_merge_makes_is_a_cov_cycle_finding(assessor, cycle_office, tmp_path):
    data = assessor.assess(cycle_office).to_dict()
    (cycle,) = findings(data, "COV-CYCLE")
    assert cycle["message"] == ("Reporting lines form a cycle: Head of PMO -> Sponsor / senior responsible owner -> Head of PMO.")
    ann, ben, _ = (str(p) for p in cycle_office)
    sponsor_line = {(e["file"], e["value"]) for e in cycle["evidence"]}
    assert (ann, "PMO-HEAD") in sponsor_line and (ben, "SPONSOR") in sponsor_line
    assert {d["subject"] for d in details(data, "DQ-06")} == {"PMO-HEAD", "SPONSOR"}
    # and the graph of that office exports
    out = api.export_graph(cycle_office, tmp_path / "cycle.json")
    assert json.loads(out.read_text(encoding="utf-8"))["edges"]


# --- the graph export ----------------------------------------------------------------------------

def test_graph_cells_name_their_file_only_when_several_files_contribute(tmp_path, cycle_office):
    def graph(*paths):
        with pytest.MonkeyPatch.context() as mp:
            mp.chdir(REPO)
            out = api.export_graph(list(paths), tmp_path / f"graph{len(paths)}.json")
        return json.loads(out.read_text(encoding="utf-8"))

    # Dana wins every tie with Laura: only her file contributes, and no cell needs to say so
    for data in (graph(DANA), graph(DANA, LAURA)):
        assert not any(k.endswith("file") for item in data["nodes"] + data["edges"] for k in item)
    ann, ben, _ = (str(p) for p in cycle_office)
    data = graph(*cycle_office)
    lines = {(e["source"], e["target"]): e for e in data["edges"] if e["kind"] == "reports_to"}
    assert (lines["role:PMO-HEAD", "role:SPONSOR"]["file"], lines["role:SPONSOR", "role:PMO-HEAD"]["file"]) == (ben, ann)
    assert all(e["file"] == ann for e in data["edges"] if e["kind"] in ("raci", "holds"))
    assert lines["role:PMO-HEAD", "role:SPONSOR"]["gap"] is True  # the COV-CYCLE cell, matched with its file
