"""Role-coverage gap findings (rules/coverage.yaml) on workbooks built in the tests, and on the samples.

* One test per gap kind of the issue, each on a copy of the good workbook (tests/conftest.py) with a
  few cells changed: the finding appears with its rule id, severity, subject and recommendation,
  and its evidence names the cells involved (``RACI!G2``, ``Roles!D17`` ...). Where the baseline
  already has the gap, the test shows the edit that removes it.
* The issue's "done when" on each of the four samples: remove the only A of a responsibility, give
  one person three full-time roles, cut the project manager's reporting line.
* Each sample shows the gaps samples/README.md says were built into it.
* The JSON ``coverage`` section agrees with the findings.

Cells are looked up by Role ID and Responsibility ID in the workbook, never assumed. Assessing
compiles a rule set, so one ``Assessor`` serves the module and every workbook is assessed once
(``Reports``); samples are only ever copied, never modified.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from assessor.api import Assessor
from assessor.assessment import COVERAGE_CATEGORIES
from assessor.questionnaire import layout as L
from assessor.questionnaire.reader import read_submission
from assessor.responsibility import person_key
from assessor.xlsx import openpyxl
from tests.builders import response, submission

REPO = Path(__file__).resolve().parent.parent
SAMPLES = {p.stem: p for p in sorted((REPO / "samples").glob("*.xlsx"))}
SAMPLE_NAMES = sorted(SAMPLES)
SETTINGS = yaml.safe_load((REPO / "rules" / "coverage.yaml").read_text(encoding="utf-8"))["settings"]
KEEP = object()


# --- workbook helpers (by id, never by assumed position) ---------------------------------------------

def role_row(wb, role_id: str) -> int:
    ws = wb[L.ROLES]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == role_id:
            return row
    raise KeyError(role_id)


def raci_row(wb, responsibility: str) -> int:
    ws = wb[L.RACI]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == responsibility:
            return row
    raise KeyError(responsibility)


def raci_column(wb, role_id: str) -> str:
    ws = wb[L.RACI]
    for col in range(3, ws.max_column + 1):
        if ws.cell(row=1, column=col).value == role_id:
            return ws.cell(row=1, column=col).column_letter
    raise KeyError(role_id)


def raci_ref(wb, responsibility: str, role_id: str) -> str:
    return f"RACI!{raci_column(wb, role_id)}{raci_row(wb, responsibility)}"


def role_ref(wb, role_id: str, header: str) -> str:
    column = "ABCDEF"[L.ROLE_HEADERS.index(header)]
    return f"Roles!{column}{role_row(wb, role_id)}"


def row_letters(wb, responsibility: str) -> dict[str, str]:
    """Role ID -> letters on one RACI row."""
    ws, row = wb[L.RACI], raci_row(wb, responsibility)
    out = {}
    for col in range(3, ws.max_column + 1):
        value = ws.cell(row=row, column=col).value
        if value not in (None, ""):
            out[ws.cell(row=1, column=col).value] = str(value).strip()
    return out


def row_refs(wb, responsibility: str) -> set[str]:
    """The row's Responsibility ID cell and every filled letter cell."""
    return {f"RACI!A{raci_row(wb, responsibility)}"} | {raci_ref(wb, responsibility, r)
                                                       for r in row_letters(wb, responsibility)}


def set_role(role_id: str, holder=KEEP, fte=KEEP, reports_to=KEEP):
    def edit(wb):
        ws, row = wb[L.ROLES], role_row(wb, role_id)
        for header, value in (("Holder", holder), ("FTE", fte), ("Reports to", reports_to)):
            if value is not KEEP:  # (ws.cell(..., value=None) would leave the cell as it is)
                ws.cell(row=row, column=L.ROLE_HEADERS.index(header) + 1).value = value
    return edit


def set_raci(responsibility: str, role_id: str, letters):
    def edit(wb):
        wb[L.RACI][f"{raci_column(wb, role_id)}{raci_row(wb, responsibility)}"] = letters
    return edit


def set_answers(responsibility: str, value, bank):
    """Answer every question about one responsibility with ``value``."""
    def edit(wb):
        ws = wb[L.QUESTIONS]
        ids = {q.id for q in bank.questions if q.responsibility == responsibility}
        assert ids, responsibility
        for row in range(2, ws.max_row + 1):
            if ws.cell(row=row, column=1).value in ids:
                ws.cell(row=row, column=5).value = value
    return edit


def answer_refs(wb, responsibility: str, bank) -> set[str]:
    ws = wb[L.QUESTIONS]
    ids = {q.id for q in bank.questions if q.responsibility == responsibility}
    return {f"Questions!E{row}" for row in range(2, ws.max_row + 1) if ws.cell(row=row, column=1).value in ids}


def delete_role(role_id: str):
    """Remove a role's row from Roles and its column from the RACI."""
    def edit(wb):
        column = openpyxl().utils.column_index_from_string(raci_column(wb, role_id))
        wb[L.RACI].delete_cols(column)
        wb[L.ROLES].delete_rows(role_row(wb, role_id))
    return edit


def edit_copy(source: Path, out: Path, *edits) -> Path:
    wb = openpyxl().load_workbook(source)
    for edit in edits:
        edit(wb)
    wb.save(out)
    return out


# --- findings helpers ----------------------------------------------------------------------------

def refs(finding: dict) -> set[str]:
    return {f"{e['sheet']}!{e['cell']}" for e in finding["evidence"]}


def findings(data: dict, rule, subject: str | None = None) -> list[dict]:
    """The findings of ``rule`` (a rule id or a set of them) about ``subject``. A grouped finding (one
    root cause) is about each of its details: a detail comes back as the finding's severity, category,
    rule and recommendation with the detail's own subject, message and cells."""
    rules = {rule} if isinstance(rule, str) else set(rule)
    out = []
    for f in data["findings"]:
        if f["rule"] not in rules:
            continue
        if not f["details"]:
            if subject is None or f["subject"] == subject:
                out.append(f)
            continue
        out += [{**f, "subject": d["subject"], "message": d["message"], "evidence": d["evidence"]}
                for d in f["details"] if subject is None or d["subject"] == subject]
    return out


def the_finding(data: dict, rule, subject: str, severity: str, category: str = "coverage") -> dict:
    """Exactly one finding of ``rule`` about ``subject``, well formed."""
    found = findings(data, rule, subject)
    assert len(found) == 1, (rule, subject, [(f["rule"], f["subject"]) for f in findings(data, {
        g["rule"] for g in data["findings"] if g["rule"].startswith("COV")})])
    f = found[0]
    assert f["severity"] == severity, f
    assert f["category"] == category, f
    assert f["subject"] and f["message"] and f["recommendation"], f
    assert "{" not in f["message"] + f["recommendation"], f"unfilled template: {f}"
    return f


def absent(data: dict, rule: str, subject: str) -> None:
    assert not findings(data, rule, subject), findings(data, rule, subject)


def office_reason(data: dict) -> str:
    c = data["classification"]
    return f"a {c['model']} {c['tier_name']} (tier {c['tier']})"


# --- one assessor and one assessment per workbook for the module -----------------------------------

