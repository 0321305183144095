"""The Excel gap report (``pmo-assess assess FILE -o report.xlsx``), read back with openpyxl.

Every sheet is checked against the JSON report of the same workbook (the reporters read only
``Assessment.to_dict()``, so the two must agree). The safety checks build a hostile workbook
whose text looks like formulas, DDE payloads, links and HTML, and check that all of it is
stored as inert text. LibreOffice and Excel are not assumed: openpyxl reads the file.

Assessing compiles the rule base, so every report a test reads is made once per module.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from assessor import api
from tests.cli_helpers import invoke, ok

REPO = Path(__file__).resolve().parent.parent
SAMPLES = {"atlas": REPO / "samples" / "atlas-rail.xlsx", "northwind": REPO / "samples" / "northwind-energy.xlsx"}
SHEETS = ["Summary", "Dimensions", "Findings", "Coverage", "Roadmap", "Answers", "Trace"]
SEVERITIES = ("critical", "high", "medium", "low", "info")
# The Findings columns, then the client's remediation plan.
FINDING_COLUMNS = ("ID", "Severity", "Category", "Subject", "Message", "Where in the workbook", "Recommendation")
PLAN_COLUMNS = ("Owner", "Due", "Status")
STATUS_CHOICES = ("Open", "In progress", "Done", "Accepted risk", "Not applicable")
GAP_STATUSES = {"no accountable", "several accountable", "accountable role not held"}
ATLAS_LINK = '=HYPERLINK("http://intranet.example/lessons","Lessons log")'   # samples/atlas-rail.xlsx Questions!F50
EXCEL_MAX_ROW_HEIGHT = 409.5   # points ("Excel specifications and limits")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# --- a hostile workbook ---------------------------------------------------------------------------
LONG = ("Evidence that goes on and on, " * 200)[:5000]
HOSTILE = {
    "formula": "=1+1",
    "dde": "+cmd|' /C calc'!A0",
    "at": "@SUM(1)",
    "minus": "-2+3",
    "link": '=HYPERLINK("http://x","y")',
    "long": LONG,
    "script": "<script>alert(1)</script>",
    "img": '"><img src=x onerror=alert(1)>',
}
EVIDENCE_ROWS = dict(zip(HOSTILE, range(2, 2 + len(HOSTILE))))   # Questions!F2.. get one hostile text each


def hostile_edits(wb) -> None:
    profile = wb["Profile"]
    rows = {profile.cell(row=r, column=1).value: r for r in range(2, profile.max_row + 1)}
    profile.cell(row=rows["Organisation"], column=2, value=HOSTILE["formula"])
    profile.cell(row=rows["PMO name"], column=2, value=HOSTILE["long"])
    profile.cell(row=rows["Respondent"], column=2, value=HOSTILE["img"])
    roles = wb["Roles"]
    for row in range(2, roles.max_row + 1):
        rid = roles.cell(row=row, column=1).value
        if rid == "PLANNER":
            roles.cell(row=row, column=3, value=HOSTILE["dde"])
        elif rid == "PMO-ANALYST":
            roles.cell(row=row, column=3, value=f"Sam Patel; {HOSTILE['minus']}")
        elif rid == "SPONSOR":
            roles.cell(row=row, column=3, value=HOSTILE["script"])
    questions = wb["Questions"]
    for key, row in EVIDENCE_ROWS.items():
        questions.cell(row=row, column=6, value=HOSTILE[key])
    raci = wb["RACI"]
    columns = {raci.cell(row=1, column=c).value: c for c in range(3, raci.max_column + 1)}
    for rid, key in (("client-own", "at"), ("client-link", "link")):
        row = raci.max_row + 1
        raci.cell(row=row, column=1, value=rid)
        raci.cell(row=row, column=2, value=HOSTILE[key])
        raci.cell(row=row, column=columns["PMO-HEAD"], value="A")


# --- running the command ------------------------------------------------------------------------



def user_error(result, *phrases):
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in result.output, result.output
    return result


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Temporary files the atomic write would leave behind (``.<stem>-XXXX<suffix>``)."""
    return sorted(p.name for p in Path(folder).iterdir() if p.name.startswith("."))


