"""`pmo-assess batch`: a consultant's folder of client workbooks, broken ones among them, becomes one
report per office and a portfolio workbook; bad files are listed and skipped; output is the same
whatever the order of the files or the number of workers; Ctrl-C keeps what was finished."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assessor.questionnaire import layout as L
from assessor.xlsx import openpyxl
from tests.builders import clone_workbook
from tests.cli_helpers import invoke, ok

REPO = Path(__file__).resolve().parent.parent
SAMPLES = sorted((REPO / "samples").glob("*.xlsx"))
CALIBRATION = sorted((REPO / "samples" / "calibration").glob("*.xlsx"))
BROKEN = sorted((REPO / "samples" / "broken").glob("*.xlsx"))
MORE = sorted((REPO / "samples" / "more-respondents").glob("*.xlsx"))


@pytest.fixture(scope="module")
def clients(tmp_path_factory) -> Path:
    """Ten offices (Meridian with three respondents, two in a subfolder), three broken workbooks, a
    lock file, a hidden file and a text file."""
    root = tmp_path_factory.mktemp("portfolio") / "clients"
    (root / "meridian").mkdir(parents=True)
    for path in SAMPLES + CALIBRATION + BROKEN:
        shutil.copy(path, root / path.name)
    for path in MORE:
        shutil.copy(path, root / "meridian" / path.name)
    shutil.copy(SAMPLES[0], root / "~$atlas-rail.xlsx")      # Excel's lock file while one is open
    shutil.copy(SAMPLES[0], root / ".hidden.xlsx")
    (root / "notes.txt").write_text("not a workbook")
    return root


@pytest.fixture(scope="module")
def ran(clients, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "reports"
    result = invoke("batch", clients, "-o", out, "--format", "xlsx,json", "-j", "2")
    return result, out


def test_every_office_gets_its_reports_and_the_broken_files_are_listed(ran):
    result, out = ran
    assert result.exit_code == 2, result.output                         # some files failed
    assert "batch: 10 office(s) from 15 file(s), 3 failed" in result.stderr
    for broken in ("not-a-workbook.xlsx", "renamed-sheet.xlsx", "typos-and-gaps.xlsx"):
        assert any(line.startswith("failed: ") and broken in line for line in result.stderr.splitlines())
    reports = sorted(p.name for p in out.iterdir())
    assert len([r for r in reports if r.endswith(".xlsx") and r != "portfolio.xlsx"]) == 10
    assert "Meridian Bank - Enterprise Portfolio Office.json" in reports and "portfolio.json" in reports
    meridian = json.loads((out / "Meridian Bank - Enterprise Portfolio Office.json").read_text())
    assert len(meridian["respondents"]) == 3                               # grouped by Profile, across folders
    assert not [p for p in out.iterdir() if p.name.startswith(".")]       # no temporary left


def test_the_portfolio_workbook_has_a_row_per_office_a_heat_map_failures_and_charts(ran):
    _, out = ran
    wb = openpyxl().load_workbook(out / "portfolio.xlsx")
    assert wb.sheetnames == ["Offices", "Failed files", "Warnings", "Distribution"]
    offices = wb["Offices"]
    head = [c.value for c in offices[1]]
    rows = [[c.value for c in row] for row in offices.iter_rows(min_row=2)]
    assert len(rows) == 10 and {"Type", "Tier", "Overall level", "Monitoring and reporting", "High", "Report"} <= set(head)
    meridian = next(r for r in rows if r[0] == "Meridian Bank")
    report = json.loads((out / "Meridian Bank - Enterprise Portfolio Office.json").read_text())
    levels = {d["name"]: d["level"] for d in report["maturity"]["dimensions"]}
    assert all(meridian[head.index(name)] == level for name, level in levels.items())
    assert meridian[head.index("Respondents")] == 3 and meridian[head.index("Type")] == report["classification"]["model"]
    assert offices.conditional_formatting, "the levels are a heat map"
    failed = [[c.value for c in row] for row in wb["Failed files"].iter_rows(min_row=2)]
    assert len(failed) == 3 and all(row[1] for row in failed)
    assert len(wb["Distribution"]._charts) == 4


def test_what_the_workbooks_warned_about_is_printed_and_listed_in_the_portfolio(ran):
    result, out = ran   # atlas-rail.xlsx holds a HYPERLINK formula where text is expected: kept as text, with a warning
    atlas = "Atlas Rail Infrastructure - Capital Delivery P3O"
    line = next(line for line in result.stderr.splitlines() if "atlas-rail.xlsx: Questions!F50: warning:" in line)
    assert "formula where text is expected" in line and "1 workbook warning(s)" in result.stderr
    wb = openpyxl().load_workbook(out / "portfolio.xlsx")
    rows = [[c for c in row] for row in wb["Warnings"].iter_rows(min_row=2)]
    assert [(r[0].value, Path(r[1].value).name, r[2].value) for r in rows] == [(atlas, "atlas-rail.xlsx", "Questions!F50")]
    found = rows[0][4]
    assert "=HYPERLINK" in found.value and found.data_type == "s" and not found.hyperlink   # inert text
    offices = wb["Offices"]
    head = [c.value for c in offices[1]]
    counts = {row[0].value: row[head.index("Warnings")].value for row in offices.iter_rows(min_row=2)}
    assert counts["Atlas Rail Infrastructure"] == 1 and set(counts.values()) == {0, 1}
    listed = {o["report"]: o["warnings"] for o in json.loads((out / "portfolio.json").read_text())["offices"]}
    assert [w["location"] for w in listed[atlas]] == ["Questions!F50"]
    assert sum(map(len, listed.values())) == 1


def test_a_portfolio_of_many_warnings_prints_the_first_and_lists_them_all(tmp_path):
    root = tmp_path / "clients"
    root.mkdir()
    for i in range(23):   # one warning each (atlas-rail.xlsx's formula kept as text)
        clone_workbook(SAMPLES[0], root / f"client-{i:02d}.xlsx", f"Client {i:02d}")
    result = invoke("batch", root, "-o", tmp_path / "out", "--format", "json", "-j", "2")
    assert result.exit_code == 0, result.output
    printed = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert len(printed) == 20 and "... and 3 more warning(s): the Warnings sheet of portfolio.xlsx" in result.stderr
    assert "23 workbook warning(s)" in result.stderr
    sheet = openpyxl().load_workbook(tmp_path / "out" / "portfolio.xlsx")["Warnings"]
    assert sheet.max_row == 24


def test_the_same_files_give_the_same_bytes_in_any_order_with_any_number_of_workers(clients, tmp_path):
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    for i, path in enumerate(sorted(clients.rglob("*.xlsx"), reverse=True)):   # other names, other order
        if not path.name.startswith(("~$", ".")):
            shutil.copy(path, shuffled / f"{i:02d}-{path.name}")
    one, two = tmp_path / "one", tmp_path / "two"
    assert invoke("batch", clients, "-o", one, "--format", "json", "-j", "1").exit_code == 2
    assert invoke("batch", shuffled, "-o", two, "--format", "json", "-j", "2").exit_code == 2
    for report in one.glob("*.json"):
        if report.name != "portfolio.json":   # the files are others' copies: compare what was concluded
            assert _conclusions(json.loads(report.read_text())) == _conclusions(json.loads((two / report.name).read_text()))
    again = tmp_path / "again"
    assert invoke("batch", clients, "-o", again, "--format", "json", "-j", "2").exit_code == 2
    assert all((again / p.name).read_bytes() == p.read_bytes() for p in one.glob("*.json"))


def _conclusions(report: dict) -> dict:
    """What an assessment concluded, without the file names its evidence carries."""
    c, m = report["classification"], report["maturity"]
    return {"type": c["model"], "tier": c["tier"], "confidence": c["confidence"], "overall": m["overall"],
            "dimensions": [(d["id"], d["level"], d["score"], d["status"]) for d in m["dimensions"]],
            "findings": [(f["id"], f["severity"]) for f in report["findings"]],
            "roadmap": report["roadmap"], "respondents": len(report["respondents"])}


def test_an_office_in_a_batch_is_the_office_assess_reports(ran):
    _, out = ran
    alone = invoke("assess", REPO / "samples" / "northwind-energy.xlsx", "--format", "json")
    batch = json.loads((out / "Northwind Energy - Grid Modernisation Programme Office.json").read_text())
    assert _conclusions(batch) == _conclusions(json.loads(alone.stdout))


def test_by_folder_makes_one_office_per_folder(tmp_path):
    root = tmp_path / "clients"
    for name, source in (("acme", SAMPLES[1]), ("zenith", SAMPLES[3])):
        (root / name).mkdir(parents=True)
        shutil.copy(source, root / name / "answers.xlsx")
    result = invoke("batch", root, "-o", tmp_path / "out", "--by-folder", "--format", "json")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["acme.json", "portfolio.json", "portfolio.xlsx",
                                                                     "zenith.json"]


def test_an_office_whose_names_hold_no_letter_is_named_after_its_workbook(tmp_path, make_workbook):
    """An all-emoji organisation and PMO name gave the reports "office" and "office-2"."""
    root = tmp_path / "clients"
    root.mkdir()
    for file, pmo in (("north-region.xlsx", "\U0001f6f0"), ("south-region.xlsx", "\U0001f30d")):
        shutil.copyfile(make_workbook(tmp_path, [_profile(**{"Organisation": "\U0001f680\U0001f680",
                                                              "PMO name": pmo})]), root / file)
    result = invoke("batch", root, "-o", tmp_path / "out", "--format", "json")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "north-region.json", "portfolio.json", "portfolio.xlsx", "south-region.json"]
    from assessor.store.keys import name_key

    assert name_key("\U0001f680 \U0001f680") == "\U0001f680\U0001f680" and name_key(" - ... + $") == ""
    # an all-emoji organisation beside a PMO name with letters: the workbook names it, not "PMO", "PMO-2"
    root2 = tmp_path / "clients2"
    root2.mkdir()
    for file, organisation in (("acme.xlsx", "\U0001f680"), ("globex.xlsx", "\U0001f6f8")):
        shutil.copyfile(make_workbook(tmp_path, [_profile(**{"Organisation": organisation, "PMO name": "PMO"})]),
                        root2 / file)
    result = invoke("batch", root2, "-o", tmp_path / "out2", "--format", "json")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out2").iterdir()) == [
        "acme - PMO.json", "globex - PMO.json", "portfolio.json", "portfolio.xlsx"]


def _profile(**values):
    """A workbook edit setting Profile fields by their label."""
    def edit(wb):
        profile = wb[L.PROFILE]
        for r in range(2, profile.max_row + 1):
            label = profile.cell(row=r, column=1).value
            if label in values:
                profile.cell(row=r, column=2).value = values[label]
    return edit


def test_by_folder_names_each_office_by_its_path_and_takes_whatever_organisations_it_holds(tmp_path, make_workbook):
    root = tmp_path / "clients"
    for folder in ("eu/west", "us/west"):
        (root / folder).mkdir(parents=True)
    make_workbook(root / "eu/west", [_profile(Organisation="Acme Ltd", Respondent="Ann")], name="a.xlsx")
    make_workbook(root / "eu/west", [_profile(Organisation="ACME Limited", Respondent="Bob")], name="b.xlsx")
    shutil.copy(SAMPLES[2], root / "us/west")
    result = invoke("batch", root, "-o", tmp_path / "out", "--by-folder", "--format", "json")
    assert result.exit_code == 0, result.output           # the folder says they are one office
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "eu - west.json", "portfolio.json", "portfolio.xlsx", "us - west.json"]
    report = json.loads((tmp_path / "out" / "eu - west.json").read_text())
    assert len(report["respondents"]) == 2
    assert any("respondents name different organisations" in w["message"] and "ACME Limited" in w["found"]
               for w in report["warnings"])
    # without --by-folder the two organisations are two offices
    apart = invoke("batch", root / "eu", "-o", tmp_path / "apart", "--format", "json")
    assert apart.exit_code == 0, apart.output
    assert "batch: 2 office(s) from 2 file(s)" in apart.stderr


def test_an_office_report_is_named_as_its_first_respondent_spells_it(tmp_path, make_workbook):
    # the first respondent in the report's order (by name), not the first file by path
    root = tmp_path / "clients"
    root.mkdir()
    make_workbook(root, [_profile(Organisation="ACME LTD", Respondent="Zoe")], name="a.xlsx")
    make_workbook(root, [_profile(Organisation="Acme Ltd", Respondent="Adam")], name="b.xlsx")
    result = invoke("batch", root, "-o", tmp_path / "out", "--format", "json")
    assert result.exit_code == 0, result.output
    reports = [p for p in (tmp_path / "out").iterdir() if not p.name.startswith("portfolio")]
    assert len(reports) == 1
    report = json.loads(reports[0].read_text())
    assert reports[0].name.startswith(report["organisation"]["organisation"] + " - ") and \
        reports[0].name.startswith("Acme Ltd"), reports[0].name


def test_a_file_without_an_organisation_cannot_be_placed(tmp_path, make_workbook):
    def no_name(wb):
        profile = wb[L.PROFILE]
        row = next(r for r in range(2, profile.max_row + 1) if profile.cell(row=r, column=1).value == "Organisation")
        profile.cell(row=row, column=2).value = None
    root = tmp_path / "clients"
    root.mkdir()
    make_workbook(root, [no_name], name="nameless.xlsx")
    shutil.copy(SAMPLES[2], root)
    result = invoke("batch", root, "-o", tmp_path / "out", "--format", "json")
    assert result.exit_code == 2
    assert "nameless.xlsx: Profile: the Organisation is blank, so the file cannot be placed" in result.stderr
    assert "batch: 1 office(s) from 2 file(s), 1 failed" in result.stderr


def test_an_organisation_of_punctuation_only_is_said_as_found(tmp_path, make_workbook):
    root = tmp_path / "clients"
    root.mkdir()
    make_workbook(root, [_profile(Organisation="-")], name="dash.xlsx")
    result = invoke("batch", root, "-o", tmp_path / "out", "--format", "json")
    assert result.exit_code == 2
    assert "dash.xlsx: Profile: the Organisation holds no name ('-'), so the file cannot be placed" in result.stderr


def test_reports_do_not_go_among_the_client_workbooks(tmp_path):
    root = tmp_path / "clients"
    root.mkdir()
    shutil.copy(SAMPLES[2], root)
    before = sorted(p.name for p in root.iterdir())
    for given in (root, root / SAMPLES[2].name):
        result = invoke("batch", given, "-o", root, "--format", "json")
        assert result.exit_code == 2 and "the output folder holds input workbooks" in result.stderr, result.output
        assert "Traceback" not in result.output
    assert sorted(p.name for p in root.iterdir()) == before
    inside = invoke("batch", root, "-o", root / "reports", "--format", "json")   # a subfolder is skipped when reading
    assert inside.exit_code == 0 and "1 office(s) from 1 file(s)" in inside.stderr, inside.output


def _regions(tmp_path) -> Path:
    """clients/emea with two offices' workbooks, clients/apac with a third."""
    root = tmp_path / "clients"
    for region, samples in (("emea", SAMPLES[1:3]), ("apac", SAMPLES[3:4])):
        (root / region).mkdir(parents=True)
        for path in samples:
            shutil.copy(path, root / region)
    return root


