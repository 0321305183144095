"""``organisation.merge_organisation``: several respondents' Roles and RACI sheets become one
organisation, field by field, and every difference between them is kept as a ``Disagreement``.

Pure: the responses are built in code (tests/builders.py), already in canonical order (the order
``read_submission`` gives them; tests/test_respondents.py checks that end to end).
"""
from __future__ import annotations

import dataclasses

import pytest

from assessor.model import Role
from assessor.organisation import FTE, HOLDER, RACI, REPORTS_TO, merge_organisation
from assessor.questionnaire.reader import read_submission
from assessor.xlsx import column_letter
from tests.builders import response

ROLE_ROW = {}  # role id -> its Roles row in builders.response (the catalogue's order from row 2)


@pytest.fixture(scope="module", autouse=True)
def _rows(bank):
    ROLE_ROW.update({r.id: i for i, r in enumerate(bank.roles, start=2)})


def respondent(bank, name: str, roles=None, raci=None):
    """A respondent's workbook: roles {id: (holders, fte, in_pmo, reports_to)}, raci {(resp, role): letters};
    every catalogue role has a RACI column (as in the template)."""
    r = response(bank, {}, roles or {}, raci or {}, source=f"{name.lower()}.xlsx", respondent=name)
    columns = tuple((spec.id, f"RACI!{column_letter(i)}1") for i, spec in enumerate(bank.roles, start=3))
    return dataclasses.replace(r, raci_columns=columns)


def role_of(org, role_id: str) -> Role:
    return next(r for r in org.roles if r.role_id == role_id)


def letters(org) -> dict:
    return {(a.responsibility_id, a.role_id): a.letters for a in org.assignments}


def test_one_respondent_is_the_organisation_as_written(bank, filled_workbook):
    """Record for record and in the sheet's order: a single workbook assesses as it always did."""
    (alone,) = read_submission([filled_workbook], bank).responses
    file = str(filled_workbook)
    org = merge_organisation([alone])
    assert org.disagreements == ()
    assert org.roles == tuple(dataclasses.replace(r, source=file, fte_source=file, in_pmo_source=file,
                                                  reports_to_source=file) for r in alone.roles)
    assert org.assignments == tuple(dataclasses.replace(a, source=file) for a in alone.assignments)
    assert org.responsibilities == tuple(dataclasses.replace(r, source=file) for r in alone.responsibilities)
    assert org.files == (file,)


def test_the_value_most_respondents_gave_wins_and_a_tie_goes_to_the_first(bank):
    ann = respondent(bank, "Ann", {"PM": (("Priya Nair",), 1.0, True, None)})
    ben = respondent(bank, "Ben", {"PM": (("Omar Haddad",), 1.0, True, None)})
    cem = respondent(bank, "Cem", {"PM": (("Omar Haddad",), 1.0, True, None)})
    assert role_of(merge_organisation([ann, ben, cem]), "PM").holders == ("Omar Haddad",)
    pm = role_of(merge_organisation([ann, ben]), "PM")
    assert (pm.holders, pm.source, pm.holder_cell) == (("Priya Nair",), "ann.xlsx", f"Roles!C{ROLE_ROW['PM']}")
    (d,) = merge_organisation([ann, ben]).disagreements
    assert (d.field, d.role, d.responsibility, d.subject, d.used) == (HOLDER, "PM", "", "PM", "Priya Nair")
    assert [(v.file, v.respondent, v.cell, v.value) for v in d.votes] == [
        ("ann.xlsx", "Ann", f"Roles!C{ROLE_ROW['PM']}", "Priya Nair"),
        ("ben.xlsx", "Ben", f"Roles!C{ROLE_ROW['PM']}", "Omar Haddad")]


def test_holders_are_compared_as_people_not_as_text(bank):
    ann = respondent(bank, "Ann", {"PMO-ANALYST": (("Sam Patel", "Kim Chow"), 0.5, True, None)})
    ben = respondent(bank, "Ben", {"PMO-ANALYST": (("kim  CHOW", "Sam Patel"), 0.5, True, None)})
    org = merge_organisation([ann, ben])
    assert org.disagreements == ()
    assert role_of(org, "PMO-ANALYST").holders == ("Sam Patel", "Kim Chow")