class Reports:
    """Assess each workbook once; reuse the result across tests."""

    def __init__(self, assessor: Assessor, folder: Path, good: Path):
        self.assessor, self.folder, self.good = assessor, folder, good
        self.cache: dict[str, dict] = {}
        self.paths: dict[str, Path] = {}

    def assess(self, key: str, path: Path) -> dict:
        if key not in self.cache:
            self.paths[key] = path
            self.cache[key] = self.assessor.assess([path]).to_dict()
        return self.cache[key]

    def good_edited(self, key: str, *edits) -> dict:
        """The good workbook with ``edits`` applied (callables on the openpyxl workbook)."""
        if key in self.cache:
            return self.cache[key]
        return self.assess(key, edit_copy(self.good, self.folder / f"good-{key}.xlsx", *edits))

    def sample(self, name: str) -> dict:
        return self.assess(f"sample-{name}", SAMPLES[name])

    def sample_edited(self, name: str, key: str, *edits) -> dict:
        full = f"{name}-{key}"
        if full in self.cache:
            return self.cache[full]
        return self.assess(full, edit_copy(SAMPLES[name], self.folder / f"{full}.xlsx", *edits))


@pytest.fixture(scope="module")
def assessor():
    return Assessor()


@pytest.fixture(scope="module")
def reports(assessor, filled_workbook, tmp_path_factory):
    return Reports(assessor, tmp_path_factory.mktemp("coverage-gaps"), filled_workbook)


@pytest.fixture(scope="module")
def good_wb(filled_workbook):
    return openpyxl().load_workbook(filled_workbook)


@pytest.fixture(scope="module")
def sample_wbs():
    return {name: openpyxl().load_workbook(path) for name, path in SAMPLES.items()}


@pytest.fixture(scope="module")
def baseline(reports):
    return reports.good_edited("baseline")


def test_the_good_workbook_is_what_these_tests_assume(good_wb, baseline):
    # status-reporting: PMO-HEAD A, PMO-ANALYST R (both held), PM C, SPONSOR I; budget-control: SPONSOR A.
    assert row_letters(good_wb, "status-reporting") == {"PMO-HEAD": "A", "PMO-ANALYST": "R", "PM": "C", "SPONSOR": "I"}
    assert row_letters(good_wb, "budget-control")["SPONSOR"] == "A"
    assert row_letters(good_wb, "compliance-audit") == {}
    for rule in ("COV-A-NONE", "COV-A-NONE-CRITICAL", "COV-A-MANY", "COV-A-MANY-CRITICAL", "COV-A-UNHELD",
                 "COV-R-NONE", "COV-REQ-CRITICAL", "COV-REQ-RESP", "COV-CLAIM-NO-OWNER", "COV-OWNER-NO-PRACTICE"):
        absent(baseline, rule, "status-reporting")
    for rule in ("COV-OVERLOAD", "COV-A-LOAD", "COV-SPOF", "COV-INDEP-PERSON", "COV-ESCALATION", "COV-CYCLE",
                 "COV-INDEP-ROLE"):
        assert not findings(baseline, rule), rule


# --- a responsibility's Accountable and Responsible --------------------------------------------------

def test_no_accountable(reports, good_wb, baseline):
    # status-reporting is critical and required of every office: high
    data = reports.good_edited("a-none", set_raci("status-reporting", "PMO-HEAD", None))
    f = the_finding(data, "COV-A-NONE-CRITICAL", "status-reporting", "high")
    absent(data, "COV-A-NONE", "status-reporting")
    expected = row_refs(good_wb, "status-reporting") - {raci_ref(good_wb, "status-reporting", "PMO-HEAD")}
    assert expected <= refs(f)                       # RACI!A2 and the R, C and I left on the row
    assert raci_ref(good_wb, "status-reporting", "PMO-HEAD") not in refs(f)
    assert said("status-reporting") in f["recommendation"]


def test_accountable_role_nobody_holds(reports, good_wb):
    data = reports.good_edited("a-unheld", set_raci("status-reporting", "PMO-HEAD", None),
                               set_raci("status-reporting", "PROJ-BOARD", "A"))   # PROJ-BOARD has no holder
    f = the_finding(data, "COV-A-UNHELD", "status-reporting", "medium")
    assert raci_ref(good_wb, "status-reporting", "PROJ-BOARD") in refs(f)
    absent(data, {"COV-A-NONE", "COV-A-NONE-CRITICAL"}, "status-reporting")


def test_no_accountable_on_a_responsibility_the_office_does_not_need_is_medium(reports, good_wb, baseline):
    # contract-tracking is not critical: whatever the office's tier, a missing A there is medium
    assert row_letters(good_wb, "contract-tracking") == {}
    data = reports.good_edited("a-none-medium", set_raci("contract-tracking", "PMO-ANALYST", "R"))
    f = the_finding(data, "COV-A-NONE", "contract-tracking", "medium")
    assert raci_ref(good_wb, "contract-tracking", "PMO-ANALYST") in refs(f)


def test_more_than_one_accountable(reports, good_wb):
    data = reports.good_edited("a-many", set_raci("status-reporting", "SPONSOR", "A"))
    f = the_finding(data, "COV-A-MANY-CRITICAL", "status-reporting", "high")
    assert {raci_ref(good_wb, "status-reporting", "PMO-HEAD"),
            raci_ref(good_wb, "status-reporting", "SPONSOR")} <= refs(f)
    assert "2 Accountables" in f["message"]


def test_no_responsible_means_the_accountable_does_the_work(reports, good_wb):
    data = reports.good_edited("r-none", set_raci("status-reporting", "PMO-ANALYST", None),
                               # pm-reviews keeps PMO-HEAD as A/R: an A/R is its own R, so no finding there
                               set_raci("pm-reviews", "PMO-ANALYST", None))
    f = the_finding(data, "COV-R-NONE", "status-reporting", "low")
    assert {f"RACI!A{raci_row(good_wb, 'status-reporting')}",
            raci_ref(good_wb, "status-reporting", "PMO-HEAD")} <= refs(f)
    assert "Accountable does the work" in f["message"]
    absent(data, "COV-R-NONE", "pm-reviews")


# --- requirements of the office's tier and type, and of the next tier ---------------------------------

def test_required_responsibility_nobody_covers(reports, good_wb):
    data = reports.good_edited("uncovered", set_raci("status-reporting", "PMO-HEAD", None),
                               set_raci("status-reporting", "PMO-ANALYST", None))
    f = the_finding(data, "COV-REQ-CRITICAL", "status-reporting", "high")
    assert f"expected of {office_reason(data)}, but no staffed role is Responsible or Accountable" in f["message"]
    assert "usually Head of PMO (PMO-HEAD)" in f["message"]       # the role that typically carries it
    assert f"RACI!A{raci_row(good_wb, 'status-reporting')}" in refs(f)
    (group,) = [g for g in data["findings"] if g["rule"] == "COV-REQ-CRITICAL"
                and "status-reporting" in {d["subject"] for d in g["details"]}]
    assert group["subject"] == "Monitoring and controlling project performance"   # grouped by function family