def test_a_subfolder_holding_client_workbooks_is_refused_as_the_output_folder(tmp_path):
    """`-o clients/emea` said "1 office(s) from 1 file(s), 0 failed": emea's two workbooks were skipped
    as the output folder, and the reports went in beside them."""
    root = _regions(tmp_path)
    emea = sorted(p.name for p in (root / "emea").iterdir())
    result = invoke("batch", root, "-o", root / "emea", "--format", "json")
    assert result.exit_code == 2, result.output
    assert f"{root / 'emea'}: the output folder holds input workbooks ({emea[0]}); a batch does not read its own " \
           "output folder, so they would not be assessed" in result.stderr
    assert f"choose another folder (a new one, or a subfolder such as {root / 'emea' / 'reports'}" in result.stderr
    assert "Traceback" not in result.output and "batch:" not in result.stderr    # before any work
    assert sorted(p.name for p in (root / "emea").iterdir()) == emea
    # deeper down too: the workbooks of a folder inside the output folder would be skipped as well
    (root / "apac" / "sydney").mkdir()
    shutil.move(root / "apac" / SAMPLES[3].name, root / "apac" / "sydney")
    deeper = invoke("batch", root, "-o", root / "apac", "--format", "json")
    assert deeper.exit_code == 2 and f"holds input workbooks ({Path('sydney') / SAMPLES[3].name})" in deeper.stderr
    # the folder given itself, its workbooks all in subfolders: the reports would be read by the next batch
    top = invoke("batch", root, "-o", root, "--format", "json")
    assert top.exit_code == 2 and f"{root}: the output folder holds input workbooks (apac" in top.stderr, top.output
    assert sorted(p.name for p in root.iterdir()) == ["apac", "emea"]


