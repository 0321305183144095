"""`assess --plan earlier.xlsx`: the Owner, Due and Status a client typed into an earlier report's
Findings sheet come forward for the findings that persist; resolved ones are listed as resolved; a plan
that is not a report of this office is refused with its cell, and the plan file is never touched."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from assessor.xlsx import openpyxl
from tests.cli_helpers import invoke, ok
from tests.test_store import MERIDIAN, REPO, september

SCHEMA = REPO / "schemas" / "assessment.schema.json"


def _user_error(result, *phrases):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in result.output, result.output


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> Path:
    """November's report of Meridian Bank."""
    out = tmp_path_factory.mktemp("plan") / "november.xlsx"
    ok(invoke("assess", MERIDIAN, "-o", out))
    return out


def _typed(earlier: Path, folder: Path, rows: dict, name="plan.xlsx", header: dict | None = None) -> Path:
    """The earlier report as the client left it: ``rows`` maps a row number to {column letter: value}."""
    wb = openpyxl().load_workbook(earlier)
    ws = wb["Findings"]
    for col, value in (header or {}).items():
        ws[f"{col}1"] = value
    for row, values in rows.items():
        for col, value in values.items():
            ws[f"{col}{row}"] = value
    out = folder / name
    wb.save(out)
    return out


def _ids(path: Path) -> dict[str, int]:
    ws = openpyxl().load_workbook(path)["Findings"]
    return {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value}


@pytest.fixture(scope="module")
def later(tmp_path_factory) -> Path:
    return september(tmp_path_factory.mktemp("later"))


def test_owner_due_and_status_come_forward_for_persisting_findings(earlier, later, tmp_path):
    ids = _ids(earlier)
    spof = ids["COV-SPOF:Dana Whitfield"]
    load = ids["COV-A-LOAD:Dana Whitfield"]
    plan = _typed(earlier, tmp_path, {spof: {"I": "Priya Nair", "J": dt.datetime(2027, 3, 31), "K": "In progress"},
                                      load: {"I": "Dana Whitfield", "J": "30/06/2027", "K": "Done"}})
    before = hashlib.sha256(plan.read_bytes()).hexdigest()
    out = tmp_path / "may.xlsx"
    result = ok(invoke("assess", later, "--plan", plan, "-o", out))
    assert "7 persisting finding(s) carried forward, 0 resolved, 0 new" in result.stderr
    ws = openpyxl().load_workbook(out)["Findings"]
    now = _ids(out)
    row = [c.value for c in ws[now["COV-SPOF:Dana Whitfield"]]]
    assert row[8:] == ["Priya Nair", dt.datetime(2027, 3, 31), "In progress"]
    reopened = ws.cell(row=now["COV-A-LOAD:Dana Whitfield"], column=11)
    assert reopened.value == "Open" and "still found" in reopened.comment.text   # Done, but not done
    assert ws.cell(row=now["COV-A-LOAD:Dana Whitfield"], column=10).value == dt.datetime(2027, 6, 30)
    assert hashlib.sha256(plan.read_bytes()).hexdigest() == before                 # the plan is only read


def test_a_finding_marked_done_but_still_found_comes_back_open_in_every_format(earlier, later, tmp_path):
    ids = _ids(earlier)
    load, spof = ids["COV-A-LOAD:Dana Whitfield"], ids["COV-SPOF:Dana Whitfield"]
    plan = _typed(earlier, tmp_path, {load: {"I": "Dana Whitfield", "K": "Done"}, spof: {"K": None}})
    ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.json"))
    carried = {p["id"]: p for p in json.loads((tmp_path / "may.json").read_text())["plan"]["persisting"]}
    assert carried["COV-A-LOAD:Dana Whitfield"]["status"] == "Open"          # as the README says
    assert carried["COV-A-LOAD:Dana Whitfield"]["reopened"] is True
    assert carried["COV-SPOF:Dana Whitfield"]["status"] == "Open"            # cleared: Open, as Excel shows it
    ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.xlsx"))
    ws = openpyxl().load_workbook(tmp_path / "may.xlsx")["Findings"]
    status = ws.cell(row=_ids(tmp_path / "may.xlsx")["COV-A-LOAD:Dana Whitfield"], column=11)
    assert status.value == "Open" and "Marked Done in plan.xlsx" in status.comment.text
    ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.html"))
    page = (tmp_path / "may.html").read_text()
    assert "<td>Open <span class=\"muted\">(reopened: marked Done in plan.xlsx, still found)</span></td>" in page
    console = ok(invoke("assess", later, "--plan", plan)).stdout
    assert ("COV-A-LOAD:Dana Whitfield: Dana Whitfield, due -, Open (reopened: marked Done in plan.xlsx, "
            "still found)") in console