def test_required_responsibility_missing_from_the_raci(reports, good_wb):
    data = reports.good_edited("no-row", lambda wb: wb[L.RACI].delete_rows(raci_row(wb, "status-reporting")))
    f = the_finding(data, "COV-REQ-CRITICAL", "status-reporting", "high")
    assert "it has no row in the RACI sheet" in f["message"]
    assert "RACI row" in f["recommendation"]
    # no row, so no cell can be named: the finding says which responsibility is missing


def test_what_the_next_tier_needs_is_on_the_roadmap_not_a_finding(reports, baseline):
    tier = baseline["classification"]["tier"]
    assert tier < 4
    assert not [f for f in baseline["findings"] if f["category"] == "next-tier" or f["rule"] == "COV-NEXT-RESP"]
    missing = baseline["roadmap"]["next_tier"]["missing"]
    assert missing and baseline["roadmap"]["next_tier"]["tier"] == tier + 1
    for m in missing:
        assert m["rule"] == "COV-NEXT-RESP" and f"(tier {tier + 1})" in m["message"]
    current = {s for f in baseline["findings"] if f["rule"].startswith("COV-REQ")
               for s in [f["subject"], *(d["subject"] for d in f["details"])]}
    assert not current & {m["subject"] for m in missing}


def test_next_tier_responsibilities_on_a_tier_1_office(reports):
    data = reports.sample("harbour-city-council")
    assert data["classification"]["tier"] == 1
    missing = {m["subject"]: m for m in data["roadmap"]["next_tier"]["missing"]}
    assert "programme-planning" in missing and "(tier 2)" in missing["programme-planning"]["message"]


def test_a_role_nobody_holds_is_no_finding_while_its_responsibilities_are_covered(reports, good_wb, baseline):
    """Roles are recommended, not required: a small office combines them."""
    data = reports.good_edited("planner-unheld", set_role("PLANNER", holder=None, fte=None))
    assert not [f for f in findings(data, {f["rule"] for f in data["findings"]}, "PLANNER")]
    absent(baseline, {"COV-REQ-CRITICAL", "COV-REQ-RESP"}, "PLANNER")


def test_a_missing_role_shows_through_the_responsibility_it_leaves_uncovered(reports, good_wb):
    # Without an analyst, status reporting (analyst R, head A) still has its A; without both, it is a gap.
    data = reports.good_edited("no-analyst-no-head", set_role("PMO-ANALYST", holder=None, fte=None),
                               set_raci("status-reporting", "PMO-HEAD", None))
    f = the_finding(data, "COV-REQ-CRITICAL", "status-reporting", "high")
    assert "usually Head of PMO (PMO-HEAD)" in f["message"]
    assert not [x for x in findings(data, {g["rule"] for g in data["findings"]}, "PMO-ANALYST")]


def test_a_role_held_with_0_fte_that_the_raci_relies_on(reports, good_wb):
    data = reports.good_edited("planner-fte-0", set_role("PLANNER", fte=0),
                               set_raci("forecast-workplan", "PLANNER", "R"))
    f = the_finding(data, "COV-ROLE-NO-TIME", "PLANNER", "medium", "capacity")
    assert {role_ref(good_wb, "PLANNER", "Role ID"), role_ref(good_wb, "PLANNER", "Holder"),
            role_ref(good_wb, "PLANNER", "FTE")} <= refs(f)
    blank = reports.good_edited("planner-fte-blank", set_role("PLANNER", fte=None),
                                set_raci("forecast-workplan", "PLANNER", "R"))
    absent(blank, "COV-ROLE-NO-TIME", "PLANNER")   # blank FTE is not given, not zero


# --- people: load, accountability, single points of failure ----------------------------------------

def test_person_over_one_full_time_load(reports, good_wb):
    # Alex Morgan is PMO-HEAD at 1.0; also planning at 0.5 makes 1.5.
    data = reports.good_edited("overload", set_role("PLANNER", holder="Alex Morgan"))
    f = the_finding(data, "COV-OVERLOAD", "Alex Morgan", "medium", "capacity")
    assert "1.5 FTE" in f["message"] and said("PLANNER") in f["message"] and said("PMO-HEAD") in f["message"]
    assert {role_ref(good_wb, "PMO-HEAD", "Holder"), role_ref(good_wb, "PLANNER", "Holder")} <= refs(f)


def test_exactly_one_full_time_load_is_not_overload(reports):
    assert SETTINGS["max_person_fte"] == 1.0
    data = reports.good_edited("full-time", set_role("PMO-HEAD", fte=0.5), set_role("PLANNER", holder="Alex Morgan"))
    assert not findings(data, "COV-OVERLOAD")
    assert {p["person"]: p["fte"] for p in data["coverage"]["people"]}["Alex Morgan"] == 1.0


def test_overload_names_the_fte_cells(reports, good_wb):
    data = reports.good_edited("overload", set_role("PLANNER", holder="Alex Morgan"))
    f = the_finding(data, "COV-OVERLOAD", "Alex Morgan", "medium", "capacity")
    assert {role_ref(good_wb, "PMO-HEAD", "FTE"), role_ref(good_wb, "PLANNER", "FTE")} <= refs(f)


def _accountable_on(count: int, wb):
    """Make PMO-HEAD Accountable for exactly ``count`` responsibilities (it holds 3 in the good workbook)."""
    ws = wb[L.RACI]
    column = raci_column(wb, "PMO-HEAD")
    have = [r for r in range(2, ws.max_row + 1) if ws[f"{column}{r}"].value in ("A", "A/R")]
    free = [r for r in range(2, ws.max_row + 1) if ws[f"{column}{r}"].value in (None, "")]
    for row in free[:count - len(have)]:
        ws[f"{column}{row}"] = "A"


def test_person_accountable_for_too_much(reports, good_wb):
    limit = SETTINGS["max_accountable_per_person"]
    data = reports.good_edited("a-load", lambda wb: _accountable_on(limit + 1, wb))
    f = the_finding(data, "COV-A-LOAD", "Alex Morgan", "medium", "capacity")
    assert f"Accountable for {limit + 1} responsibilities" in f["message"]
    assert {role_ref(good_wb, "PMO-HEAD", "Role ID"), role_ref(good_wb, "PMO-HEAD", "Holder")} <= refs(f)
    at_limit = reports.good_edited("a-load-limit", lambda wb: _accountable_on(limit, wb))
    assert not findings(at_limit, "COV-A-LOAD")


def test_single_point_of_failure(reports, good_wb, bank):
    assert SETTINGS["spof_min_critical"] == 3
    critical = {r.id for r in bank.responsibilities if r.critical}
    assert {"status-reporting", "performance-monitoring", "budget-control", "portfolio-reporting"} <= critical
    two = (set_raci("status-reporting", "PMO-ANALYST", None), set_raci("performance-monitoring", "PMO-ANALYST", None))
    data = reports.good_edited("spof", *two, _alone("budget-control", "PMO-HEAD"))
    f = the_finding(data, "COV-SPOF", "Alex Morgan", "high", "resilience")
    assert "3 critical responsibilities" in f["message"]
    for resp in ("performance-monitoring", "budget-control", "status-reporting"):
        assert said(resp) in f["message"]
    assert {role_ref(good_wb, "PMO-HEAD", "Role ID"), role_ref(good_wb, "PMO-HEAD", "Holder"),
            raci_ref(good_wb, "budget-control", "PMO-HEAD")} <= refs(f)
    assert "deputy" in f["recommendation"]
    below = reports.good_edited("spof-two", *two)
    assert not findings(below, "COV-SPOF")
    # a critical responsibility this office's tier does not expect (a project office's portfolio reporting)
    # is no part of a high single point of failure: the office was faulted for what it is not there to do
    assert data["classification"]["tier"] == 1
    beyond = reports.good_edited("spof-beyond", *two, _alone("portfolio-reporting", "PMO-HEAD"))
    assert "portfolio-reporting" in next(p for p in beyond["coverage"]["people"] if p["person"] == "Alex Morgan")["sole_critical"]
    assert not findings(beyond, "COV-SPOF")


