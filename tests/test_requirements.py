"""What an office is expected to have, in proportion (assessor/requirements.py over the catalogues)."""
from __future__ import annotations

import pytest

from assessor.api import Assessor
from assessor.requirements import office_size, requirement_facts

SETTINGS = {"small_office_fte": 4, "large_office_fte": 12, "small_office_projects": 15, "large_office_projects": 60}


@pytest.fixture(scope="module")
def bank():
    return Assessor().bank


@pytest.mark.parametrize("fte, projects, band", [
    (3.5, 200, "small"), (4, 2, "medium"), (11.9, None, "medium"), (12, None, "large"),
    (None, 14, "small"), (None, 15, "medium"), (None, 60, "large"), (None, None, "medium")])
def test_the_size_band_comes_from_headcount_or_else_active_projects(fte, projects, band):
    assert office_size(fte, projects, lambda key, default: SETTINGS[key]) == band


def required(bank, model, tier, size="medium", scope="current") -> set[str]:
    return {a["item"] for kind, a in requirement_facts(bank, model, tier, size)
            if a["subject"] == "responsibility" and a["scope"] == scope}


def test_tiers_are_functions_not_a_ladder(bank):
    # programme management proper (resource allocation across projects serves portfolio offices too)
    programme = {r.id for r in bank.responsibilities if r.scope == "programme" and 3 not in r.tiers}
    portfolio = {r.id for r in bank.responsibilities if r.scope == "portfolio" and 3 in r.tiers}
    assert len(programme) >= 5 and portfolio
    assert not programme & required(bank, "supportive", 3), "a portfolio office need not run programmes"
    assert portfolio <= required(bank, "supportive", 3)
    assert programme | portfolio <= required(bank, "supportive", 4), "a P3MO holds every function"
    assert programme <= required(bank, "supportive", 3, scope="next"), "what a P3MO would add"


def test_a_small_office_is_not_expected_to_run_what_needs_more_people(bank):
    small, large = required(bank, "controlling", 1, "small"), required(bank, "controlling", 1, "large")
    assert {"risk-database", "data-quality", "forecast-workplan"} <= large - small
    assert {"status-reporting", "risk-issue-management", "stage-gate-review"} <= small


def test_role_requirements_only_recommend_and_a_missing_function_is_one_root_cause(bank):
    facts = [a for _, a in requirement_facts(bank, "controlling", 2, "medium")]
    assert all("covered" not in a for a in facts if a["subject"] == "role"), "roles carry no gap of their own"
    programme = [a for a in facts if a["subject"] == "responsibility" and a["function"] == "programme"]
    assert programme and all(a["function_missing"] and a["function_critical"] for a in programme)
    coe = [a for a in facts if a["subject"] == "responsibility" and a["function"] == "coe"]
    assert coe and not any(a["function_missing"] for a in coe), "a programme office is not short of a CoE"