def test_resolved_findings_are_listed_as_resolved_and_new_ones_as_new(earlier, later, tmp_path):
    ids = _ids(earlier)
    gone = ids["COV-OVERLOAD:Ruth Adeyemi"]
    # the client's plan names a finding this assessment no longer raises, and lacks one it does
    plan = _typed(earlier, tmp_path, {gone: {"A": "COV-OVERLOAD:Sam Okafor", "E": "Sam Okafor holds 3 role(s)",
                                             "I": "Sam Okafor", "K": "In progress"}})
    out = tmp_path / "may.json"
    ok(invoke("assess", later, "--plan", plan, "-o", out))
    report = json.loads(out.read_text())
    carried = report["plan"]
    assert [r["id"] for r in carried["resolved"]] == ["COV-OVERLOAD:Sam Okafor"]
    assert carried["resolved"][0]["owner"] == "Sam Okafor" and carried["resolved"][0]["was"] == f"Findings!A{gone}"
    assert carried["new"] == ["COV-OVERLOAD:Ruth Adeyemi"]
    assert carried["source"] == "plan.xlsx" and carried["assessment_date"] == "2026-11-03"
    import jsonschema
    jsonschema.validate(report, json.loads(SCHEMA.read_text()))
    ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.xlsx"))
    resolved = openpyxl().load_workbook(tmp_path / "may.xlsx")["Resolved"]
    assert [c.value for c in resolved[3]][:4] == ["COV-OVERLOAD:Sam Okafor", "medium", "Sam Okafor holds 3 role(s)",
                                                   "Sam Okafor"]
    ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.html"))
    page = (tmp_path / "may.html").read_text()
    assert "Remediation plan" in page and "resolved (was In progress)" in page
    console = ok(invoke("assess", later, "--plan", plan))
    assert "Remediation plan from plan.xlsx: 6 persisting, 1 resolved, 1 new" in console.stdout


def test_a_resolved_grouped_finding_keeps_its_whole_message_and_its_details_apart(tmp_path):
    # three respondents disagree (DQ-03, DQ-06: grouped findings, DQ-06's Message cell over 1,000
    # characters); the next assessment has one respondent, so both are resolved
    three = [MERIDIAN] + sorted((REPO / "samples" / "more-respondents").glob("meridian-bank-*.xlsx"))
    ok(invoke("assess", *three, "-o", tmp_path / "november.xlsx"))
    ok(invoke("assess", *three, "-o", tmp_path / "november.json"))
    before = {f["id"]: f for f in json.loads((tmp_path / "november.json").read_text())["findings"]}
    cells = {r[0].value: r[4].value for r in openpyxl().load_workbook(tmp_path / "november.xlsx")["Findings"].iter_rows(
        min_row=2) if r[0].value}
    assert len(cells["DQ-06"]) > 1000

    ok(invoke("assess", MERIDIAN, "--plan", tmp_path / "november.xlsx", "-o", tmp_path / "may.json"))
    resolved = {r["id"]: r for r in json.loads((tmp_path / "may.json").read_text())["plan"]["resolved"]}
    for finding in ("DQ-03", "DQ-06"):
        assert resolved[finding]["message"] == before[finding]["message"]
        assert resolved[finding]["details"] == [d["message"] for d in before[finding]["details"]]
    ok(invoke("assess", MERIDIAN, "--plan", tmp_path / "november.xlsx", "-o", tmp_path / "may.xlsx"))
    sheet = openpyxl().load_workbook(tmp_path / "may.xlsx")["Resolved"]
    shown = {r[0].value: r[2].value for r in sheet.iter_rows(min_row=3)}
    assert shown["DQ-06"] == cells["DQ-06"] and shown["DQ-03"] == cells["DQ-03"]    # as the earlier report had it
    console = ok(invoke("assess", MERIDIAN, "--plan", tmp_path / "november.xlsx")).stdout
    assert ("  resolved: Respondents are two or more levels apart on 3 questions: FN-03, FN-04, PB-03 (the median is "
            "used).\n    - Respondents disagree on FN-03: answers range from 2 to 4 (median 4 used).\n") in console
    ok(invoke("assess", MERIDIAN, "--plan", tmp_path / "november.xlsx", "-o", tmp_path / "may.html"))
    assert ("<li>Respondents disagree on FN-03: answers range from 2 to 4 (median 4 used).</li>"
            in (tmp_path / "may.html").read_text())