def _alone(responsibility: str, role_id: str):
    """``role_id`` the only R and A of one RACI row (A/R)."""
    def edit(wb):
        for other in row_letters(wb, responsibility):
            set_raci(responsibility, other, None)(wb)
        set_raci(responsibility, role_id, "A/R")(wb)
    return edit


def test_a_board_alone_on_critical_responsibilities_is_no_single_person(reports, good_wb):
    """petrel-robotics was told "Leadership team (founders) is the only person Responsible or Accountable
    for 3 critical responsibilities": a board is a group, whose members stand in for one another."""
    three = ("status-reporting", "performance-monitoring", "budget-control")

    def board_alone(wb):
        for resp in three:
            _alone(resp, "BOARD")(wb)
    data = reports.good_edited("board-alone", set_role("BOARD", holder="Executive Committee"), board_alone)
    assert not [f for f in data["findings"] if f["rule"].startswith("COV-SPOF")]
    person = reports.good_edited("person-alone", set_role("BOARD", holder="Chris Doyle"), board_alone,
                                 set_role("PMO-HEAD", holder="Chris Doyle"))
    assert the_finding(person, "COV-SPOF", "Chris Doyle", "high", "resilience")
# --- independence ----------------------------------------------------------------------------------

def test_one_role_delivers_and_assures(reports, good_wb, bank):
    assert "budget-control" in next(r for r in bank.responsibilities if r.id == "compliance-audit").assures
    data = reports.good_edited("indep-role", set_raci("compliance-audit", "SPONSOR", "A"))
    f = the_finding(data, "COV-INDEP-ROLE", "SPONSOR", "high", "independence")
    assert said("budget-control") in f["message"] and said("compliance-audit") in f["message"]
    assert {raci_ref(good_wb, "budget-control", "SPONSOR"), raci_ref(good_wb, "compliance-audit", "SPONSOR")} <= refs(f)


def test_one_person_delivers_and_assures_through_two_roles(reports, good_wb):
    # Alex Morgan, written differently on the SPONSOR row, is still the PMO-HEAD holder.
    data = reports.good_edited("indep-person", set_role("SPONSOR", holder="ALEX  morgan"),
                               set_raci("compliance-audit", "PMO-HEAD", "A"))
    found = findings(data, "COV-INDEP-PERSON")
    assert len(found) == 1, found
    f = the_finding(data, "COV-INDEP-PERSON", found[0]["subject"], "high", "independence")
    assert person_key(f["subject"]) == "alex morgan"
    assert said("SPONSOR") in f["message"] and said("PMO-HEAD") in f["message"]
    assert {raci_ref(good_wb, "budget-control", "SPONSOR"),
            raci_ref(good_wb, "compliance-audit", "PMO-HEAD")} <= refs(f)
    assert not findings(data, "COV-INDEP-ROLE")
    assert len([p for p in data["coverage"]["people"] if person_key(p["person"]) == "alex morgan"]) == 1


def test_independent_assurance_is_no_finding(reports):
    data = reports.good_edited("indep-ok", set_raci("compliance-audit", "PMO-ANALYST", "A/R"))
    assert not findings(data, "COV-INDEP-ROLE") and not findings(data, "COV-INDEP-PERSON")


# --- reporting lines -------------------------------------------------------------------------------

def test_project_manager_with_no_escalation_path(reports, good_wb):
    data = reports.good_edited("pm-cut", set_role("PM", reports_to=None))
    f = the_finding(data, "COV-ESCALATION", "PM", "high", "governance")
    assert {role_ref(good_wb, "PM", "Role ID"), role_ref(good_wb, "PM", "Holder")} <= refs(f)


def test_escalation_through_a_chain_of_roles(reports, good_wb):
    # PM -> PLANNER -> PMO-HEAD -> SPONSOR reaches the sponsor ...
    chain = reports.good_edited("pm-chain", set_role("PM", reports_to="PLANNER"))
    assert not findings(chain, "COV-ESCALATION")
    # ... until the head of PMO's line is cut.
    cut = reports.good_edited("pm-chain-cut", set_role("PM", reports_to="PLANNER"),
                              set_role("PMO-HEAD", reports_to=None))
    f = the_finding(cut, "COV-ESCALATION", "PM", "high", "governance")
    assert role_ref(good_wb, "PM", "Role ID") in refs(f)


def test_a_cycle_in_a_workbook_is_refused_on_import(make_workbook, problems, tmp_path):
    path = make_workbook(tmp_path, [set_role("PMO-HEAD", reports_to="PM"), set_role("PM", reports_to="PMO-HEAD")])
    assert any("reporting lines form a cycle" in p.message for p in problems(path))


def test_reporting_cycle_given_through_the_api(assessor, bank):
    # Import refuses cycles, so the cycle comes from model objects built directly.
    held = {"SPONSOR": (("Jordan Lee",), 0.2, False, "BOARD"),
            "PMO-HEAD": (("Alex Morgan",), 1.0, True, "PM"),
            "PM": (("Project managers (12)",), 1.0, False, "PMO-HEAD")}
    resp = response(bank, {}, held, {("status-reporting", "PMO-HEAD"): "A", ("status-reporting", "PM"): "R"})
    data = assessor.assess_submission(submission(bank, resp)).to_dict()
    (f,) = findings(data, "COV-CYCLE")
    assert (f["severity"], f["category"]) == ("high", "governance")
    assert f["subject"] in ("PM -> PMO-HEAD -> PM", "PMO-HEAD -> PM -> PMO-HEAD")
    rows = {r.role_id: r for r in resp.roles}
    assert refs(f) == {rows["PM"].reports_to_cell, rows["PMO-HEAD"].reports_to_cell}
    assert f["recommendation"]
    the_finding(data, "COV-ESCALATION", "PM", "high", "governance")   # a cycle reaches no sponsor


# --- idle roles and consistency with the answers ------------------------------------------------------

def test_role_with_no_r_and_no_a(reports, good_wb, baseline):
    f = the_finding(baseline, "COV-IDLE-ROLE", "PLANNER", "low")     # C only, in the good workbook
    assert refs(f) == {role_ref(good_wb, "PLANNER", "Role ID"), role_ref(good_wb, "PLANNER", "Holder")}
    data = reports.good_edited("planner-busy", set_raci("forecast-workplan", "PLANNER", "R"))
    absent(data, "COV-IDLE-ROLE", "PLANNER")


