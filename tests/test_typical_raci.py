"""The catalogue's own typical RACI passes the tool's own coverage rules.

A consultant who fills the template with the typical assignment of questionnaires/responsibilities.yaml
(default_raci, or raci_by_type for the office's type) and a holder for every role must get no
"one Accountable" finding and no independence finding: the catalogue must not contradict the rules.
A board member who also sponsors a project is no conflict; one person Accountable for delivering and
for assuring the same responsibility is.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from assessor.api import Assessor
from assessor.questionnaire import layout as L
from assessor.questionnaire.template import write_template
from assessor.xlsx import openpyxl

ONE_A = {"COV-A-NONE", "COV-A-NONE-CRITICAL", "COV-A-MANY", "COV-A-MANY-CRITICAL"}
INDEPENDENCE = {"COV-INDEP-ROLE", "COV-INDEP-PERSON"}
TYPES = ("supportive", "controlling", "directive")


@pytest.fixture(scope="module")
def assessor():
    return Assessor()


def typical_workbook(bank, folder: Path, model: str, holders: dict | None = None) -> Path:
    """The template filled as a careful respondent would with the catalogue's typical RACI: every role
    held (by one person each unless ``holders`` says otherwise), every answer 3."""
    out = folder / f"typical-{model}-{len(holders or {})}.xlsx"
    out.write_bytes(write_template(bank))
    wb = openpyxl().load_workbook(out)
    profile = wb[L.PROFILE]
    rows = {profile.cell(row=r, column=1).value: r for r in range(2, profile.max_row + 1)}
    for label, value in (("Organisation", "Typical Ltd"), ("PMO name", "PMO"), ("Respondent", "Pat Typical"),
                         ("Active projects", 30), ("Active programmes", 2), ("PMO headcount (FTE)", 12)):
        profile.cell(row=rows[label], column=2, value=value)
    questions = wb[L.QUESTIONS]
    for r in range(2, questions.max_row + 1):
        questions.cell(row=r, column=5, value=3)
    roles = wb[L.ROLES]
    for r in range(2, roles.max_row + 1):
        rid = roles.cell(row=r, column=1).value
        roles.cell(row=r, column=3, value=(holders or {}).get(rid, f"Holder of {rid}"))
        roles.cell(row=r, column=4, value=1)
    raci = wb[L.RACI]
    columns = {raci.cell(row=1, column=c).value: c for c in range(3, raci.max_column + 1)}
    typical = {r.id: dict(r.typical_raci(model)) for r in bank.responsibilities}
    for r in range(2, raci.max_row + 1):
        for role, letters in typical.get(raci.cell(row=r, column=1).value, {}).items():
            raci.cell(row=r, column=columns[role], value=letters)
    wb.save(out)
    return out


def rules_about(data: dict, rules: set[str]) -> list[dict]:
    return [f for f in data["findings"] if f["rule"] in rules]


@pytest.mark.parametrize("model", TYPES)
def test_the_typical_raci_has_one_accountable_everywhere_and_independent_assurance(assessor, tmp_path, model):
    data = assessor.assess([typical_workbook(assessor.bank, tmp_path, model)]).to_dict()
    assert not rules_about(data, ONE_A), rules_about(data, ONE_A)
    assert not rules_about(data, INDEPENDENCE), rules_about(data, INDEPENDENCE)
    rows = {r["id"]: r for r in data["coverage"]["responsibilities"]}
    assert {r["status"] for r in rows.values()} == {"covered"}


@pytest.mark.parametrize("model", TYPES)
def test_a_sponsor_on_the_board_is_no_conflict(assessor, tmp_path, model):
    both = {"SPONSOR": "Jane Carter", "BOARD": "Jane Carter; Omar Haddad; Lena Fischer",
            "PROJ-BOARD": "Jane Carter; Tom Price"}
    data = assessor.assess([typical_workbook(assessor.bank, tmp_path, model, both)]).to_dict()
    assert not rules_about(data, INDEPENDENCE), rules_about(data, INDEPENDENCE)


def test_one_person_accountable_for_delivering_and_assuring_the_same_thing_is(assessor, tmp_path):
    # controlling: the sponsor answers for delivery, the head of PMO for its quality assurance
    same = {"SPONSOR": "Jane Carter", "PMO-HEAD": "Jane Carter"}
    data = assessor.assess([typical_workbook(assessor.bank, tmp_path, "controlling", same)]).to_dict()
    names = {r.id: f"“{r.name}”" for r in assessor.bank.responsibilities}
    (f,) = [f for f in rules_about(data, {"COV-INDEP-PERSON"}) if names["project-delivery"] in f["message"]
            and names["quality-assurance"] in f["message"]]
    assert f["subject"] == "Jane Carter" and f["severity"] == "high"
