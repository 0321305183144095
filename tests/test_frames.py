"""pandas frames for notebook users hold what the JSON report and the store hold."""
from __future__ import annotations

from pathlib import Path

import pytest

from assessor import api, frames
from assessor.store import Store

REPO = Path(__file__).resolve().parent.parent
MERIDIAN = REPO / "samples" / "meridian-bank.xlsx"


@pytest.fixture(scope="module")
def report():
    return api.assess([MERIDIAN]).to_dict()


def test_an_assessments_frames_match_its_report(report):
    dims = frames.dimensions(report)
    assert list(dims.index) == [d["id"] for d in report["maturity"]["dimensions"]]
    assert dims.loc["reporting", "level"] == next(d["level"] for d in report["maturity"]["dimensions"]
                                                  if d["id"] == "reporting")
    answers = frames.answers(report)
    assert len(answers) == len(report["maturity"]["answers"]) and answers.loc["RP-01", "dimension"] == "reporting"
    found = frames.findings(report)
    assert list(found.index) == [f["id"] for f in report["findings"]]
    assert (found["severity"].value_counts().sum()) == len(report["findings"])


def test_history_is_one_row_per_stored_assessment(tmp_path):
    with Store(f"sqlite:///{tmp_path / 's.db'}") as store:
        assessor = api.Assessor()
        store.save(assessor.assess([MERIDIAN]))
        store.save(assessor.assess([MERIDIAN, REPO / "samples/more-respondents/meridian-bank-finance.xlsx"]))
        frame = frames.history(store, "Meridian Bank")
    assert len(frame) == 2 and {"type", "tier", "overall", "reporting"} <= set(frame.columns)
    assert str(frame["date"].dtype).startswith("datetime64")


def test_the_excel_dimensions_sheet_is_the_dimensions_frame(report, tmp_path):
    from assessor.xlsx import openpyxl

    api.write_report(report, tmp_path / "r.xlsx", "xlsx")
    ws = openpyxl().load_workbook(tmp_path / "r.xlsx")["Dimensions"]
    frame = frames.dimensions(report)
    for r in range(2, ws.max_row + 1):
        did = ws.cell(row=r, column=1).value
        assert ws.cell(row=r, column=3).value == frame.loc[did, "score"]
        assert ws.cell(row=r, column=4).value == frame.loc[did, "level"]
        assert (ws.cell(row=r, column=12).value or "") == frame.loc[did, "next_level_needs"]
    assert ws.max_row - 1 == len(frame)


def test_the_excel_findings_and_answers_sheets_are_the_frames(report, tmp_path):
    from assessor.xlsx import openpyxl

    api.write_report(report, tmp_path / "r.xlsx", "xlsx")
    wb = openpyxl().load_workbook(tmp_path / "r.xlsx")
    found = frames.findings(report)
    sheet = wb["Findings"]
    for r in range(2, 2 + len(found)):
        fid = sheet.cell(row=r, column=1).value
        assert sheet.cell(row=r, column=6).value == found.loc[fid, "where"]
        assert sheet.cell(row=r, column=7).value == found.loc[fid, "recommendation"]
    given = frames.responses(report)
    answers = wb["Answers"]
    assert answers.max_row - 1 == len(given) == sum(len(a["responses"]) for a in report["maturity"]["answers"])
    assert [answers.cell(row=2, column=c).value for c in (1, 7, 9)] == \
        [given.index[0], given.iloc[0]["respondent"], given.iloc[0]["cell"]]