def test_practice_claimed_but_nobody_owns_it(reports, good_wb, bank):
    data = reports.good_edited("claim", set_answers("status-reporting", 4, bank),
                               set_raci("status-reporting", "PMO-HEAD", None),
                               set_raci("status-reporting", "PMO-ANALYST", None))
    f = the_finding(data, "COV-CLAIM-NO-OWNER", "status-reporting", "medium", "consistency")
    assert " at 4" in f["message"]
    assert f"RACI!A{raci_row(good_wb, 'status-reporting')}" in refs(f)


def test_owned_on_paper_but_not_practised(reports, good_wb, bank):
    data = reports.good_edited("no-practice", set_answers("status-reporting", 1, bank))
    f = the_finding(data, "COV-OWNER-NO-PRACTICE", "status-reporting", "low", "consistency")
    assert row_refs(good_wb, "status-reporting") <= refs(f)


def test_claim_of_level_3_with_an_owner_is_consistent(reports, bank):
    data = reports.good_edited("claim-owned", set_answers("status-reporting", 3, bank))
    absent(data, "COV-CLAIM-NO-OWNER", "status-reporting")
    absent(data, "COV-OWNER-NO-PRACTICE", "status-reporting")


def test_claim_finding_names_the_answer_cells(reports, good_wb, bank):
    data = reports.good_edited("claim", set_answers("status-reporting", 4, bank),
                               set_raci("status-reporting", "PMO-HEAD", None),
                               set_raci("status-reporting", "PMO-ANALYST", None))
    f = the_finding(data, "COV-CLAIM-NO-OWNER", "status-reporting", "medium", "consistency")
    assert answer_refs(good_wb, "status-reporting", bank) <= refs(f)


# --- "done when", on every sample ------------------------------------------------------------------

def held_roles(wb) -> set[str]:
    return {row[0] for row in wb[L.ROLES].iter_rows(min_row=2, values_only=True) if row[0] and row[2]}