def test_a_folder_of_client_workbooks_above_the_input_is_refused_as_the_output_folder(tmp_path):
    """`batch c2/sub -o c2` wrote its reports among c2's client workbooks; the next batch over c2 then failed
    the reports as workbooks ("missing sheet 'Profile'")."""
    c2 = tmp_path / "c2"
    (c2 / "sub").mkdir(parents=True)
    shutil.copy(SAMPLES[0], c2)
    shutil.copy(SAMPLES[2], c2 / "sub")
    result = invoke("batch", c2 / "sub", "-o", c2, "--format", "json")
    assert result.exit_code == 2, result.output
    assert f"{c2}: the output folder holds input workbooks ({SAMPLES[0].name}); the reports would be mixed with " \
           "them" in result.stderr
    assert sorted(p.name for p in c2.iterdir()) == sorted([SAMPLES[0].name, "sub"])
    # a folder of earlier reports, or an empty one, above the input is fine
    ok(invoke("batch", c2 / "sub", "-o", tmp_path / "out", "--format", "json,xlsx"))
    shutil.move(c2 / SAMPLES[0].name, tmp_path)
    ok(invoke("batch", c2 / "sub", "-o", c2, "--format", "json"))


def test_a_subfolder_of_earlier_reports_is_still_skipped_when_reading(tmp_path, make_workbook):
    root = _regions(tmp_path)
    out, db = root / "reports", f"sqlite:///{tmp_path / 'store.db'}"
    first = invoke("batch", root, "-o", out, "--format", "xlsx,json", "--save", "--db", db)
    assert first.exit_code == 0 and "3 office(s) from 3 file(s), 0 failed" in first.stderr, first.output
    assert invoke("history", "Meridian Bank", "-o", out / "Meridian trend.xlsx", "--db", db).exit_code == 0
    report = next(out.glob("Meridian*.xlsx"))
    wb = openpyxl().load_workbook(report)        # the client types its plan into the report, and saves it
    wb["Findings"]["I2"] = "Dana (PMO lead)"
    wb.save(report)
    (out / "archive").mkdir()
    shutil.copy(out / "portfolio.xlsx", out / "archive" / "portfolio-march.xlsx")
    again = invoke("batch", root, "-o", out, "--format", "xlsx,json", "--force")
    assert again.exit_code == 0 and "3 office(s) from 3 file(s), 0 failed" in again.stderr, again.output
    # but not a client's workbook among them, stamped or not, nor a workbook the tool did not write
    def copied_into_a_new_file(wb):
        wb.properties.creator = "Dana Whitfield"
    for name, edits in (("filled.xlsx", ()), ("unstamped.xlsx", [("delete_stamp",)]),
                        ("copied.xlsx", [("delete_stamp",), copied_into_a_new_file])):
        extra = make_workbook(out / "archive", edits, name=name)
        refused = invoke("batch", root, "-o", out, "--format", "xlsx,json", "--force")
        assert refused.exit_code == 2, (name, refused.output)
        assert f"holds input workbooks ({Path('archive') / name}); a batch does not read" in refused.stderr
        extra.unlink()
    notes = openpyxl().Workbook()
    notes.active["A1"] = "call Dana on Monday"
    notes.save(out / "notes.xlsx")
    refused = invoke("batch", root, "-o", out, "--format", "xlsx,json", "--force")
    assert refused.exit_code == 2 and "holds input workbooks (notes.xlsx)" in refused.stderr, refused.output