class Report:
    def __init__(self, data: dict, path: Path):
        self.data, self.path = data, path
        self.wb = openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def report(tmp_path_factory, workbook_factory):
    """``report(name)``: the JSON data and the written .xlsx of a sample (or "hostile"), made once."""
    cache: dict[str, Report] = {}
    folder = tmp_path_factory.mktemp("xlsx-reports")

    def get(name: str) -> Report:
        if name not in cache:
            if name == "hostile":
                source = workbook_factory(tmp_path_factory.mktemp("hostile"), [hostile_edits], "hostile.xlsx")
            else:
                source = SAMPLES[name]
            before = digest(source)
            data = json.loads(ok(invoke("assess", "--format", "json", source)).stdout)
            out = folder / f"{name}.xlsx"
            result = ok(invoke("assess", source, "-o", out))
            assert f"wrote {out}" in result.stderr
            assert digest(source) == before, "assessing changed the input workbook"
            report = Report(data, out)
            report.source, report.source_digest = source, before
            cache[name] = report
        return cache[name]

    return get


def cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                yield ws, cell


def row_of(ws, column: int, value, start: int = 1) -> int:
    for r in range(start, ws.max_row + 1):
        if ws.cell(row=r, column=column).value == value:
            return r
    raise AssertionError(f"{value!r} not found in column {column} of {ws.title}")


def values(ws, row: int, first: int = 1, last: int | None = None) -> tuple:
    last = last or ws.max_column
    return tuple(ws.cell(row=row, column=c).value for c in range(first, last + 1))


def blank(value) -> str:
    return "" if value is None else value


NAMES = list(SAMPLES)


# --- structure ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_sheets_are_named_and_ordered(report, name):
    assert report(name).wb.sheetnames == SHEETS


# --- Summary --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_summary_shows_organisation_date_type_tier_and_maturity(report, name):
    r = report(name)
    ws, d = r.wb["Summary"], r.data
    c, overall = d["classification"], d["maturity"]["overall"]
    assert d["organisation"]["organisation"] in ws["A1"].value
    label = {ws.cell(row=i, column=1).value: ws.cell(row=i, column=2).value for i in range(2, ws.max_row + 1)}
    assert label["Assessment date"] == d["organisation"]["assessment_date"]
    assert label["PMO"] == d["organisation"]["pmo_name"]
    assert label["PMO type"].startswith(f"{c['model']} (confidence")
    assert label["Tier"].startswith(f"{c['tier']} - {c['tier_name']} (confidence")
    assert label["Overall maturity"].startswith(
        f"level {overall['level']} (median of {overall['dimensions']} dimensions), score {overall['score']:.2f} of 5")
    names = {x["id"]: x["name"] for x in d["maturity"]["dimensions"]}
    assert label["Overall maturity"].endswith(
        f"weakest: {', '.join(names[i] for i in overall['weakest']['dimensions'])} (level {overall['weakest']['level']})")


@pytest.mark.parametrize("name", NAMES)
def test_summary_leads_with_the_top_priorities(report, name):
    r = report(name)
    ws, priorities = r.wb["Summary"], r.data["priorities"]
    assert priorities, "every sample has something to do first"
    start = row_of(ws, 1, "Top priorities") + 1
    for i, p in enumerate(priorities):
        assert ws.cell(row=start + i, column=1).value == f"{p['rank']}. {p['severity']}"
        assert ws.cell(row=start + i, column=2).value == f"{p['message']} - {p['recommendation']}"
    assert start < row_of(ws, 1, "Why this type and tier"), "priorities come before the detail"