def only_accountable_row(wb) -> tuple[str, str]:
    """A responsibility with exactly one A (no A/R) and an R on a staffed role; the middle one of those."""
    eligible, held = [], held_roles(wb)
    for row in range(2, wb[L.RACI].max_row + 1):
        resp = wb[L.RACI].cell(row=row, column=1).value
        letters = row_letters(wb, resp)
        accountable = [r for r, x in letters.items() if x in ("A", "A/R")]
        if len(accountable) == 1 and letters[accountable[0]] == "A" and any(
                x == "R" and r in held for r, x in letters.items()):
            eligible.append((resp, accountable[0]))
    assert eligible
    return eligible[len(eligible) // 2]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_done_when_any_only_accountable_is_removed(assessor, name):
    """Every responsibility of the sample at once: each one whose only A goes while a staffed role still
    does the work gets its COV-A-NONE (high when it is a critical responsibility the office needs),
    naming its row and the letters left on it."""
    sub = read_submission([SAMPLES[name]], assessor.bank)
    primary = sub.responses[0]
    held = {r.role_id for r in primary.roles if r.holders}
    by_resp: dict[str, list] = {}
    for a in primary.assignments:
        by_resp.setdefault(a.responsibility_id, []).append(a)
    removed = {resp: next(a for a in given if a.letters in ("A", "A/R")) for resp, given in by_resp.items()
               if sum(a.letters in ("A", "A/R") for a in given) == 1
               and any(a.letters == "R" and a.role_id in held for a in given)}
    assert len(removed) >= 10
    kept = tuple(a for a in primary.assignments if a not in removed.values())
    edited = dataclasses.replace(sub, responses=(dataclasses.replace(primary, assignments=kept),))
    data = assessor.assess_submission(edited).to_dict()
    rows = {r.responsibility_id: r.cell for r in primary.responsibilities}
    for resp, gone in removed.items():
        (found,) = findings(data, {"COV-A-NONE", "COV-A-NONE-CRITICAL"}, resp)
        f = the_finding(data, found["rule"], resp, "high" if found["rule"].endswith("CRITICAL") else "medium")
        left = {a.cell for a in by_resp[resp] if a is not gone}
        assert {rows[resp]} | left <= refs(f), resp
        assert gone.cell not in refs(f)


THREE_ROLES = ("PSO", "PLANNER", "RISK-MGR")
NEW_PERSON = "Taylor Quinn"


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_done_when_the_only_accountable_is_removed(reports, sample_wbs, name):
    wb = sample_wbs[name]
    resp, role = only_accountable_row(wb)
    absent(reports.sample(name), {"COV-A-NONE", "COV-A-NONE-CRITICAL"}, resp)
    data = reports.sample_edited(name, "a-removed", set_raci(resp, role, None))
    (found,) = findings(data, {"COV-A-NONE", "COV-A-NONE-CRITICAL"}, resp)
    f = the_finding(data, found["rule"], resp, "high" if found["rule"].endswith("CRITICAL") else "medium")
    assert row_refs(wb, resp) - {raci_ref(wb, resp, role)} <= refs(f)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_done_when_one_person_holds_three_full_time_roles(reports, sample_wbs, name):
    wb = sample_wbs[name]
    data = reports.sample_edited(name, "three-roles", *(set_role(r, holder=NEW_PERSON, fte=1) for r in THREE_ROLES))
    f = the_finding(data, "COV-OVERLOAD", NEW_PERSON, "medium", "capacity")
    assert "3 role(s)" in f["message"] and "3 FTE" in f["message"]
    assert {role_ref(wb, r, "Holder") for r in THREE_ROLES} <= refs(f)
    assert {role_ref(wb, r, "Role ID") for r in THREE_ROLES} <= refs(f)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_done_when_three_roles_names_the_fte_cells(reports, sample_wbs, name):
    wb = sample_wbs[name]
    data = reports.sample_edited(name, "three-roles", *(set_role(r, holder=NEW_PERSON, fte=1) for r in THREE_ROLES))
    f = the_finding(data, "COV-OVERLOAD", NEW_PERSON, "medium", "capacity")
    assert {role_ref(wb, r, "FTE") for r in THREE_ROLES} <= refs(f)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_done_when_the_project_managers_line_is_cut(reports, sample_wbs, name):
    wb = sample_wbs[name]
    absent(reports.sample(name), "COV-ESCALATION", "PM")
    data = reports.sample_edited(name, "pm-cut", set_role("PM", reports_to=None))
    f = the_finding(data, "COV-ESCALATION", "PM", "high", "governance")
    assert {role_ref(wb, "PM", "Role ID"), role_ref(wb, "PM", "Holder")} <= refs(f)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_done_when_the_cut_line_names_the_reports_to_cell(reports, sample_wbs, name):
    wb = sample_wbs[name]
    data = reports.sample_edited(name, "pm-cut", set_role("PM", reports_to=None))
    f = the_finding(data, "COV-ESCALATION", "PM", "high", "governance")
    assert role_ref(wb, "PM", "Reports to") in refs(f)


# --- the gaps samples/README.md describes ------------------------------------------------------------

README = (REPO / "samples" / "README.md").read_text(encoding="utf-8")

# sample -> [(rule, subject, severity, category, words in the message, cells)]; a cell is ("role", role id,
# Roles header), ("raci", responsibility, role id) or ("row", responsibility) for its RACI!A cell.
SAMPLE_GAPS = {
    "harbour-city-council": [
        ("COV-OVERLOAD", "Sam Hughes", "medium", "capacity", ["1.5 FTE", "DATA-ADMIN", "PSO"],
         [("role", "PSO", "Holder"), ("role", "DATA-ADMIN", "Holder")]),
        ("COV-R-NONE", "risk-issue-management", "low", "coverage", [], [("raci", "risk-issue-management", "PM")]),
        ("COV-REQ-CRITICAL", "stage-gate-review", "high", "coverage", ["Project board"], [("row", "stage-gate-review")]),
        ("COV-INDEP-ROLE", "PROJ-BOARD", "high", "independence", ["project-delivery", "quality-assurance"],
         [("raci", "project-delivery", "PROJ-BOARD"), ("raci", "quality-assurance", "PROJ-BOARD")]),
        ("COV-SPOF-SMALL", "Ellen Marsh", "low", "resilience", ["3 critical", "small office"],
         [("role", "PMO-HEAD", "Holder"), ("role", "PMO-ANALYST", "Holder")]),
    ],
    "northwind-energy": [
        ("COV-ROLE-NO-TIME", "BENEFITS-MGR", "medium", "capacity", ["0 FTE"],
         [("role", "BENEFITS-MGR", "FTE"), ("role", "BENEFITS-MGR", "Holder")]),
        ("COV-A-MANY", "stakeholder-engagement", "medium", "coverage", ["2 Accountables"],
         [("raci", "stakeholder-engagement", "PM"), ("raci", "stakeholder-engagement", "COMMS")]),
        ("COV-OVERLOAD", "Dev Patel", "medium", "capacity", ["1.2 FTE", "DATA-ADMIN", "PSO"],
         [("role", "PSO", "Holder"), ("role", "DATA-ADMIN", "Holder")]),
        ("COV-OVERLOAD", "Grace Mbeki", "medium", "capacity", ["1.5 FTE", "PMO-ANALYST", "PROG-OFFICE"],
         [("role", "PROG-OFFICE", "Holder"), ("role", "PMO-ANALYST", "Holder")]),
        ("COV-A-LOAD", "Hannah Lindqvist", "medium", "capacity", ["18 responsibilities"],
         [("role", "PMO-HEAD", "Holder")]),
    ],
    "meridian-bank": [
        ("COV-OVERLOAD", "Dana Whitfield", "medium", "capacity", ["1.2 FTE", "PMO-HEAD", "PORT-MGR"],
         [("role", "PMO-HEAD", "Holder"), ("role", "PORT-MGR", "Holder")]),
        ("COV-A-LOAD", "Dana Whitfield", "medium", "capacity", ["26 responsibilities"],
         [("role", "PMO-HEAD", "Holder"), ("role", "PORT-MGR", "Holder")]),
        ("COV-SPOF", "Dana Whitfield", "high", "resilience",
         ["capacity-planning", "portfolio-funding", "portfolio-reporting"],
         [("role", "PMO-HEAD", "Holder"), ("role", "PORT-MGR", "Holder")]),
        ("COV-R-NONE", "capacity-planning", "low", "coverage", [], [("raci", "capacity-planning", "PORT-MGR")]),
    ],
    "atlas-rail": [
        ("COV-INDEP-ROLE", "PROJ-BOARD", "high", "independence", ["project-delivery", "quality-assurance"],
         [("raci", "project-delivery", "PROJ-BOARD"), ("raci", "quality-assurance", "PROJ-BOARD")]),
        ("COV-R-NONE", "independent-audit", "low", "coverage", [], [("row", "independent-audit")]),
        ("COV-A-LOAD", "Ingrid Solberg", "medium", "capacity", ["17 responsibilities"], [("role", "PMO-HEAD", "Holder")]),
    ],
}

# What the office's size, type and tier do not call for: never a finding on these samples.
NOT_EXPECTED = {
    "harbour-city-council": ["risk-database", "RISK-MGR", "DATA-ADMIN", "PMO-ANALYST"],   # a 2.5-FTE office
    "meridian-bank": ["BCM", "programme-planning", "PROG-MGR"],                          # a portfolio office
    "atlas-rail": ["AUDITOR"],                                                          # a role, not a gap
}


def readme_gaps() -> dict[str, set[str]]:
    """Organisation -> the rule ids its bullet in samples/README.md names (`COV-...`)."""
    section = README.split("Gaps built into the samples on purpose", 1)[1].split("\n\n", 1)[0]
    out = {}
    for bullet in section.split("\n- ")[1:]:
        organisation, _, text = bullet.partition(":")
        out[organisation.strip()] = set(re.findall(r"`(COV-[A-Z0-9-]+)`", text))
    return out


def readme_gaps_of(organisation: str) -> set[str]:
    """The README bullet's rule ids; the bullet may shorten the name ("Atlas Rail" for "Atlas Rail Infrastructure")."""
    (named,) = [rules for short, rules in readme_gaps().items() if organisation.startswith(short)]
    return named


def said(word: str) -> str:
    """How a finding's sentence says a role or responsibility: by its name (the id is the subject)."""
    from assessor.questionnaire.bank import load_bank

    bank = load_bank()
    roles, duties = {r.id: r.name for r in bank.roles}, {r.id: r.name for r in bank.responsibilities}
    return roles.get(word) or (f"“{duties[word]}”" if word in duties else word)


def _ref(wb, kind, a, b=None) -> str:
    if kind == "row":
        return f"RACI!A{raci_row(wb, a)}"
    return role_ref(wb, a, b) if kind == "role" else raci_ref(wb, a, b)


def test_readme_names_the_gaps_tested_here(reports):
    assert len(readme_gaps()) == len(SAMPLES)
    for name, gaps in SAMPLE_GAPS.items():
        organisation = reports.sample(name)["organisation"]["organisation"]
        assert {g[0] for g in gaps} == readme_gaps_of(organisation), organisation


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_gap_the_readme_names_is_found(reports, name):
    data = reports.sample(name)
    named = readme_gaps_of(data["organisation"]["organisation"])
    assert named
    assert named <= {f["rule"] for f in data["findings"]}


@pytest.mark.parametrize("name", sorted(NOT_EXPECTED))
def test_nothing_the_office_is_not_expected_to_have_is_a_finding(reports, name):
    data = reports.sample(name)
    about = {s for f in data["findings"] for s in [f["subject"], *(d["subject"] for d in f["details"])]}
    assert not about & set(NOT_EXPECTED[name]), about & set(NOT_EXPECTED[name])


@pytest.mark.parametrize("name, gap", [(n, g) for n, gaps in SAMPLE_GAPS.items() for g in gaps],
                         ids=[f"{n}-{g[0]}-{g[1]}" for n, gaps in SAMPLE_GAPS.items() for g in gaps])
def test_sample_shows_the_gap_its_readme_describes(reports, sample_wbs, name, gap):
    rule, subject, severity, category, words, cells = gap
    f = the_finding(reports.sample(name), rule, subject, severity, category)
    for word in words:
        assert said(word) in f["message"], (word, f["message"])
    assert {_ref(sample_wbs[name], *c) for c in cells} <= refs(f)


def test_atlas_independent_audit_has_only_an_unstaffed_responsible(reports, sample_wbs):
    wb = sample_wbs["atlas-rail"]
    letters = row_letters(wb, "independent-audit")
    f = the_finding(reports.sample("atlas-rail"), "COV-R-NONE", "independent-audit", "low")
    accountable = [r for r, x in letters.items() if x in ("A", "A/R")]
    assert len(accountable) == 1
    assert raci_ref(wb, "independent-audit", accountable[0]) in refs(f)
    # any R on the row is on a role nobody holds (the auditor)
    held = {row[0] for row in wb[L.ROLES].iter_rows(min_row=2, values_only=True) if row[2]}
    assert not [r for r, x in letters.items() if x in ("R", "A/R") and r in held]


# --- the JSON coverage section -------------------------------------------------------------------------

STATUSES = {"covered", "accountable does the work", "several accountable", "accountable role not held",
            "no accountable", "not assigned"}
STATUS_OF_RULE = {"COV-A-NONE": {"no accountable"}, "COV-A-NONE-CRITICAL": {"no accountable"},
                  "COV-A-MANY": {"several accountable"}, "COV-A-MANY-CRITICAL": {"several accountable"},
                  "COV-A-UNHELD": {"accountable role not held"},
                  "COV-R-NONE": {"accountable does the work", "several accountable"}}
A_NONE, A_MANY = {"COV-A-NONE", "COV-A-NONE-CRITICAL"}, {"COV-A-MANY", "COV-A-MANY-CRITICAL"}
UNCOVERED = {"COV-REQ-CRITICAL", "COV-REQ-RESP", "COV-FUNCTION-MISSING"}


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_coverage_section_matches_the_raci_sheet(reports, sample_wbs, name):
    data, wb = reports.sample(name), sample_wbs[name]
    rows = {r["id"]: r for r in data["coverage"]["responsibilities"]}
    ws = wb[L.RACI]
    ids = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert sorted(rows) == sorted(ids)
    for resp in ids:
        letters = row_letters(wb, resp)
        row = rows[resp]
        assert row["accountable"] == sorted(r for r, x in letters.items() if x in ("A", "A/R")), resp
        assert row["responsible"] == sorted(r for r, x in letters.items() if x in ("R", "A/R")), resp
        assert row["status"] in STATUSES
        assert set(row["cells"]) == row_refs(wb, resp) - {f"RACI!A{raci_row(wb, resp)}"}


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_coverage_section_agrees_with_the_findings(reports, name):
    data = reports.sample(name)
    rows = {r["id"]: r for r in data["coverage"]["responsibilities"]}
    cov = findings(data, {f["rule"] for f in data["findings"] if f["category"] in COVERAGE_CATEGORIES})
    for f in cov:
        if f["subject"] in rows:
            assert f["rule"] in rows[f["subject"]]["findings"], f
        if f["rule"] in STATUS_OF_RULE:
            assert rows[f["subject"]]["status"] in STATUS_OF_RULE[f["rule"]], (f["rule"], rows[f["subject"]])
    # and the other way: every status that is a gap has its finding. A row nobody staffed works on is
    # an uncovered responsibility (a finding when the office needs it), not an Accountable problem.
    for resp, row in rows.items():
        staffed = bool(row["people"])
        if row["status"] == "no accountable" and staffed:
            assert findings(data, A_NONE, resp)
        if row["status"] == "several accountable":
            assert findings(data, A_MANY, resp)
        if row["status"] == "accountable role not held" and staffed:
            assert findings(data, "COV-A-UNHELD", resp)
        if row["status"] == "accountable does the work":
            assert findings(data, "COV-R-NONE", resp)
        if not staffed and row["required"] == "current":
            assert findings(data, UNCOVERED, resp) or any(
                f["rule"] == "COV-FUNCTION-MISSING" for f in data["findings"]), resp
        if row["status"] == "covered":
            assert not (A_NONE | A_MANY | {"COV-A-UNHELD", "COV-R-NONE"}) & set(row["findings"])


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_coverage_people_agree_with_the_findings(reports, name):
    data = reports.sample(name)
    people = {p["person"]: p for p in data["coverage"]["people"]}
    assert len({person_key(p) for p in people}) == len(people)
    over = {p for p, x in people.items() if x["fte"] > SETTINGS["max_person_fte"]}
    assert over == {f["subject"] for f in findings(data, "COV-OVERLOAD")}
    loaded = {p for p, x in people.items() if x["accountable"] > SETTINGS["max_accountable_per_person"]
              and data["classification"]["size"] != "small"}   # a small office's head answers for most things
    assert loaded == {f["subject"] for f in findings(data, "COV-A-LOAD")}
    spof = {p for p, x in people.items() if len(x["sole_critical"]) >= SETTINGS["spof_min_critical"]}
    assert spof == {f["subject"] for f in findings(data, {"COV-SPOF", "COV-SPOF-SMALL"})}
    cov = findings(data, {f["rule"] for f in data["findings"] if f["category"] in COVERAGE_CATEGORIES})
    for p, x in people.items():
        assert sorted(x["findings"]) == sorted({f["rule"] for f in cov if f["subject"] == p})
        assert x["roles"] == sorted(x["roles"]) and x["roles"]


def test_coverage_people_loads_in_the_samples(reports):
    harbour = {p["person"]: p for p in reports.sample("harbour-city-council")["coverage"]["people"]}
    assert (harbour["Sam Hughes"]["fte"], harbour["Sam Hughes"]["roles"]) == (1.5, ["DATA-ADMIN", "PSO"])
    meridian = {p["person"]: p for p in reports.sample("meridian-bank")["coverage"]["people"]}
    assert (meridian["Dana Whitfield"]["fte"], meridian["Dana Whitfield"]["roles"]) == (1.2, ["PMO-HEAD", "PORT-MGR"])
    assert "capacity-planning" in meridian["Dana Whitfield"]["sole_critical"]
    assert {"COV-OVERLOAD", "COV-SPOF"} <= set(meridian["Dana Whitfield"]["findings"])
    northwind = {r["id"]: r for r in reports.sample("northwind-energy")["coverage"]["responsibilities"]}
    se = northwind["stakeholder-engagement"]
    assert (se["status"], se["accountable"]) == ("several accountable", ["COMMS", "PM"])
    assert "COV-A-MANY" in se["findings"]


def test_coverage_section_after_the_only_accountable_is_removed(reports, sample_wbs):
    name = "northwind-energy"
    resp, role = only_accountable_row(sample_wbs[name])
    data = reports.sample_edited(name, "a-removed", set_raci(resp, role, None))
    row = next(r for r in data["coverage"]["responsibilities"] if r["id"] == resp)
    assert row["accountable"] == [] and row["status"] == "no accountable"
    assert A_NONE & set(row["findings"])


def test_a_missing_function_is_one_finding_naming_its_responsibilities_and_their_rows(reports, sample_wbs):
    """Northwind with its programme rows emptied: programme management is not in place, as one root
    cause whose details are the uncovered responsibilities, each with its RACI row."""
    name, wb = "northwind-energy", sample_wbs["northwind-energy"]
    programme = ("programme-planning", "programme-reporting", "inter-project-dependencies", "benefits-realisation",
                 "risk-escalation", "resource-allocation")

    def clear(book):
        ws = book[L.RACI]
        for resp in programme:
            row = raci_row(book, resp)
            for col in range(3, ws.max_column + 1):
                ws.cell(row=row, column=col).value = None

    data = reports.sample_edited(name, "no-programme", clear)
    # still a programme office on its roles and programmes, which the key message says it does not run
    assert data["classification"]["tier"] == 2
    assert [f["rule"] for f in data["classification"]["functions_not_run"]] == ["TIER-2-01"]
    assert data["summary"][0]["text"].endswith(
        "It has a programme office's roles, but this function is not in place yet: the office runs programme "
        "management.")
    (f,) = [f for f in data["findings"] if f["rule"] == "COV-FUNCTION-MISSING"]
    assert f["severity"] == "high" and f["subject"] == "Programme management"
    assert "the function is not in place" in f["message"]
    assert {d["subject"] for d in f["details"]} == set(programme)
    assert {f"RACI!A{raci_row(wb, r)}" for r in programme} <= refs(f)
    rows = {r["id"]: r for r in data["coverage"]["responsibilities"]}
    assert all("COV-FUNCTION-MISSING" in rows[r]["findings"] for r in programme)
    # one root cause: the programme responsibilities are not reported again family by family
    assert not set(programme) & {d["subject"] for g in data["findings"] if g["rule"].startswith("COV-REQ")
                                 for d in g["details"]}


def test_a_programme_manager_in_post_is_not_some_of_the_work_of_a_programme_office(reports):
    """A programme manager in post and programmes in the Profile (3 of tier 2's 7 points) made tier 2 the
    runner-up: "It already does some of the work of a programme office", of an office that runs no
    programme function. The next tier now names that function, not only the owners to find."""
    data = reports.good_edited("programme-titles", set_role("PROG-MGR", holder="Dana Cole", fte=1))
    fired = {e["rule"] for e in data["classification"]["evidence"]["tier"]}
    assert {"TIER-2-02", "TIER-2-04"} <= fired and "TIER-2-01" not in fired
    assert data["classification"]["support"]["tier"]["2"] >= 0.25
    assert data["classification"]["tier"] == 1 and data["classification"]["runner_up"]["tier"] is None
    assert not any("programme office" in m["text"] for m in data["summary"] if m["topic"] == "office")
    assert data["roadmap"]["next_tier"]["functions"] == [
        {"rule": "TIER-2-01", "tier": 2, "title": "The office runs programme management", "judged": True}]
    (step,) = [m["text"] for m in data["summary"] if m["topic"] == "next tier"]
    assert step.startswith("To grow into a programme office (tier 2), functions not in place yet: "
                           "the office runs programme management"), step


def test_whether_a_function_runs_is_not_said_when_too_few_answers_tell(reports, bank):
    """Northwind with every programme answer "Don't know": the key message said programme management
    "is not in place", of a dimension with too little evidence for a level."""
    programme = {q.id for q in bank.questions if q.dimension == "programme"}

    def unknown(book):
        ws = book[L.QUESTIONS]
        for row in range(2, ws.max_row + 1):
            if ws.cell(row=row, column=1).value in programme:
                ws.cell(row=row, column=L.QUESTION_HEADERS.index("Answer") + 1).value = bank.dont_know

    data = reports.sample_edited("northwind-energy", "programme-unknown", unknown)
    assert {d["id"]: d["level"] for d in data["maturity"]["dimensions"]}["programme"] is None
    assert data["classification"]["functions_not_run"] == [
        {"rule": "TIER-2-01", "tier": 2, "title": "The office runs programme management", "judged": False}]
    office = data["summary"][0]["text"]
    assert office.endswith("Whether the office runs programme management could not be judged: too few answers.")
    assert "not in place" not in office


def test_a_larger_office_is_still_told_of_a_single_point_of_failure_beyond_its_tier(reports):
    """Harbour's head carries three critical responsibilities alone, one of which a project office is not
    expected to carry: at 2.5 FTE a low note (COV-SPOF-SMALL); at 6 FTE there was no finding at all, as
    the high one counts only what the tier expects."""
    def headcount(book):
        ws = book[L.PROFILE]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "PMO headcount (FTE)")
        ws.cell(row=row, column=2).value = 6

    small = [(f["rule"], f["severity"], f["subject"]) for f in reports.sample("harbour-city-council")["findings"]
             if f["rule"].startswith("COV-SPOF")]
    assert small == [("COV-SPOF-SMALL", "low", "Ellen Marsh")]
    data = reports.sample_edited("harbour-city-council", "six-fte", headcount)
    spof = [f for f in data["findings"] if f["rule"].startswith("COV-SPOF")]
    assert [(f["rule"], f["severity"], f["subject"]) for f in spof] == [("COV-SPOF-BEYOND", "medium", "Ellen Marsh")]
    assert "3 critical responsibilities" in spof[0]["message"] and "not all of them" in spof[0]["message"]