def test_an_earlier_batchs_reports_beside_the_new_one_are_skipped_and_said(tmp_path):
    """A consultant's clients/2026-03 then clients/2026-09: the second batch read the first one's reports
    as client workbooks and failed them (exit 2)."""
    root = tmp_path / "clients"
    root.mkdir()
    for path in SAMPLES:
        shutil.copy(path, root / path.name)
    assert invoke("batch", root, "-o", root / "2026-03", "--format", "xlsx,json", "-j", "1").exit_code == 0
    again = invoke("batch", root, "-o", root / "2026-09", "--format", "json", "-j", "2")
    assert again.exit_code == 0, again.output
    assert f"batch: {len(SAMPLES)} office(s) from {len(SAMPLES)} file(s), 0 failed" in again.stderr
    earlier = sorted(str(p) for p in (root / "2026-03").glob("*.xlsx"))
    assert len(earlier) == len(SAMPLES) + 1                                  # the offices and portfolio.xlsx
    assert f"skipped: {len(earlier)} workbook(s) pmo-assess wrote, not questionnaires" in again.stderr
    assert "failed" not in again.stderr.replace("0 failed", "")
    portfolio = json.loads((root / "2026-09" / "portfolio.json").read_text())
    assert portfolio["skipped_reports"] == earlier and portfolio["files"] == len(SAMPLES)
    only = invoke("batch", root / "2026-03", "-o", tmp_path / "out", "--format", "json")
    assert only.exit_code == 2 and "no questionnaire workbooks found: every workbook in" in only.stderr
    assert "Traceback" not in only.output and not (tmp_path / "out").exists()   # no empty folder left


