"""Workbooks filled in with question bank 1.0.0 still validate and assess under 2.0.0.

tests/fixtures/bank-1.0.0/ holds the four samples (and Meridian's second respondent) exactly as the
1.0.0 template produced them. They are read by question id with one warning that names the questions
whose meaning changed; a 1.0.0 question that asked two things answers both of its 2.0.0 halves; the
questions 1.0.0 did not ask are left out, as N/A (no evidence either way); the type and tier stay what
the samples are. An unstamped 1.0.0 workbook is recognised by its questions.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessor.api import Assessor
from tests.cli_helpers import invoke, ok

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bank-1.0.0"
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
OLD = sorted(p for p in FIXTURES.glob("*.xlsx") if p.stem != "meridian-bank-finance")


@pytest.fixture(scope="module")
def assessor():
    return Assessor()


def test_the_fixtures_are_bank_1_0_0_workbooks(assessor):
    assert len(OLD) == 4
    for path in OLD:
        (response,) = assessor.assess([path]).submission.responses
        assert response.stamp.version == "1.0.0"
    assert assessor.bank.version == "2.0.0" and assessor.bank.previous_version("1.0.0")


@pytest.mark.parametrize("path", OLD, ids=lambda p: p.stem)
def test_a_1_0_0_workbook_validates_with_one_warning_naming_the_changed_questions(path, assessor):
    result = ok(invoke("validate", path))
    previous = assessor.bank.previous_version("1.0.0")
    lines = [line for line in result.stderr.splitlines() if "question bank pmo-core 1.0.0" in line]
    assert len(lines) == 1, result.stderr
    for qid in previous.changed:
        assert qid in lines[0]
    assert ": warning: " in lines[0] and "question" in lines[0]
    assert "is missing" not in result.output


@pytest.mark.parametrize("path", OLD, ids=lambda p: p.stem)
def test_a_1_0_0_workbook_keeps_its_type_and_tier(path, assessor):
    old = json.loads(ok(invoke("assess", "--format", "json", path)).stdout)
    new = json.loads(ok(invoke("assess", "--format", "json", SAMPLES / path.name)).stdout)
    for key in ("model", "tier"):
        assert old["classification"][key] == new["classification"][key], (path.stem, key)
    assert old["questionnaire"]["version"] == "2.0.0"
    assert old["respondents"][0]["template_version"] == "1.0.0"


def test_a_question_that_asked_two_things_answers_both_halves(assessor):
    data = assessor.assess([FIXTURES / "northwind-energy.xlsx"]).to_dict()
    answers = {a["question"]: a for a in data["maturity"]["answers"]}
    for new, old in assessor.bank.previous_version("1.0.0").carry:
        assert answers[new]["status"] == answers[old]["status"] == "answered"
        assert answers[new]["value"] == answers[old]["value"]
        # and the cell it came from is the 1.0.0 question's
        assert [r["cell"] for r in answers[new]["responses"]] == [r["cell"] for r in answers[old]["responses"]]


def test_the_questions_1_0_0_did_not_ask_are_left_out(assessor):
    previous = assessor.bank.previous_version("1.0.0")
    unasked = set(previous.added) - {new for new, _ in previous.carry}
    data = assessor.assess([FIXTURES / "northwind-energy.xlsx"]).to_dict()
    answers = {a["question"]: a for a in data["maturity"]["answers"]}
    assert unasked and all(answers[q]["status"] == "not_applicable" and answers[q]["responses"] == []
                           for q in unasked)
    # so they neither count as met nor hold a dimension back: nothing caps a level on them
    capped = {c["question"] for d in data["maturity"]["dimensions"] for c in d["capped_by"]}
    assert not capped & unasked
    assert not [f for f in data["findings"] if f["rule"] in ("DQ-01", "DQ-02")
                and unasked & ({d["subject"] for d in f["details"]} | {f["subject"]})]


def test_an_unstamped_1_0_0_workbook_is_recognised_by_its_questions(tmp_path):
    from assessor.xlsx import openpyxl

    wb = openpyxl().load_workbook(FIXTURES / "northwind-energy.xlsx")
    del wb["_meta"]
    wb.custom_doc_props.props.clear()
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    path = tmp_path / "unstamped.xlsx"
    wb.save(path)
    result = ok(invoke("validate", path))
    assert "no template stamp" in result.stderr
    assert "question bank pmo-core 1.0.0" in result.stderr and "is missing" not in result.output


def test_respondents_of_both_versions_assess_together(assessor):
    data = assessor.assess([SAMPLES / "meridian-bank.xlsx", FIXTURES / "meridian-bank-finance.xlsx"]).to_dict()
    assert [r["template_version"] for r in data["respondents"]] == ["1.0.0", "2.0.0"]   # Ben Carter first
    assert data["classification"]["model"] == "directive" and data["classification"]["tier"] == 3