@pytest.mark.parametrize("name", NAMES)
def test_summary_gives_the_reasons_for_type_and_tier(report, name):
    r = report(name)
    ws, because = r.wb["Summary"], r.data["classification"]["because"]
    start = row_of(ws, 1, "Why this type and tier") + 1
    shown = [values(ws, i, 1, 2) for i in range(start, start + len(because))]
    assert [rule for rule, _ in shown] == [b["rule"] for b in because]
    for (_, text), b in zip(shown, because):
        assert text == b["reason"], "the summary carries no cell reference: the Trace sheet has them"
    assert ws.cell(row=start + len(because), column=1).value is None   # nothing else in the list


@pytest.mark.parametrize("name", NAMES)
def test_summary_counts_findings_by_severity_as_the_json(report, name):
    r = report(name)
    ws = r.wb["Summary"]
    start = row_of(ws, 1, "Findings by severity") + 1
    shown = {ws.cell(row=i, column=1).value: ws.cell(row=i, column=2).value for i in range(start, start + 5)}
    counts = Counter(f["severity"] for f in r.data["findings"])
    assert shown == {s: counts.get(s, 0) for s in SEVERITIES}
    assert sum(shown.values()) == len(r.data["findings"])


@pytest.mark.parametrize("name", NAMES)
def test_summary_opens_with_the_key_messages(report, name):
    r = report(name)
    ws = r.wb["Summary"]
    start = row_of(ws, 1, "Key messages")
    assert start < row_of(ws, 1, "PMO"), "before the office's particulars"
    shown = [ws.cell(row=start + i, column=2).value for i in range(len(r.data["summary"]))]
    assert shown == [f"{n}. {m['text']}" for n, m in enumerate(r.data["summary"], start=1)]
    assert 3 <= len(shown) <= 5 and not any(re.search(r"[A-Z][a-z]+![A-Z]+\d", t) for t in shown), \
        "no cell reference in what an executive reads"


@pytest.mark.parametrize("name", NAMES)
def test_summary_has_a_radar_of_score_and_target_level(report, name):
    r = report(name)
    charts = r.wb["Summary"]._charts
    assert [type(ch).__name__ for ch in charts] == ["RadarChart"]
    applicable = sum(1 for d in r.data["maturity"]["dimensions"] if d["applicable"])
    last = 1 + applicable
    series = charts[0].series
    assert [s.tx.strRef.f for s in series] == ["'Dimensions'!C1", "'Dimensions'!E1"]   # Score, Target
    assert [s.val.numRef.f for s in series] == [f"'Dimensions'!$C$2:$C${last}", f"'Dimensions'!$E$2:$E${last}"]
    assert all((s.cat.strRef or s.cat.numRef).f == f"'Dimensions'!$B$2:$B${last}" for s in series)


# --- Dimensions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_dimensions_rows_equal_the_json(report, name):
    r = report(name)
    ws = r.wb["Dimensions"]
    assert values(ws, 1, 1, 6) == ("ID", "Dimension", "Score (0-5)", "Level", "Target", "Gap")
    dims = r.data["maturity"]["dimensions"]
    dims = [d for d in dims if d["applicable"]] + [d for d in dims if not d["applicable"]]
    shown = [values(ws, i, 1, 6) for i in range(2, ws.max_row + 1)]
    assert shown == [(d["id"], d["name"], d["score"], d["level"], d["target"], d["gap"]) for d in dims]


@pytest.mark.parametrize("name", NAMES)
def test_dimensions_has_a_bar_chart_of_score_and_level(report, name):
    r = report(name)
    charts = r.wb["Dimensions"]._charts
    assert [type(ch).__name__ for ch in charts] == ["BarChart"]
    last = 1 + sum(1 for d in r.data["maturity"]["dimensions"] if d["applicable"])
    assert [s.val.numRef.f for s in charts[0].series] == [f"'Dimensions'!$C$2:$C${last}",
                                                          f"'Dimensions'!$D$2:$D${last}",
                                                          f"'Dimensions'!$E$2:$E${last}"]   # score, level, target