def test_reports_already_there_are_kept_unless_forced(tmp_path):
    root = tmp_path / "clients"
    root.mkdir()
    shutil.copy(SAMPLES[2], root)
    out = tmp_path / "out"
    assert invoke("batch", root, "-o", out, "--format", "json").exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = invoke("batch", root, "-o", out, "--format", "json")
    assert again.exit_code == 2 and "already there" in again.output and "--force" in again.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert invoke("batch", root, "-o", out, "--format", "json", "--force").exit_code == 0


def test_exit_codes_and_fail_on(tmp_path):
    root = tmp_path / "clients"
    root.mkdir()
    shutil.copy(SAMPLES[2], root)
    assert invoke("batch", root, "-o", tmp_path / "a", "--format", "json").exit_code == 0
    failing = invoke("batch", root, "-o", tmp_path / "b", "--format", "json", "--fail-on", "high")
    assert failing.exit_code == 1
    assert "--fail-on high: 1 office(s) with findings at or above high: Meridian Bank / " in failing.output
    result = invoke("batch", tmp_path / "nowhere", "-o", tmp_path / "c")
    assert result.exit_code == 2 and "not found" in result.output and "Traceback" not in result.output
    result = invoke("batch", root, "-o", tmp_path / "d", "--format", "pdf")
    assert result.exit_code == 2 and "expected a comma-separated list of xlsx, html, json" in result.output


def test_save_keeps_every_office_in_the_store(tmp_path):
    root = tmp_path / "clients"
    root.mkdir()
    for path in SAMPLES[1:]:
        shutil.copy(path, root)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    result = invoke("batch", root, "-o", tmp_path / "out", "--format", "json", "--save", "--db", db, "-j", "2")
    assert result.exit_code == 0, result.output
    assert "3 saved to the store, 0 already there" in result.stderr
    again = invoke("batch", root, "-o", tmp_path / "out", "--format", "json", "--save", "--db", db, "--force")
    assert "0 saved to the store, 3 already there" in again.stderr
    listed = invoke("history", "--db", db)
    assert all(name in listed.stdout for name in ("Harbour City Council", "Meridian Bank", "Northwind Energy"))