def test_fte_is_the_median_of_the_filled_ftes(bank):
    given = [("Ann", 0.5), ("Ben", 1.0), ("Cem", None)]
    people = [respondent(bank, name, {"PLANNER": (("Riya Shah",), fte, True, None)}) for name, fte in given]
    org = merge_organisation(people)
    planner = role_of(org, "PLANNER")
    assert planner.fte == 0.75
    assert planner.fte_source == "ann.xlsx"  # nearest the median, first on a tie
    (d,) = org.disagreements
    assert (d.field, d.used) == (FTE, "0.75")
    assert [v.value for v in d.votes] == ["0.5", "1", ""]


def test_each_field_names_the_file_it_came_from(bank):
    ann = respondent(bank, "Ann", {"PM": (("Priya Nair",), 1.0, True, "PMO-HEAD")})
    ben = respondent(bank, "Ben", {"PM": (("Priya Nair",), 1.0, True, "PROG-MGR")})
    cem = respondent(bank, "Cem", {"PM": (("Omar Haddad",), 1.0, True, "PROG-MGR")})
    pm = role_of(merge_organisation([ann, ben, cem]), "PM")
    assert (pm.holders, pm.source) == (("Priya Nair",), "ann.xlsx")
    assert (pm.reports_to, pm.reports_to_source) == ("PROG-MGR", "ben.xlsx")
    assert merge_organisation([ann, ben, cem]).files == ("ann.xlsx", "ben.xlsx")


def test_a_respondent_who_named_no_holder_does_not_vote_on_roles(bank):
    dana = respondent(bank, "Dana", {"PM": (("Priya Nair",), 1.0, True, None)}, {("status-reporting", "PM"): "R"})
    ben = respondent(bank, "Ben", {}, {("status-reporting", "PM"): "A"})   # RACI only
    org = merge_organisation([ben, dana])
    assert org.role_voters == ("dana.xlsx",) and org.raci_voters == ("ben.xlsx", "dana.xlsx")
    assert role_of(org, "PM").holders == ("Priya Nair",)
    (d,) = org.disagreements   # the RACI cell only: Ben's blank holders are no view
    assert (d.field, d.subject, d.used) == (RACI, "status-reporting / PM", "A")


def test_nobody_filled_a_sheet_then_it_is_what_the_workbooks_hold(bank):
    org = merge_organisation([respondent(bank, "Ann"), respondent(bank, "Ben")])
    assert not any(r.holders for r in org.roles) and org.assignments == () and org.disagreements == ()
    assert [r.role_id for r in org.roles] == [r.id for r in bank.roles]


def test_a_blank_raci_cell_is_a_vote_for_no_involvement(bank):
    ann = respondent(bank, "Ann", {"PM": (("P",), 1.0, True, None)}, {("status-reporting", "PM"): "R",
                                                                      ("pm-reviews", "PMO-HEAD"): "A"})
    ben = respondent(bank, "Ben", {"PM": (("P",), 1.0, True, None)}, {("pm-reviews", "PMO-HEAD"): "A"})
    cem = respondent(bank, "Cem", {"PM": (("P",), 1.0, True, None)}, {("pm-reviews", "PMO-HEAD"): "A"})
    org = merge_organisation([ann, ben, cem])
    assert letters(org) == {("pm-reviews", "PMO-HEAD"): "A"}
    (d,) = org.disagreements
    assert d.used == ""
    cell = next(a.cell for a in ann.assignments if a.role_id == "PM")
    assert [(v.file, v.cell, v.value) for v in d.votes] == [
        ("ann.xlsx", cell, "R"), ("ben.xlsx", cell, ""), ("cem.xlsx", cell, "")]