def test_a_message_longer_than_a_cell_holds_is_shortened_at_a_word(earlier, later, tmp_path):
    # Excel holds 32,767 characters a cell, and the Resolved sheet writes the message back into one
    # (openpyxl would cut it there mid-word); only a hand-made file holds more, so this one is patched
    import zipfile

    row = _ids(earlier)["COV-OVERLOAD:Ruth Adeyemi"]
    typed = _typed(earlier, tmp_path, {row: {"A": "COV-GONE:Someone", "E": "LONG-MESSAGE"}}, name="typed.xlsx")
    plan = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(typed) as source, zipfile.ZipFile(plan, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if b"LONG-MESSAGE" in data:
                data = data.replace(b"LONG-MESSAGE", b"overloaded " * 4000)
            target.writestr(item, data)
    ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.xlsx"))
    message = openpyxl().load_workbook(tmp_path / "may.xlsx")["Resolved"]["C3"].value
    assert len(message) <= 32_767 and message.endswith("overloaded…")


def test_without_a_plan_the_report_is_as_before(earlier, tmp_path):
    ok(invoke("assess", MERIDIAN, "-o", tmp_path / "r.json"))
    assert "plan" not in json.loads((tmp_path / "r.json").read_text())


def test_hostile_owners_stay_text(earlier, later, tmp_path):
    ids = _ids(earlier)
    spof, load = ids["COV-SPOF:Dana Whitfield"], ids["COV-A-LOAD:Dana Whitfield"]
    plan = _typed(earlier, tmp_path, {spof: {"I": "<script>alert(1)</script>\u202e",
                                             "K": "<img src=x onerror=alert(2)>"},
                                      load: {"I": "@SUM(1+1)"}})
    ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.xlsx"))
    ws = openpyxl().load_workbook(tmp_path / "may.xlsx")["Findings"]
    now = _ids(tmp_path / "may.xlsx")
    owner = ws.cell(row=now["COV-A-LOAD:Dana Whitfield"], column=9)
    assert owner.value == "@SUM(1+1)" and owner.data_type == "s" and owner.quotePrefix
    status = ws.cell(row=now["COV-SPOF:Dana Whitfield"], column=11)   # not a status: kept as text, with a note
    assert status.value == "<img src=x onerror=alert(2)>" and status.data_type == "s"
    assert "'<img src=x onerror=alert(2)>'" in status.comment.text
    ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.html"))
    page = (tmp_path / "may.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page and "\u202e" not in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    console = ok(invoke("assess", later, "--plan", plan))
    assert "\u202e" not in console.stdout


def test_a_status_the_plan_does_not_offer_and_a_due_that_is_no_date_are_warnings_naming_the_cell(earlier, later,
                                                                                                  tmp_path):
    ids = _ids(earlier)
    spof, load = ids["COV-SPOF:Dana Whitfield"], ids["COV-A-LOAD:Dana Whitfield"]
    plan = _typed(earlier, tmp_path, {spof: {"I": "Priya Nair", "J": "not a date", "K": "Finished"},
                                      load: {"J": "end of Q2", "K": "Done"}})
    result = ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.json"))
    assert (f"plan.xlsx: Findings!K{spof}: warning: Status of COV-SPOF:Dana Whitfield is not one of the plan's "
            "statuses, so it is not carried forward (found 'Finished'; expected Open, In progress, Done, Accepted "
            "risk or Not applicable, as the Status dropdown offers)") in result.stderr
    assert (f"plan.xlsx: Findings!J{spof}: warning: Due of COV-SPOF:Dana Whitfield is not a date, so it is not "
            "carried forward (found 'not a date'; expected a date such as 2027-03-31 or 31/03/2027)") in result.stderr
    assert f"Findings!J{load}: warning: Due of COV-A-LOAD:Dana Whitfield is not a date" in result.stderr
    report = json.loads((tmp_path / "may.json").read_text())
    import jsonschema
    jsonschema.validate(report, json.loads(SCHEMA.read_text()))
    carried = {p["id"]: p for p in report["plan"]["persisting"]}
    spof_plan = carried["COV-SPOF:Dana Whitfield"]
    assert (spof_plan["owner"], spof_plan["due"], spof_plan["status"]) == ("Priya Nair", None, "Open")
    assert [n["column"] for n in spof_plan["notes"]] == ["Due", "Status"]
    assert f"'not a date' in Findings!J{spof}" in spof_plan["notes"][0]["text"]
    assert f"'Finished' in Findings!K{spof}" in spof_plan["notes"][1]["text"]
    assert carried["COV-A-LOAD:Dana Whitfield"]["due"] is None                  # never text in the date

    ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.xlsx"))
    ws = openpyxl().load_workbook(tmp_path / "may.xlsx")["Findings"]
    row = _ids(tmp_path / "may.xlsx")["COV-A-LOAD:Dana Whitfield"]
    due = ws.cell(row=row, column=10)
    assert due.value == "end of Q2" and due.data_type == "s" and "'end of Q2'" in due.comment.text  # kept, as text
    status = ws.cell(row=_ids(tmp_path / "may.xlsx")["COV-SPOF:Dana Whitfield"], column=11)
    assert status.value == "Finished" and "'Finished'" in status.comment.text
    ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.html"))
    assert "Status typed as &#x27;Finished&#x27;" in (tmp_path / "may.html").read_text()
    console = ok(invoke("assess", later, "--plan", plan)).stdout
    assert (f"note: Due typed as 'end of Q2' in Findings!J{load} is not a date, so it is not carried as a date."
            in console)
    # and the next cycle still has it: what the client typed is never lost from the working document
    again = ok(invoke("assess", later, "--plan", tmp_path / "may.xlsx", "-o", tmp_path / "june.xlsx"))
    assert "Due of COV-A-LOAD:Dana Whitfield is not a date" in again.stderr
    ws = openpyxl().load_workbook(tmp_path / "june.xlsx")["Findings"]
    now = _ids(tmp_path / "june.xlsx")
    assert ws.cell(row=now["COV-A-LOAD:Dana Whitfield"], column=10).value == "end of Q2"
    assert ws.cell(row=now["COV-SPOF:Dana Whitfield"], column=11).value == "Finished"
    assert ws.cell(row=now["COV-SPOF:Dana Whitfield"], column=9).value == "Priya Nair"


def test_dates_typed_day_first_or_iso_and_statuses_in_any_case_are_read(earlier, later, tmp_path):
    ids = _ids(earlier)
    spof, load, overload = (ids[k] for k in ("COV-SPOF:Dana Whitfield", "COV-A-LOAD:Dana Whitfield",
                                             "COV-OVERLOAD:Ruth Adeyemi"))
    plan = _typed(earlier, tmp_path, {spof: {"J": "30/09/2026", "K": "  in   PROGRESS "},
                                      load: {"J": "2026-07-31", "K": "done"},
                                      overload: {"J": "03/04/2026", "K": "accepted risk"}})
    result = ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.json"))
    assert f"Findings!J{spof}" not in result.stderr and f"Findings!K{spof}" not in result.stderr
    assert (f"Findings!J{overload}: warning: Due of COV-OVERLOAD:Ruth Adeyemi read as 3 April 2026 (day first; "
            "type 2026-03-04 instead if 4 March 2026 was meant) (found '03/04/2026')") in result.stderr
    plan_section = json.loads((tmp_path / "may.json").read_text())["plan"]
    carried = {p["id"]: p for p in plan_section["persisting"] + plan_section["resolved"]}
    assert [(carried[k]["due"], carried[k]["status"]) for k in
            ("COV-SPOF:Dana Whitfield", "COV-A-LOAD:Dana Whitfield", "COV-OVERLOAD:Ruth Adeyemi")] == [
        ("2026-09-30", "In progress"), ("2026-07-31", "Open"), ("2026-04-03", "Accepted risk")]
    assert carried["COV-A-LOAD:Dana Whitfield"]["reopened"]                      # "done" is Done
    assert "read as 3 April 2026" in carried["COV-OVERLOAD:Ruth Adeyemi"]["notes"][0]["text"]
    ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.xlsx"))
    ws = openpyxl().load_workbook(tmp_path / "may.xlsx")["Findings"]
    row = _ids(tmp_path / "may.xlsx")["COV-SPOF:Dana Whitfield"]
    assert [c.value for c in ws[row]][9:] == [dt.datetime(2026, 9, 30), "In progress"]


def test_a_plan_from_another_office_is_refused(earlier, tmp_path):
    other = REPO / "samples" / "atlas-rail.xlsx"
    _user_error(invoke("assess", other, "--plan", earlier, "-o", tmp_path / "r.xlsx"),
                "Summary!A1", "another office", "Meridian Bank", "Atlas Rail")
    assert not (tmp_path / "r.xlsx").exists()


def test_a_findings_sheet_on_its_own_is_carried_with_a_warning_that_its_office_is_unknown(earlier, tmp_path):
    """Another office's Findings sheet copied into a workbook of its own was carried silently onto this one."""
    wb = openpyxl().load_workbook(earlier)
    for name in wb.sheetnames:
        if name != "Findings":
            del wb[name]
    plan = tmp_path / "findings-only.xlsx"
    wb.save(plan)
    result = ok(invoke("assess", REPO / "samples" / "northwind-energy.xlsx", "--plan", plan, "-o", tmp_path / "r.json"))
    assert "warning: the plan does not say which office it is of" in result.stderr
    assert "carried by finding id only" in result.stderr


def test_a_renamed_clients_earlier_report_is_its_plan_once_the_store_knows_the_alias(earlier, tmp_path):
    from tests.builders import clone_workbook

    db = f"sqlite:///{tmp_path / 'store.db'}"
    ok(invoke("assess", MERIDIAN, "--save", "--db", db, "--format", "json"))
    renamed = clone_workbook(MERIDIAN, tmp_path / "group.xlsx", "Meridian Group")
    _user_error(invoke("assess", renamed, "--plan", earlier, "--save", "--db", db, "-o", tmp_path / "r.json"),
                "another office")
    ok(invoke("alias", "Meridian Group", "Meridian Bank", "--db", db))
    result = ok(invoke("assess", renamed, "--plan", earlier, "--save", "--db", db, "-o", tmp_path / "r.json"))
    assert "persisting finding(s) carried forward" in result.stderr
    _user_error(invoke("assess", renamed, "--plan", earlier, "-o", tmp_path / "s.json"), "another office")  # no store named


def test_a_plan_is_never_the_output(earlier, later, tmp_path):
    plan = _typed(earlier, tmp_path, {})
    before = plan.read_bytes()
    _user_error(invoke("assess", later, "--plan", plan, "-o", plan, "--force"), "input file")
    assert plan.read_bytes() == before


@pytest.mark.parametrize("case, phrases", [
    ("missing", ["--plan: file not found"]),
    ("questionnaire", ["no Findings sheet", "pmo-assess assess -o report.xlsx"]),
    ("not a workbook", ["not-a-workbook.xlsx"]),
    ("no owner column", ["Findings!A1", "has no Owner column"]),
    ("formula", ["Findings!I", "a formula in the Owner column"]),
])
def test_a_plan_that_cannot_be_read_says_where(earlier, later, tmp_path, case, phrases):
    spof = _ids(earlier)["COV-SPOF:Dana Whitfield"]
    plan = {"missing": lambda: tmp_path / "nope.xlsx",
            "questionnaire": lambda: MERIDIAN,
            "not a workbook": lambda: REPO / "samples" / "broken" / "not-a-workbook.xlsx",
            "no owner column": lambda: _typed(earlier, tmp_path, {}, header={"I": "Who"}),
            "formula": lambda: _typed(earlier, tmp_path, {spof: {"I": "=A1"}})}[case]()
    result = invoke("assess", later, "--plan", plan, "-o", tmp_path / "r.xlsx")
    _user_error(result, *phrases)
    assert not (tmp_path / "r.xlsx").exists() and "nothing was assessed" in result.output


def test_a_finding_listed_twice_is_carried_once_with_a_warning(earlier, later, tmp_path):
    ids = _ids(earlier)
    first, second = ids["COV-SPOF:Dana Whitfield"], ids["COV-A-LOAD:Dana Whitfield"]
    plan = _typed(earlier, tmp_path, {first: {"I": "First"}, second: {"A": "COV-SPOF:Dana Whitfield", "I": "Second"}})
    result = ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "r.json"))
    assert f"Findings!A{second}: warning: finding COV-SPOF:Dana Whitfield is listed again" in result.stderr
    carried = {p["id"]: p for p in json.loads((tmp_path / "r.json").read_text())["plan"]["persisting"]}
    assert carried["COV-SPOF:Dana Whitfield"]["owner"] == "First"