def test_a_folder_of_several_organisations_is_named_after_it_and_never_saved_as_one_of_them(tmp_path):
    """--by-folder --save on a folder holding Meridian's and Harbour City's workbooks: the merged office was
    saved as another Meridian Bank assessment of the same date (its history jumping between two offices'
    levels), and its report and portfolio row said "Meridian Bank"."""
    root = tmp_path / "clients"
    for folder, samples in (("emea", ("meridian-bank.xlsx", "harbour-city-council.xlsx")),
                            ("apac", ("atlas-rail.xlsx",))):
        (root / folder).mkdir(parents=True)
        for name in samples:
            shutil.copy(REPO / "samples" / name, root / folder)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert invoke("batch", root, "-o", tmp_path / "each", "--format", "json", "--save", "--db", db).exit_code == 0
    before = {org: invoke("history", org, "-o", "-", "--db", db).stdout
              for org in ("Meridian Bank", "Harbour City Council", "Atlas Rail Infrastructure")}

    out = tmp_path / "out"
    result = invoke("batch", root, "-o", out, "--by-folder", "--format", "xlsx,html,json", "--save", "--db", db)
    assert result.exit_code == 2, result.output                         # asked to save, and one office was not
    emea = root / "emea"
    assert (f"not saved: emea: its workbooks name 2 organisations ('Meridian Bank': {emea / 'meridian-bank.xlsx'}; "
            f"'Harbour City Council': {emea / 'harbour-city-council.xlsx'}), and the store keeps each organisation's "
            "own history") in result.stderr
    assert "run the batch without --by-folder" in result.stderr
    assert ("batch: 2 office(s) from 3 file(s), 0 failed" in result.stderr
            and "0 saved to the store, 1 already there, 1 not saved (workbooks of several organisations)" in result.stderr)
    # the store is as it was: no client's history gained the merged office, and no "emea" office appeared
    assert {org: invoke("history", org, "-o", "-", "--db", db).stdout for org in before} == before
    assert "emea" not in invoke("history", "--db", db).stdout
    assert invoke("history", "emea", "--db", db).exit_code == 2
    # its reports and its portfolio row name the folder, not the first organisation
    report = json.loads((out / "emea.json").read_text())
    assert report["organisation"]["organisation"] == "emea" and report["organisation"]["pmo_name"] is None
    assert len(report["respondents"]) == 2
    assert "<h1>PMO assessment - emea</h1>" in (out / "emea.html").read_text()
    summary = openpyxl().load_workbook(out / "emea.xlsx")["Summary"]
    assert summary["A1"].value == "PMO assessment: emea"
    rows = {o["report"]: o for o in json.loads((out / "portfolio.json").read_text())["offices"]}
    assert (rows["emea"]["organisation"], rows["emea"]["pmo_name"]) == ("emea", "")
    assert rows["apac"]["organisation"] == "Atlas Rail Infrastructure"            # one organisation: as before
    offices = openpyxl().load_workbook(out / "portfolio.xlsx")["Offices"]
    assert [c.value for c in offices[2]][:2] == ["Atlas Rail Infrastructure", "Capital Delivery P3O"]
    assert [c.value for c in offices[3]][:2] == ["emea", None]
    # without --save nothing is refused: the folder was asked to be one office
    plain = invoke("batch", root, "-o", tmp_path / "plain", "--by-folder", "--format", "json")
    assert plain.exit_code == 0 and "not saved" not in plain.stderr, plain.output


def test_a_folder_of_one_organisation_spelled_two_ways_is_saved_as_that_organisation(tmp_path, make_workbook):
    root = tmp_path / "clients"
    (root / "acme").mkdir(parents=True)
    make_workbook(root / "acme", [_profile(Organisation="Acme Ltd", Respondent="Ann")], name="a.xlsx")
    make_workbook(root / "acme", [_profile(Organisation="ACME LTD.", Respondent="Bob")], name="b.xlsx")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    result = invoke("batch", root, "-o", tmp_path / "out", "--by-folder", "--format", "json", "--save", "--db", db)
    assert result.exit_code == 0 and "1 saved to the store" in result.stderr, result.output
    history = json.loads(invoke("history", "Acme Ltd", "-o", "-", "--db", db).stdout)
    assert len(history["assessments"]) == 1
    assert json.loads((tmp_path / "out" / "acme.json").read_text())["organisation"]["organisation"] == "Acme Ltd"