# --- Findings -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_findings_is_an_excel_table_with_autofilter_and_a_plan(report, name):
    r = report(name)
    ws = r.wb["Findings"]
    assert list(ws.tables) == ["Findings"]
    table = ws.tables["Findings"]
    n = len(r.data["findings"])
    assert n > 0
    header = values(ws, 1)
    last_col = openpyxl.utils.get_column_letter(len(header))
    assert table.ref == f"A1:{last_col}{1 + n}"
    assert table.autoFilter is not None and table.autoFilter.ref == table.ref
    # The columns, the rule id (README: "... recommendation and rule"), then the plan.
    assert header == FINDING_COLUMNS + ("Rule",) + PLAN_COLUMNS
    assert [col.name for col in table.tableColumns] == list(header)
    assert ws.max_row == 1 + n


@pytest.mark.parametrize("name", NAMES)
def test_findings_rows_equal_the_json_worst_first(report, name):
    r = report(name)
    ws = r.wb["Findings"]
    header = values(ws, 1)
    col = {h: i for i, h in enumerate(header, start=1)}
    for i, f in enumerate(r.data["findings"], start=2):
        row = values(ws, i)
        assert row[:4] == (f["id"], f["severity"], f["category"], f["subject"])
        message = row[4].split("\n")   # a grouped finding lists its single matches under its message
        assert message[0] == f["message"]
        assert message[1:] == ([f"- {x['message']}" for x in f["details"]] if len(f["details"]) > 1 else [])
        assert row[col["Recommendation"] - 1] == f["recommendation"] and row[col["Rule"] - 1] == f["rule"]
        assert row[col["Owner"] - 1] is None and row[col["Due"] - 1] is None
        assert row[col["Status"] - 1] == "Open"
        where = row[col["Where in the workbook"] - 1]   # "RACI!G2, G3; Roles!A6": each sheet named once per run
        shown = []
        for part in where.split("; "):
            sheet, _, cells = part.partition("!")
            assert sheet in ("Profile", "Questions", "Roles", "RACI"), where
            shown += [f"{sheet}!{c}" for c in cells.split(", ")]
        assert shown == list(dict.fromkeys(f"{e['sheet']}!{e['cell']}" for e in f["evidence"])), where
    order = [SEVERITIES.index(v) for v in (ws.cell(row=i, column=2).value for i in range(2, ws.max_row + 1))]
    assert order == sorted(order)


@pytest.mark.parametrize("name", NAMES)
def test_findings_status_has_a_dropdown_and_due_a_date_check(report, name):
    r = report(name)
    ws = r.wb["Findings"]
    header = values(ws, 1)
    status_col = openpyxl.utils.get_column_letter(header.index("Status") + 1)
    due_col = openpyxl.utils.get_column_letter(header.index("Due") + 1)
    last = 1 + len(r.data["findings"])
    validations = ws.data_validations.dataValidation
    lists = [v for v in validations if v.type == "list"]
    dates = [v for v in validations if v.type == "date"]
    assert len(lists) == 1 and len(dates) == 1
    assert lists[0].formula1 == '"' + ",".join(STATUS_CHOICES) + '"'
    for row in range(2, last + 1):
        assert f"{status_col}{row}" in lists[0].sqref
        assert f"{due_col}{row}" in dates[0].sqref
        assert ws[f"{status_col}{row}"].value in STATUS_CHOICES


# --- Coverage -------------------------------------------------------------------------------------

def raci_letters(responsibility: dict) -> dict:
    """Role id -> the letter the matrix should show, from the JSON coverage row."""
    letters: dict[str, set] = {}
    for key, letter in (("accountable", "A"), ("responsible", "R"), ("consulted", "C"), ("informed", "I")):
        for role in responsibility[key]:
            letters.setdefault(role, set()).add(letter)
    out = {}
    for role, found in letters.items():
        assert len(found) == 1 or found == {"A", "R"}, (responsibility["id"], role, found)
        out[role] = "A/R" if found == {"A", "R"} else found.pop()
    return out