def test_a_row_every_respondent_gave_one_accountable_keeps_one(bank):
    """Three respondents, each naming a different role Accountable for lessons learned: merged cell by
    cell, nobody was Accountable, and COV-A-NONE reported a gap none of them drew."""
    roles = {"PMO-HEAD": (("H",), 1.0, True, None), "PM": (("P",), 1.0, True, None),
             "PMO-ANALYST": (("N",), 1.0, True, None)}

    def said(head, pm, analyst):
        return {("lessons-learned", "PMO-HEAD"): head, ("lessons-learned", "PM"): pm,
                ("lessons-learned", "PMO-ANALYST"): analyst}

    ann = respondent(bank, "Ann", roles, said("A", "R", "R"))
    ben = respondent(bank, "Ben", roles, said("R", "R", "A"))
    cem = respondent(bank, "Cem", roles, said("R", "A", "R"))
    org = merge_organisation([ann, ben, cem])
    row = {role: x for (resp, role), x in letters(org).items() if resp == "lessons-learned"}
    assert row == {"PMO-HEAD": "A/R", "PM": "R", "PMO-ANALYST": "R"}   # a tie: the first respondent's, who also does it
    head = next(a for a in org.assignments if a.role_id == "PMO-HEAD" and a.responsibility_id == "lessons-learned")
    assert (head.source, head.cell) == ("ann.xlsx", next(a.cell for a in ann.assignments if a.role_id == "PMO-HEAD"))
    assert {d.role: d.used for d in org.disagreements if d.field == RACI} == {   # DQ-06 says what is used
        "PMO-HEAD": "A/R", "PM": "R", "PMO-ANALYST": "R"}
    dee = respondent(bank, "Dee", roles, said("R", "A", "R"))   # two of four name PM: the most named
    row = {role: x for (resp, role), x in letters(merge_organisation([ann, ben, cem, dee])).items()
           if resp == "lessons-learned"}
    assert [r for r, x in row.items() if x in ("A", "A/R")] == ["PM"]
    # a respondent who gave no Accountable there: no one-A discipline to keep, the cells stand as merged
    eve = respondent(bank, "Eve", roles, said("R", "R", "R"))
    row = {role: x for (resp, role), x in letters(merge_organisation([ann, eve, ben])).items()
           if resp == "lessons-learned"}
    assert row == {"PMO-HEAD": "R", "PM": "R", "PMO-ANALYST": "R"}


def test_a_row_a_client_added_counts_only_for_those_who_have_it(bank):
    ann = respondent(bank, "Ann", {"PM": (("P",), 1.0, True, None)})
    extra = Role("CHANGE-LEAD", "Change lead", ("Pat Quinn",), 0.8, False, "PM", "Roles!A40", False,
                 "Roles!C40", "Roles!D40", "Roles!F40", "Roles!E40")
    plain = respondent(bank, "Ben", {"PM": (("P",), 1.0, True, None)})
    ben = dataclasses.replace(plain, roles=plain.roles + (extra,))
    org = merge_organisation([ann, ben])
    assert org.disagreements == ()
    lead = role_of(org, "CHANGE-LEAD")
    assert (lead.holders, lead.source, lead.standard) == (("Pat Quinn",), "ben.xlsx", False)
    assert org.roles[-1] is lead   # after the rows the first respondent has


def test_reporting_lines_from_different_respondents_can_form_a_cycle(bank):
    ann = respondent(bank, "Ann", {"PMO-HEAD": (("A",), 1.0, True, None), "SPONSOR": (("S",), 0.2, False, "PMO-HEAD")})
    ben = respondent(bank, "Ben", {"PMO-HEAD": (("A",), 1.0, True, "SPONSOR"), "SPONSOR": (("S",), 0.2, False, "BOARD")})
    cem = respondent(bank, "Cem", {"PMO-HEAD": (("A",), 1.0, True, "SPONSOR"), "SPONSOR": (("S",), 0.2, False, None)})
    org = merge_organisation([ann, ben, cem])
    assert (role_of(org, "PMO-HEAD").reports_to, role_of(org, "SPONSOR").reports_to) == ("SPONSOR", "PMO-HEAD")
    assert {(d.field, d.role) for d in org.disagreements} == {(REPORTS_TO, "PMO-HEAD"), (REPORTS_TO, "SPONSOR")}


def test_the_fast_record_copy_is_dataclasses_replace():
    from dataclasses import fields, replace

    from assessor.model import Assignment, ResponsibilityRow, Role
    from assessor.organisation import _copy

    records = [Role("PM", "Project manager", ("Ann",), 1.0, True, "PMO-HEAD", "Roles!A3", True, "Roles!C3"),
               Assignment("status-reporting", "PM", "R", "RACI!C4"), ResponsibilityRow("x", "X", "RACI!A4", False)]
    for record in records:
        assert _copy(record, source="a.xlsx") == replace(record, source="a.xlsx")
        assert _copy(record, source="a.xlsx") is not record and record.source == ""   # the original is untouched
        assert not any(f.init is False for f in fields(record)) and not hasattr(type(record), "__post_init__")