def test_hostile_names_make_safe_file_names_and_inert_cells(tmp_path):
    root = tmp_path / "clients"
    root.mkdir()
    clone_workbook(SAMPLES[2], root / "a.xlsx", '=HYPERLINK("http://x")/../../etc\u202e<b>')
    clone_workbook(SAMPLES[2], root / "b.xlsx", "CON")
    result = invoke("batch", root, "-o", tmp_path / "out", "--format", "json")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert all(set(n) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-_") for n in names)
    assert "CON - Enterprise Portfolio Office.json" in names   # only a bare device name is reserved
    sheet = openpyxl().load_workbook(tmp_path / "out" / "portfolio.xlsx")["Offices"]
    cell = next(sheet.cell(row=r, column=1) for r in (2, 3) if "HYPERLINK" in sheet.cell(row=r, column=1).value)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK") and cell.quotePrefix



def test_file_names_keep_the_clients_own_script_and_nothing_unsafe(tmp_path):
    root = tmp_path / "clients"
    root.mkdir()
    for i, name in enumerate(["Ørsted", "日本郵船", "Société Générale", "Москва\u202egpj.exe", "Acme\x1b[31m"]):
        clone_workbook(SAMPLES[2], root / f"{i}.xlsx", name)
    result = invoke("batch", root, "-o", tmp_path / "out", "--format", "json")
    assert result.exit_code == 0, result.output
    names = sorted(p.stem for p in (tmp_path / "out").iterdir() if p.stem != "portfolio")
    assert names == ["Acme 31m - Enterprise Portfolio Office", "Société Générale - Enterprise Portfolio Office",
                     "Ørsted - Enterprise Portfolio Office", "Москва gpj.exe - Enterprise Portfolio Office",
                     "日本郵船 - Enterprise Portfolio Office"]


def test_a_stem_is_short_in_bytes_and_unique_whatever_the_case():
    from assessor.portfolio.names import unique_stems

    for text in ("日" * 150, "𠀀𠀀 -" * 30, "a -" * 40, "\u0301" + "日" * 80):
        name, = unique_stems([text])
        assert len(name) <= 80 and len(name.encode("utf-8")) <= 200, name
    assert unique_stems(["Straße / PMO", "STRASSE / PMO", "straße / pmo"]) == [
        "Straße - PMO", "STRASSE - PMO-2", "straße - pmo-3"]
    # Windows compares names by upper case: Turkish dotless ı is I there
    assert unique_stems(["Yıldız Holding / PMO", "YILDIZ HOLDING / PMO", "Portfolıo"]) == [
        "Yıldız Holding - PMO", "YILDIZ HOLDING - PMO-2", "Portfolıo office"]
    assert unique_stems(["\u3164", "Acme\u1160 / PMO"]) == ["office", "Acme - PMO"]   # nothing invisible
    # a numbered name stays within the limits; two long names that differ at the end stay apart
    long = "Department for Transport and Infrastructure of the Greater Metropolitan Area"
    names = unique_stems([f"{long} / Northern Region PMO", f"{long} / Southern Region PMO", "日" * 150, "日" * 150])
    assert len(set(names)) == 4 and "Northern" in names[0] and "Southern" in names[1], names
    assert all(len(n) <= 80 and len(n.encode("utf-8")) <= 200 for n in names), names
    assert names[3].endswith("-2")
    # Windows reads "nul.txt" as the device NUL as well
    assert unique_stems(["nul.txt / PMO", "CON"]) == ["nul office.txt - PMO", "CON office"]


def test_the_portfolio_lists_offices_in_dictionary_order():
    from assessor.portfolio.names import sort_key

    assert sorted(["Zurich - PMO", "Électricité - PMO", "apple - PMO", "Banana - PMO"], key=sort_key) == [
        "apple - PMO", "Banana - PMO", "Électricité - PMO", "Zurich - PMO"]


def _pmo_assess() -> list[str]:
    return [sys.executable, "-m", "assessor"]


def test_the_progress_bar_shows_on_a_terminal_only(tmp_path):
    import pty

    root = tmp_path / "clients"
    root.mkdir()
    for path in SAMPLES:
        shutil.copy(path, root)
    piped = subprocess.run(_pmo_assess() + ["batch", str(root), "-o", str(tmp_path / "a"), "--format", "json"],
                           capture_output=True, text=True, cwd=REPO)
    assert "assessing" not in piped.stderr and "\r" not in piped.stderr
    leader, follower = pty.openpty()
    shown = subprocess.run(_pmo_assess() + ["batch", str(root), "-o", str(tmp_path / "b"), "--format", "json"],
                           stdout=subprocess.PIPE, stderr=follower, cwd=REPO)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert shown.returncode == 0 and "assessing" in text and "office" in text and "batch: 4 office(s)" in text
    quiet = subprocess.run(_pmo_assess() + ["batch", str(root), "-o", str(tmp_path / "c"), "--format", "json", "--quiet"],
                           capture_output=True, text=True, cwd=REPO)
    assert "assessing" not in quiet.stderr


@pytest.mark.parametrize("jobs, formats", [("2", "xlsx"), ("1", "xlsx,html,json")])
def test_ctrl_c_keeps_the_finished_reports_and_leaves_no_partial_file(tmp_path, jobs, formats):
    """Every office is kept whole (all its formats) or not at all, and the message counts what is kept
    (the workers finish the offices they had after the parent stopped counting)."""
    import re

    root = tmp_path / "clients"
    root.mkdir()
    for i in range(120):
        clone_workbook(SAMPLES[(i % 3) + 1], root / f"client-{i:03d}.xlsx", f"Client {i:03d}")
    out = tmp_path / "out"
    proc = subprocess.Popen(_pmo_assess() + ["batch", str(root), "-o", str(out), "-j", jobs, "--format", formats],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("Client*.xlsx"))) < 5:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)                          # Ctrl-C reaches the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert b"interrupted:" in err and b"no portfolio written" in err and b"Traceback" not in err
    kept = sorted(out.iterdir())
    offices = {p.stem for p in kept}
    assert 5 <= len(offices) < 120 and not (out / "portfolio.xlsx").exists()
    assert all(not p.name.startswith(".") for p in kept)         # no temporary left behind
    assert len(kept) == len(offices) * len(formats.split(","))   # no office with only some of its reports
    said = re.search(rb"interrupted: (\d+) office report\(s\) kept", err)
    assert said and int(said.group(1)) == len(offices), err.decode()
    for report in out.glob("*.xlsx"):
        openpyxl().load_workbook(report, read_only=True).close()  # every file kept is a whole workbook