@pytest.mark.parametrize("name", NAMES)
def test_coverage_matrix_equals_the_json(report, name):
    r = report(name)
    ws, cov = r.wb["Coverage"], r.data["coverage"]
    roles = [role["id"] for role in cov["roles"]]
    assert values(ws, 1) == ("Responsibility ID", "Responsibility", "Required", "Status", "Findings", *roles)
    for i, resp in enumerate(cov["responsibilities"], start=2):
        row = values(ws, i)
        assert row[:4] == (resp["id"], resp["name"] or None, resp["required"], resp["status"])
        assert blank(row[4]) == " ".join(resp["findings"])
        letters = raci_letters(resp)
        assert {role: v for role, v in zip(roles, row[5:]) if v is not None} == letters
    assert ws.cell(row=2 + len(cov["responsibilities"]), column=1).value is None


@pytest.mark.parametrize("name", NAMES)
def test_coverage_gaps_are_marked_by_conditional_formatting(report, name):
    r = report(name)
    ws, cov = r.wb["Coverage"], r.data["coverage"]
    last = 1 + len(cov["responsibilities"])
    rules = {str(cf.sqref): cf.rules for cf in ws.conditional_formatting}
    status = rules[f"D2:D{last}"]
    assert {(rule.type, rule.operator) for rule in status} == {("cellIs", "equal")}
    assert {rule.formula[0].strip('"') for rule in status} >= GAP_STATUSES
    live = rules[f"A2:B{last}"]
    assert len(live) == 1 and live[0].type == "expression"
    formula = live[0].formula[0]
    first, end = "F", openpyxl.utils.get_column_letter(5 + len(cov["roles"]))
    assert f"${first}2:${end}2" in formula and 'COUNTIF' in formula and '"A"' in formula and '"A/R"' in formula

    # What the live rule computes, row by row, is what the status says (exactly one A; blank rows pass).
    for i, resp in enumerate(cov["responsibilities"], start=2):
        letters = [ws.cell(row=i, column=c).value for c in range(6, 6 + len(cov["roles"]))]
        flagged = any(letters) and sum(v in ("A", "A/R") for v in letters) != 1
        assert flagged == (resp["status"] in ("no accountable", "several accountable")), (resp["id"], letters)


@pytest.mark.parametrize("name", NAMES)
def test_coverage_lists_load_per_person_with_fte(report, name):
    r = report(name)
    ws, people = r.wb["Coverage"], r.data["coverage"]["people"]
    head = row_of(ws, 1, "Person", start=2 + len(r.data["coverage"]["responsibilities"]))
    assert ws.cell(row=head - 1, column=1).value == "Load per person"
    assert values(ws, head, 1, 3) == ("Person", "Roles", "FTE")
    for i, p in enumerate(people, start=head + 1):
        row = values(ws, i, 1, 5)
        assert row[0] == p["person"]
        assert blank(row[1]) == ", ".join(p["roles"])
        assert row[2] == p["fte"] and row[3] == p["accountable"] and row[4] == p["responsible"]
    assert ws.cell(row=head + 1 + len(people), column=1).value is None
    over = [cf for cf in ws.conditional_formatting if str(cf.sqref) == f"C{head + 1}:C{head + len(people)}"]
    assert over and over[0].rules[0].operator == "greaterThan" and over[0].rules[0].formula == ["1"]


# --- Roadmap, Answers, Trace ----------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_roadmap_rows_are_the_phased_actions_of_the_json(report, name):
    r = report(name)
    ws, rm = r.wb["Roadmap"], r.data["roadmap"]
    assert values(ws, 1, 1, 7) == ("Rank", "Phase", "Action", "Owner (role)", "Effort", "Unlocks", "From")
    actions = [(p, a) for p in rm["phases"] for a in p["actions"]]
    assert actions and len(actions) >= len(rm["items"]), "every sample has something to do"
    for row, (phase, a) in enumerate(actions, start=2):
        owner = a["owner"]["name"] + ("" if a["owner"]["staffed"] else " (no one holds this role yet)")
        assert values(ws, row, 1, 6) == (a["rank"], phase["name"], a["text"], owner,
                                         f"{a['effort']['band']}: {a['effort']['label']}", a["unlocks"])
        source = ws.cell(row=row, column=7).value
        assert source.startswith(a["question"] if a["kind"] == "practice" else a["responsibility"])
    assert all(v is None for v in values(ws, 2 + len(actions), 1, 12)), "nothing below the actions"
    needs = {m["subject"] for m in rm["next_tier"]["missing"]}
    assert needs <= {a["responsibility"] for _, a in actions if a["kind"] == "tier"}, "the next tier's needs"