def test_text_that_starts_with_an_equals_sign_is_no_formula(earlier, later, tmp_path):
    """A holder typed "=Dev Patel" made a finding's Message start with "=": the report writes it as quoted
    text, and the tool then refused its own report as a plan ("a formula in the Message column")."""
    ids = _ids(earlier)
    spof = ids["COV-SPOF:Dana Whitfield"]
    wb = openpyxl().load_workbook(earlier)
    ws = wb["Findings"]
    for col, text in (("E", "=Dana Whitfield is the only person"), ("I", "=Carol Jones")):
        cell = ws[f"{col}{spof}"]
        cell.value = text
        cell.data_type, cell.quotePrefix = "s", True   # as the report writes text that starts with "="
    plan = tmp_path / "quoted.xlsx"
    wb.save(plan)
    ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.xlsx"))
    now = openpyxl().load_workbook(tmp_path / "may.xlsx")["Findings"]
    owner = now.cell(row=_ids(tmp_path / "may.xlsx")["COV-SPOF:Dana Whitfield"], column=9)
    assert owner.value == "=Carol Jones" and owner.data_type == "s" and owner.quotePrefix


def test_a_year_typed_as_the_due_is_no_date(earlier, later, tmp_path):
    """2027 in the Due column was carried silently as 1905-07-19 (Excel's serial 2027)."""
    load = _ids(earlier)["COV-A-LOAD:Dana Whitfield"]
    plan = _typed(earlier, tmp_path, {load: {"J": 2027}})
    result = ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / "may.json"))
    assert f"Findings!J{load}: warning: Due of COV-A-LOAD:Dana Whitfield is not a date" in result.stderr
    carried = {p["id"]: p for p in json.loads((tmp_path / "may.json").read_text())["plan"]["persisting"]}
    assert carried["COV-A-LOAD:Dana Whitfield"]["due"] is None