def _doubled(n: int) -> int:   # (a worker's job: importable, so that a forked worker can run it)
    return 2 * n


def test_a_result_the_caller_just_got_when_ctrl_c_comes_is_still_among_the_finished():
    """The message once said 8 reports kept with 9 on disk: the result handed over as the Ctrl-C came
    was neither counted by the caller nor among what the workers finished."""
    from assessor.portfolio.records import Options
    from assessor.portfolio.workers import Workers

    workers = Workers(Options(), 2)
    try:
        results = workers.each(_doubled, [1, 2, 3, 4], lambda item: None)
        first = next(results)     # handed over; the Ctrl-C comes before the caller keeps it
        workers.stop()
        assert first in workers.finished()
    finally:
        workers.stop()


def test_each_failed_line_names_its_own_file(tmp_path):
    """An office's error may quote several files: each failed file still gets its own line."""
    root = tmp_path / "clients"
    root.mkdir()
    shutil.copy(SAMPLES[1], root / "dana.xlsx")
    shutil.copy(SAMPLES[1], root / "dana-copy.xlsx")   # the same respondent twice
    result = invoke("batch", root, "-o", tmp_path / "out", "--format", "json", "-j", "1", "--quiet")
    assert result.exit_code == 2, result.output
    failed = sorted(line for line in result.stderr.splitlines() if line.startswith("failed: "))
    assert [line.split(": ")[1] for line in failed] == [str(root / "dana-copy.xlsx"), str(root / "dana.xlsx")]
    assert all("the same workbook is given twice" in line for line in failed)


def test_a_worker_that_dies_fails_only_its_file_and_the_batch_goes_on(tmp_path):
    """A file that kills its worker (here: os._exit, as the OOM killer would) is the one listed as
    failed; the batch neither hangs nor loses the other offices."""
    root = tmp_path / "clients"
    root.mkdir()
    for i, source in enumerate(SAMPLES[1:] + CALIBRATION[:3]):
        shutil.copy(source, root / f"client-{i}.xlsx")
    shutil.copy(SAMPLES[1], root / "killer.xlsx")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import os\n"
        "import assessor.questionnaire.reader as reader\n"
        "_read = reader.read_response\n"
        "def read_response(path, bank):\n"
        "    if str(path).endswith('killer.xlsx'):\n"
        "        os._exit(9)\n"
        "    return _read(path, bank)\n"
        "reader.read_response = read_response\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), str(REPO)])}
    done = subprocess.run(_pmo_assess() + ["batch", str(root), "-o", str(tmp_path / "out"), "-j", "2",
                                           "--format", "json"], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=120)
    assert done.returncode == 2, done.stderr
    failed = [line for line in done.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 1 and "killer.xlsx" in failed[0] and "worker process stopped" in failed[0]
    assert "6 office(s) from 7 file(s), 1 failed" in done.stderr
    assert len(list((tmp_path / "out").glob("*.json"))) == 7            # six offices and portfolio.json


def test_no_report_goes_into_the_tools_own_folders_or_over_an_input(tmp_path):
    root = tmp_path / "clients"
    root.mkdir()
    shutil.copy(SAMPLES[2], root)
    inside = REPO / "rules" / "batch-out"
    result = invoke("batch", root, "-o", inside)
    assert result.exit_code == 2 and "refusing to write into" in result.output and not inside.exists()
    out = tmp_path / "out"
    out.mkdir()
    victim = out / "Meridian Bank - Enterprise Portfolio Office.json"
    shutil.copy(SAMPLES[2], victim)          # an input given by name, where its office's report would go
    before = victim.read_bytes()
    result = invoke("batch", root, victim, "-o", out, "--format", "json", "--force")
    assert result.exit_code == 2 and "the output folder holds input workbooks" in result.output
    assert victim.read_bytes() == before
    linked = tmp_path / "elsewhere"
    linked.mkdir()
    victim.rename(linked / victim.name)       # the report's name is a link to an input in another folder
    victim.symlink_to(linked / victim.name)
    result = invoke("batch", root, linked / victim.name, "-o", out, "--format", "json", "--force")
    assert result.exit_code == 2 and "refusing to write over an input file" in result.output
    assert (linked / victim.name).read_bytes() == before