@pytest.mark.parametrize("name", NAMES)
def test_answers_one_row_per_respondent_answer(report, name):
    r = report(name)
    ws = r.wb["Answers"]
    assert values(ws, 1) == ("Question", "Dimension", "Level", "Question text", "Merged answer", "Status",
                             "Respondent", "Answer given", "Cell", "Evidence", "File")
    expected = [(a["question"], a["dimension"], a["level"], a["text"], a["value"], a["status"], g["respondent"],
                 g["answer"], g["cell"], g["evidence"] or None, Path(g["file"]).name)
                for a in r.data["maturity"]["answers"] for g in a["responses"]]
    assert [values(ws, i) for i in range(2, ws.max_row + 1)] == expected
    assert any(row[9] for row in expected), "some answers name their evidence"
    assert ws.auto_filter.ref == f"A1:K{1 + len(expected)}"


@pytest.mark.parametrize("name", NAMES)
def test_trace_one_row_per_rule_firing(report, name):
    r = report(name)
    ws, trace = r.wb["Trace"], r.data["trace"]
    assert values(ws, 1) == ("Rule", "Matched facts", "Cells", "Concluded", "Finding")
    assert ws.max_row == 1 + len(trace)
    for i, t in enumerate(trace, start=2):
        row = values(ws, i)
        assert row[0] == t["rule"]
        assert row[1] == "; ".join(f"{m['as']}={m['label']}" for m in t["matched"])
        assert (row[3], row[4]) == (t["concluded"], t["finding"])
        # cells named by the workbook's file name, as every other sheet names them (not its path)
        cells = [c for m in t["matched"] for c in m["cells"]]
        assert row[2] == "; ".join(dict.fromkeys(c.rsplit("/", 1)[-1] for c in cells)) or not cells
        assert "/" not in (row[2] or "")


# --- safety: workbook text stays text -------------------------------------------------------------

def test_atlas_hyperlink_evidence_is_inert_text(report):
    r = report("atlas")
    given = [g for a in r.data["maturity"]["answers"] for g in a["responses"]
             if g["evidence_cell"] == "Questions!F50"]
    assert [g["evidence"] for g in given] == [ATLAS_LINK]
    ws = r.wb["Answers"]
    row = row_of(ws, 9, given[0]["cell"])
    cell = ws.cell(row=row, column=10)
    assert cell.value == ATLAS_LINK
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.hyperlink is None


@pytest.mark.parametrize("name", NAMES + ["hostile"])
def test_no_formula_and_no_link_anywhere(report, name):
    r = report(name)
    for ws, cell in cells(r.wb):
        assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
        assert cell.hyperlink is None, (ws.title, cell.coordinate)
    for ws in r.wb.worksheets:
        assert not ws._hyperlinks, ws.title
    with zipfile.ZipFile(r.path) as z:
        for part in z.namelist():
            if part.startswith("xl/worksheets/") and part.endswith(".xml"):
                xml = z.read(part).decode("utf-8")
                assert not re.search(r"<f[ >]", xml), part
                assert "<hyperlink" not in xml, part
            if part.endswith(".rels"):
                assert "relationships/hyperlink" not in z.read(part).decode("utf-8"), part