def test_a_centre_of_excellence_alone_is_no_p3mo():
    """An office running a centre of excellence and no programme or portfolio function (no tier
    qualified) was the fallback P3MO: a P3MO combines the three offices, so it is not eligible."""
    from assessor.api import Assessor
    from assessor.pipeline import classify
    from assessor.rulebase.facts import Fact

    rulebase = Assessor().rulebase
    coe = [Fact(1, "tier_evidence", {"tier": 4, "points": 3}, derived_by="TIER-4-01"),
           Fact(2, "tier_evidence", {"tier": 4, "points": 1}, derived_by="TIER-4-02")]
    _, tier = classify(coe, rulebase)
    assert tier.winner == 1 and tier.runner_up is None
    functions = [Fact(3, "tier_evidence", {"tier": 2, "points": 3}, derived_by="TIER-2-01"),
                 Fact(4, "tier_evidence", {"tier": 3, "points": 3}, derived_by="TIER-3-01")]
    _, tier = classify(coe + functions, rulebase)   # with the other two offices' functions it can be
    assert tier.winner == 4 or tier.runner_up == 4


def test_a_tier_without_its_function_is_no_fallback():
    """No tier qualified: the best supported tier was awarded, a programme office on job titles alone
    (3 of 7 points against tier 1's 1 of 4). Only a tier whose function rule fired may be the fallback."""
    from assessor.classification import decide

    possible = {1: 4, 2: 7, 3: 7, 4: 9}
    points = {1: 1, 2: 3}
    assert decide(points, possible, [1, 2, 3, 4], 0.5, 0.25, {4: [2, 3]}).winner == 2
    decision = decide(points, possible, [1, 2, 3, 4], 0.5, 0.25, {4: [2, 3]}, eligible={1, 3, 4})
    assert (decision.winner, decision.runner_up) == (1, None)
    # qualified on its support, a tier stands (its missing function is then a finding)
    assert decide({1: 4, 2: 4}, possible, [1, 2, 3, 4], 0.5, 0.25, {4: [2, 3]}, eligible={1, 3, 4}).winner == 2
