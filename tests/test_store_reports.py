"""`history`, `compare` and `benchmark` written with -o as .xlsx, .html and .json: a trend chart (a line
per dimension over time), a percentile chart, the same numbers as the DataFrames, hostile names inert."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assessor import api, frames
from assessor.questionnaire import layout as L
from assessor.store import Store
from assessor.xlsx import openpyxl
from tests.cli_helpers import invoke, ok
from tests.test_store import CALIBRATION, MERIDIAN, SAMPLES, september

HOSTILE = '=HYPERLINK("http://evil.example","x")<img src=x onerror=alert(1)>\x9b2J\u202e'  # C1 CSI: a terminal control


def _rename(wb, name: str) -> None:
    profile = wb[L.PROFILE]
    row = next(r for r in range(2, profile.max_row + 1) if profile.cell(row=r, column=1).value == "Organisation")
    profile.cell(row=row, column=2).value = name


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    """Meridian assessed in November and May, a hostile-named office twice, and nine more offices."""
    folder = tmp_path_factory.mktemp("store")
    url = f"sqlite:///{folder / 'store.db'}"
    assessor = api.Assessor()
    later = september(folder)
    hostile = []
    for path, name in ((MERIDIAN, "hostile-1.xlsx"), (later, "hostile-2.xlsx")):
        wb = openpyxl().load_workbook(path)
        _rename(wb, HOSTILE)
        wb.save(folder / name)
        hostile.append(folder / name)
    with Store(url) as s:
        for path in [MERIDIAN, later, *hostile, *SAMPLES, *CALIBRATION]:
            s.save(assessor.assess([path]))
    return url


def _dims(url: str) -> list[str]:
    with Store(url) as s:
        return [d["name"] for d in api.history_document(s, "Meridian Bank")["dimensions"]]


def test_history_xlsx_has_a_line_per_dimension_over_time(store, tmp_path):
    out = tmp_path / "history.xlsx"
    ok(invoke("history", "--db", store, "Meridian Bank", "-o", out))
    wb = openpyxl().load_workbook(out)
    assert wb.sheetnames == ["History", "Scores"]
    chart = wb["History"]._charts[0]
    assert type(chart).__name__ == "LineChart" and len(chart.series) == len(_dims(store)) == 13
    scores = wb["Scores"]
    assert [scores.cell(row=r, column=1).value for r in (2, 3)] == ["2026-11-03", "2027-05-04"]
    with Store(store) as s:
        frame = frames.history(s, "Meridian Bank", "score")
    header = [c.value for c in scores[1]]
    reporting = header.index("Monitoring and reporting") + 1
    assert [scores.cell(row=r, column=reporting).value for r in (2, 3)] == list(frame["reporting"])
    assert frame["reporting"].iloc[1] > frame["reporting"].iloc[0]   # the answers went up in May


def test_history_html_draws_the_trend_offline(store, tmp_path):
    out = tmp_path / "history.html"
    ok(invoke("history", "--db", store, "Meridian Bank", "-o", out))
    page = out.read_text()
    assert "default-src 'none'" in page and "<script" not in page and not re.search(r"(src|href)=", page)
    assert page.count("<polyline") == 13 and "2027-05-04" in page
    assert all(name in page for name in _dims(store))


def test_history_json_lists_the_assessments_with_levels_and_scores(store, tmp_path):
    out = tmp_path / "history.json"
    ok(invoke("history", "--db", store, "Meridian Bank", "-o", out))
    doc = json.loads(out.read_text())
    assert doc["kind"] == "history" and [a["date"] for a in doc["assessments"]] == ["2026-11-03", "2027-05-04"]
    assert set(doc["assessments"][0]["dimensions"]["reporting"]) == {"level", "score"}
    again = tmp_path / "again.json"
    ok(invoke("history", "--db", store, "Meridian Bank", "-o", again))
    assert again.read_bytes() == out.read_bytes()


def test_compare_xlsx_and_html_show_what_moved(store, tmp_path):
    ok(invoke("compare", "--db", store, "1", "2", "-o", tmp_path / "c.xlsx"))
    wb = openpyxl().load_workbook(tmp_path / "c.xlsx")
    assert wb.sheetnames == ["Comparison", "Scores", "Findings", "Answers"]
    comparison = wb["Comparison"]
    rows = {comparison.cell(row=r, column=1).value: [c.value for c in comparison[r]] for r in range(1, 60)}
    assert rows["methodology"][2:5] == [3, 4, 1]                         # level before, after, change
    assert type(comparison._charts[0]).__name__ == "LineChart"
    findings = wb["Findings"]
    assert {findings.cell(row=r, column=2).value for r in range(2, findings.max_row + 1)} == {"persisting"}
    assert wb["Answers"].max_row > 1
    ok(invoke("compare", "--db", store, "1", "2", "-o", tmp_path / "c.html"))
    page = (tmp_path / "c.html").read_text()
    assert "What moved" in page and page.count("<polyline") == 13 and "+1" in page


def test_two_offices_are_side_by_side_in_every_format(store, tmp_path):
    """Meridian Bank (1) beside Atlas Rail (5): each format names both and none says new or resolved."""
    ok(invoke("compare", "--db", store, "1", "5", "-o", tmp_path / "c.xlsx"))
    wb = openpyxl().load_workbook(tmp_path / "c.xlsx")
    sheet = wb["Comparison"]
    assert sheet["A1"].value == ("Two offices side by side: A Meridian Bank / Enterprise Portfolio Office; "
                                 "B Atlas Rail Infrastructure / Capital Delivery P3O")
    labels = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(3, 20)}
    assert labels["Comparable"] == "no: two different offices, see the notes" and "Before" not in labels
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Id")
    assert header[2:5] == ("Level A", "Level B", "Level B - A")
    found = wb["Findings"]
    assert found["B1"].value == "Found" and found["D1"].value == "Severity A"
    assert {found.cell(row=r, column=2).value for r in range(2, found.max_row + 1)} <= {"only in A", "only in B", "in both"}
    ok(invoke("compare", "--db", store, "1", "5", "-o", tmp_path / "c.html"))
    page = (tmp_path / "c.html").read_text()
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert title == ("Two offices side by side - A Meridian Bank / Enterprise Portfolio Office; "
                     "B Atlas Rail Infrastructure / Capital Delivery P3O")
    assert "only in A" in page and "What moved" not in page
    assert not re.search(r">(new|resolved|persisting)<|\d+ new\b|Level before", page)
    text = ok(invoke("compare", "--db", store, "1", "5")).stdout
    assert "A: Meridian Bank" in text and "B: Atlas Rail" in text and " new, " not in text


def test_benchmark_xlsx_charts_percentiles_and_the_trend(store, tmp_path):
    out = tmp_path / "b.xlsx"
    ok(invoke("benchmark", "--db", store, "Meridian Bank", "-o", out))
    wb = openpyxl().load_workbook(out)
    assert wb.sheetnames == ["Benchmark", "History", "Scores"]
    sheet = wb["Benchmark"]
    assert type(sheet._charts[0]).__name__ == "BarChart"
    placement = api.benchmark("Meridian Bank", db=store)
    expected = frames.benchmark(placement)["percentile"].to_dict()
    written = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=5).value for r in range(1, sheet.max_row + 1)}
    assert {k: written[k] for k in expected} == expected
    assert placement["peers"]["size"] == 10 and type(wb["History"]._charts[0]).__name__ == "LineChart"


def test_benchmark_html_has_a_percentile_chart(store, tmp_path):
    out = tmp_path / "b.html"
    ok(invoke("benchmark", "--db", store, "Meridian Bank", "-o", out))
    page = out.read_text()
    assert "Percentile by dimension" in page and page.count("<rect") == 13 and "among 10 peer offices" in page
    assert re.search(r"\d+(st|nd|rd|th) percentile", page)


def test_hostile_names_stay_inert_in_every_format(store, tmp_path):
    office = "Meridian Bank / Enterprise Portfolio Office"
    with Store(store) as s:
        hostile = next(o for o in s.offices() if o.organisation.startswith("=HYPERLINK"))
    name = f"{hostile.organisation} / {hostile.name}"
    for suffix in ("html", "xlsx", "json"):
        ok(invoke("history", "--db", store, name, "-o", tmp_path / f"h.{suffix}"))
    page = (tmp_path / "h.html").read_text()
    assert "<img" not in page and "\x9b" not in page and "\u202e" not in page and "&lt;img" in page
    cell = openpyxl().load_workbook(tmp_path / "h.xlsx")["History"]["A1"]
    assert cell.data_type == "s" and "HYPERLINK" in cell.value and not str(cell.value).startswith("=")
    text = (tmp_path / "h.json").read_text()
    assert "\x9b" not in text and "\\u009b" in text
    table = invoke("history", "--db", store, name)
    assert table.exit_code == 0 and "\x9b" not in table.stdout and "\u202e" not in table.stdout
    assert office not in table.stdout
    # beside another office, the hostile name is in the titles and the warning
    for suffix in ("html", "xlsx"):
        ok(invoke("compare", "--db", store, "3", "1", "-o", tmp_path / f"c.{suffix}"))
    page = (tmp_path / "c.html").read_text()
    assert "<img" not in page and "\x9b" not in page and "\u202e" not in page and "&lt;img" in page
    cell = openpyxl().load_workbook(tmp_path / "c.xlsx")["Comparison"]["A1"]
    assert cell.data_type == "s" and "HYPERLINK" in cell.value and "Meridian Bank" in cell.value
    compared = invoke("compare", "--db", store, "3", "1")
    assert compared.exit_code == 0 and "comparing two different offices" in compared.stderr
    assert "\x9b" not in compared.output and "\u202e" not in compared.output


def test_bad_outputs_are_one_line_and_exit_2(store, tmp_path):
    result = invoke("history", "--db", store, "Meridian Bank", "-o", tmp_path / "h.txt")
    assert result.exit_code == 2 and "use .xlsx, .html or .json" in result.output and "Traceback" not in result.output
    result = invoke("history", "--db", store, "-o", tmp_path / "h.xlsx")
    assert result.exit_code == 2 and "name the ORGANISATION" in result.output
    (tmp_path / "taken.html").write_text("mine")
    result = invoke("benchmark", "--db", store, "Meridian Bank", "-o", tmp_path / "taken.html")
    assert result.exit_code == 2 and (tmp_path / "taken.html").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.html"]


def test_the_console_history_shows_the_frames_levels(store):
    result = ok(invoke("history", "--db", store, "Meridian Bank"))
    with Store(store) as s:
        frame = frames.history(s, "Meridian Bank")
    lines = result.stdout.splitlines()
    header = lines[1].split()
    for line, (_, row) in zip(lines[3:], frame.iterrows()):
        values = dict(zip(header, line.split()))
        assert values["methodology"] == str(row["methodology"]) and values["overall"] == str(row["overall"])


@pytest.mark.parametrize("kind", ["history", "comparison", "benchmark"])
def test_the_html_of_every_document_is_well_formed(store, kind):
    from html.parser import HTMLParser

    from assessor.reports.store_html import REPORTER

    with Store(store) as s:
        doc = {"history": lambda: api.history_document(s, "Meridian Bank"),
               "comparison": lambda: api.compare_sides(["1"], ["2"], store),
               "benchmark": lambda: api.benchmark("Meridian Bank", db=store)}[kind]()
    page = REPORTER.render(doc)
    opened = []

    class Balance(HTMLParser):
        VOID = {"meta", "br", "img", "line", "circle", "rect", "polyline", "input"}

        def handle_starttag(self, tag, attrs):
            if tag not in self.VOID:
                opened.append(tag)

        def handle_endtag(self, tag):
            if tag not in self.VOID:
                assert opened and opened.pop() == tag, (tag, opened[-3:])

    Balance().feed(page)
    assert opened == []