@pytest.mark.parametrize("key", list(HOSTILE))
def test_hostile_text_is_stored_as_text_exactly(report, key):
    r = report("hostile")
    text = HOSTILE[key]
    found = [(ws.title, cell) for ws, cell in cells(r.wb) if cell.value == text]
    assert found, f"{key}: {text[:40]!r} is not a cell of the report"
    for title, cell in found:
        assert cell.data_type == "s", (title, cell.coordinate)
        assert bool(cell.quotePrefix) == (text[0] in "=+-@"), (title, cell.coordinate, text[:20])


def test_hostile_text_lands_where_it_belongs(report):
    r = report("hostile")
    wb = r.wb
    summary = wb["Summary"]
    assert summary["A1"].value == f"PMO assessment: {HOSTILE['formula']}" and summary["A1"].data_type == "s"
    assert wb.properties.title == f"PMO assessment - {HOSTILE['formula']}"
    label = {summary.cell(row=i, column=1).value: summary.cell(row=i, column=2) for i in range(2, 12)}
    assert label["PMO"].value == LONG
    assert label["Respondents"].value == HOSTILE["img"]

    answers = wb["Answers"]
    for key, row in EVIDENCE_ROWS.items():
        cell = answers.cell(row=row_of(answers, 9, f"Questions!E{row}"), column=10)
        assert cell.value == HOSTILE[key] and cell.data_type == "s", key

    coverage = wb["Coverage"]
    for rid, key in (("client-own", "at"), ("client-link", "link")):
        cell = coverage.cell(row=row_of(coverage, 1, rid), column=2)
        assert cell.value == HOSTILE[key] and cell.data_type == "s" and cell.quotePrefix, rid
    for key in ("dde", "minus", "script"):
        cell = coverage.cell(row=row_of(coverage, 1, HOSTILE[key]), column=1)
        assert cell.data_type == "s" and bool(cell.quotePrefix) == (HOSTILE[key][0] in "=+-@"), key


def test_hostile_input_is_not_changed(report):
    r = report("hostile")
    assert digest(r.source) == r.source_digest
    assert all(digest(report(n).source) == report(n).source_digest for n in NAMES)


def test_control_characters_are_replaced_not_written(report, tmp_path):
    """Workbook XML cannot carry control characters, but API users build ``to_dict()`` data directly."""
    data = json.loads(json.dumps(report("atlas").data))
    data["organisation"]["pmo_name"] = "PMO\x01\x02name"
    data["maturity"]["answers"][0]["responses"][0]["evidence"] = "bell\x07 and \x1b[31mred"
    data["coverage"]["people"][0]["person"] = "=\x01SUM(1)"
    out = api.write_report(data, tmp_path / "ctl.xlsx", "xlsx")
    wb = openpyxl.load_workbook(out)
    label = {wb["Summary"].cell(row=i, column=1).value: wb["Summary"].cell(row=i, column=2).value
             for i in range(2, 12)}
    assert label["PMO"] == CONTROL.sub(" ", "PMO\x01\x02name")
    assert wb["Answers"]["J2"].value == CONTROL.sub(" ", "bell\x07 and \x1b[31mred")
    person = wb["Coverage"].cell(row=row_of(wb["Coverage"], 1, "= SUM(1)"), column=1)
    assert person.data_type == "s" and person.quotePrefix
    assert not any(isinstance(c.value, str) and CONTROL.search(c.value) for _, c in cells(wb))


def test_row_heights_stay_within_excels_limit(report):
    wb = report("hostile").wb
    too_high = [(ws.title, row, dim.height) for ws in wb.worksheets for row, dim in ws.row_dimensions.items()
                if dim.height and dim.height > EXCEL_MAX_ROW_HEIGHT]
    assert too_high == []


# --- safety: where the report is written ----------------------------------------------------------

@pytest.fixture
def copy_of_atlas(tmp_path) -> Path:
    return Path(shutil.copyfile(SAMPLES["atlas"], tmp_path / "atlas.xlsx"))