def test_a_year_typed_as_the_due_stays_what_was_typed_cycle_after_cycle(earlier, later, tmp_path):
    """The year kept in the cell came back as the text '1905-07-19 00:00:00', which the next cycle read
    as a date, silently; a text date before 2000 was taken too."""
    load = _ids(earlier)["COV-A-LOAD:Dana Whitfield"]
    plan = _typed(earlier, tmp_path, {load: {"J": 2027}})
    for cycle in range(1, 4):
        out = tmp_path / f"cycle-{cycle}.xlsx"
        result = ok(invoke("assess", later, "--plan", plan, "-o", out))
        assert "Due of COV-A-LOAD:Dana Whitfield is not a date" in result.stderr, cycle
        row = _ids(out)["COV-A-LOAD:Dana Whitfield"]
        assert openpyxl().load_workbook(out)["Findings"][f"J{row}"].value == "2027", cycle
        plan = out
    typo = _typed(earlier, tmp_path, {load: {"J": dt.datetime(1926, 3, 31)}}, name="typo.xlsx")  # a date, mistyped
    result = ok(invoke("assess", later, "--plan", typo, "-o", tmp_path / "typo-next.xlsx"))
    assert "found '1926-03-31'" in result.stderr
    row = _ids(tmp_path / "typo-next.xlsx")["COV-A-LOAD:Dana Whitfield"]
    assert openpyxl().load_workbook(tmp_path / "typo-next.xlsx")["Findings"][f"J{row}"].value == "1926-03-31"
    text = _typed(earlier, tmp_path, {load: {"J": "1927-03-31"}}, name="text.xlsx")
    result = ok(invoke("assess", later, "--plan", text, "-o", tmp_path / "text.json"))
    assert "Due of COV-A-LOAD:Dana Whitfield is not a date" in result.stderr
    carried = {p["id"]: p for p in json.loads((tmp_path / "text.json").read_text())["plan"]["persisting"]}
    assert carried["COV-A-LOAD:Dana Whitfield"]["due"] is None


def test_two_owners_on_two_lines_stay_two_lines(earlier, later, tmp_path):
    """"Alice Smith" and "Bob Jones" on two lines of the Owner cell came back as one "Alice Smith Bob Jones"."""
    spof = _ids(earlier)["COV-SPOF:Dana Whitfield"]
    plan = _typed(earlier, tmp_path, {spof: {"I": "Alice  Smith\r\nBob Jones\n"}})
    for out in ("r.json", "r.xlsx"):
        ok(invoke("assess", later, "--plan", plan, "-o", tmp_path / out))
    carried = {p["id"]: p for p in json.loads((tmp_path / "r.json").read_text())["plan"]["persisting"]}
    assert carried["COV-SPOF:Dana Whitfield"]["owner"] == "Alice Smith\nBob Jones"
    row = _ids(tmp_path / "r.xlsx")["COV-SPOF:Dana Whitfield"]
    assert openpyxl().load_workbook(tmp_path / "r.xlsx")["Findings"][f"I{row}"].value == "Alice Smith\nBob Jones"