def test_never_writes_over_an_input(copy_of_atlas, tmp_path):
    before = digest(copy_of_atlas)
    link = tmp_path / "link.xlsx"
    link.symlink_to(copy_of_atlas)
    second = Path(shutil.copyfile(copy_of_atlas, tmp_path / "second.xlsx"))
    for args in ((copy_of_atlas, "-o", copy_of_atlas),
                 (copy_of_atlas, "-o", copy_of_atlas, "--force"),
                 (copy_of_atlas, "-o", link, "--force"),
                 (copy_of_atlas, "-o", tmp_path / "sub" / ".." / "atlas.xlsx", "--force"),
                 (copy_of_atlas, second, "-o", second, "--force")):
        (tmp_path / "sub").mkdir(exist_ok=True)
        user_error(invoke("assess", *args), "refusing to write over an input file")
    assert digest(copy_of_atlas) == before and digest(second) == before
    assert leftovers(tmp_path) == []


def test_existing_output_needs_force_and_force_replaces_it(copy_of_atlas, tmp_path):
    out = tmp_path / "report.xlsx"
    out.write_bytes(b"the consultant's edited report")
    user_error(invoke("assess", copy_of_atlas, "-o", out), "file exists", "--force")
    assert out.read_bytes() == b"the consultant's edited report"
    assert leftovers(tmp_path) == []

    ok(invoke("assess", copy_of_atlas, "-o", out, "--force"))
    assert openpyxl.load_workbook(out).sheetnames == SHEETS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas.xlsx", "report.xlsx"]
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask, "a report gets the permissions of any new file"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(copy_of_atlas, tmp_path, monkeypatch):
    import os

    from assessor import output

    out = tmp_path / "report.xlsx"
    out.write_bytes(b"old report")

    def half_written(fd, content):
        os.write(fd, content[: len(content) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "_write_all", half_written)
    result = invoke("assess", copy_of_atlas, "-o", out, "--force")
    assert result.exit_code == 2 and "cannot write the report: No space left on device" in result.output, result.output
    assert out.read_bytes() == b"old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas.xlsx", "report.xlsx"]


def test_format_option_wins_over_the_extension(copy_of_atlas, tmp_path):
    """The code takes --format as given whatever the extension: ``--format xlsx -o report.bin`` writes a workbook."""
    out = tmp_path / "report.bin"
    ok(invoke("assess", copy_of_atlas, "--format", "xlsx", "-o", out))
    assert zipfile.is_zipfile(out)
    assert openpyxl.load_workbook(io.BytesIO(out.read_bytes())).sheetnames == SHEETS
    assert leftovers(tmp_path) == []


def test_an_unknown_extension_without_format_is_refused(copy_of_atlas, tmp_path):
    user_error(invoke("assess", copy_of_atlas, "-o", tmp_path / "report.bin"), "cannot tell the format", "--format")
    user_error(invoke("assess", copy_of_atlas, "--format", "docx", "-o", tmp_path / "report.xlsx"), "is not one of")
    user_error(invoke("assess", copy_of_atlas, "-o", tmp_path / "missing" / "report.xlsx"), "does not exist")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas.xlsx"]


def test_bidi_and_c1_characters_are_shown_named_not_raw(report, tmp_path):
    """A right-to-left override in a name turned it around in its cell ("Helen ‮rraC" for "Helen Carr")."""
    data = json.loads(json.dumps(report("atlas").data))
    data["organisation"]["pmo_name"] = "PMO \u202eeman\u202c \x9b2J"
    out = api.write_report(data, tmp_path / "bidi.xlsx", "xlsx")
    wb = openpyxl.load_workbook(out)
    label = {wb["Summary"].cell(row=i, column=1).value: wb["Summary"].cell(row=i, column=2).value
             for i in range(2, 12)}
    assert label["PMO"] == "PMO \\u202eeman\\u202c \\x9b2J"
    assert not any(isinstance(c.value, str) and re.search("[\u202a-\u202e\u2066-\u2069\x80-\x9f]", c.value)
                   for _, c in cells(wb))
