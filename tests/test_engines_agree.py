"""durable-rules and the plain-Python reference evaluator reach identical conclusions:
on every sample, and on generated answer sets, roles and RACI matrices."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor.api import Assessor, make_engine
from assessor.rulebase.engines import durable_installed
from tests.builders import response, submission

pytestmark = pytest.mark.skipif(not durable_installed(), reason="durable-rules is not installed (Python 3.13+)")
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))


@pytest.fixture(scope="module")
def assessors():
    durable = Assessor(engine="durable")
    reference = Assessor.__new__(Assessor)
    reference.bank, reference.rulebase = durable.bank, durable.rulebase
    reference.engine = make_engine(durable.rulebase, "python")
    return durable, reference


def _same(a, b):
    """The same report, but for the engine named in the tool section."""
    first, second = a.to_dict(), b.to_dict()
    assert (first["tool"].pop("engine"), second["tool"].pop("engine")) == ("durable", "python")
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_engines_agree_on_every_sample(assessors, sample):
    durable, reference = assessors
    _same(durable.assess([sample]), reference.assess([sample]))


def test_engines_agree_on_several_respondents(assessors):
    durable, reference = assessors
    files = [ROOT / "samples/meridian-bank.xlsx", ROOT / "samples/more-respondents/meridian-bank-finance.xlsx"]
    _same(durable.assess(files), reference.assess(files))


ANSWER = st.one_of(st.tuples(st.just("answered"), st.integers(0, 5)),
                   st.sampled_from([("not_applicable", None), ("dont_know", None), ("unanswered", None)]))
LETTERS = st.sampled_from(["R", "A", "C", "I", "A/R"])


@st.composite
def generated_office(draw, bank):
    answers = {q.id: draw(ANSWER) for q in bank.questions}
    role_ids = [r.id for r in bank.roles]
    held = {}
    for rid in draw(st.lists(st.sampled_from(role_ids), unique=True, max_size=len(role_ids))):
        reports_to = draw(st.sampled_from([None, "PMO-HEAD", "SPONSOR", "PROJ-BOARD", "PROG-MGR"]))
        if reports_to == rid:
            reports_to = None
        held[rid] = ((f"Person {draw(st.integers(1, 6))}",), draw(st.sampled_from([0, 0.5, 1.0])),
                     draw(st.booleans()), reports_to)
    resp_ids = [r.id for r in bank.responsibilities]
    cells = draw(st.lists(st.tuples(st.sampled_from(resp_ids), st.sampled_from(role_ids)), unique=True, max_size=60))
    raci = {cell: draw(LETTERS) for cell in cells}
    second = draw(st.booleans())
    responses = [response(bank, answers, held, raci)]
    if second:
        other = {q: draw(ANSWER) for q in answers}
        responses.append(response(bank, other, held, raci, source="second.xlsx", respondent="Second"))
    return submission(bank, *responses)


def test_engines_agree_on_generated_offices(assessors):
    durable, reference = assessors

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(generated_office(durable.bank))
    def check(sub):
        _same(durable.assess_submission(sub), reference.assess_submission(sub))

    check()


def test_thousands_of_assessments_leave_no_state(assessors):
    """Every assessment deletes its engine state: the same input gives the same result after hundreds of runs."""
    durable, _ = assessors
    sample = durable.assess([SAMPLES[0]]).submission
    first = json.dumps(durable.assess_submission(sample).to_dict())
    for _ in range(300):
        durable.assess_submission(sample)
    assert json.dumps(durable.assess_submission(sample).to_dict()) == first


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_skipping_requirements_that_cannot_match_changes_nothing(assessors, sample, monkeypatch):
    """The feed leaves out late facts with no possible join partner; the results must not change."""
    from assessor.rulebase.feed import Feed

    durable, _ = assessors
    pruned = json.dumps(durable.assess([sample]).to_dict(), sort_keys=True)
    monkeypatch.setattr(Feed, "select_late", lambda self, facts, fed: self.select(facts))
    everything = json.loads(json.dumps(durable.assess([sample]).to_dict(), sort_keys=True))
    pruned = json.loads(pruned)
    pruned.pop("trace"), everything.pop("trace")  # fact ids differ when fewer facts are fed
    assert pruned == everything


ABSENCE_RULES = """
rules:
  - id: TEST-NOT-01
    title: A staffed role nobody reports to
    rationale: Exercises absence (not) with a join in both engines.
    source: tests
    when:
      all:
        - fact: role
          as: boss
          where: {held: true}
        - not:
            fact: role
            where: {reports_to: {ref: boss.role}, held: true}
    then:
      finding: {severity: info, category: test, subject: "{boss.role}", message: "{boss.role} has no staffed reports",
                recommendation: "none"}
"""


def test_absence_rules_agree_and_wait_for_conclusions(assessors, tmp_path):
    """`not` is judged after all conclusions are drawn, the same way in both engines."""
    from assessor.factbuilder import build_facts
    from assessor.rulebase import session
    from assessor.rulebase.rules import load_rulebase

    durable, _ = assessors
    (tmp_path / "absence.yaml").write_text(ABSENCE_RULES, encoding="utf-8")
    rulebase = load_rulebase([tmp_path], durable.bank)
    submission = durable.assess([ROOT / "samples/harbour-city-council.xlsx"]).submission
    facts = list(build_facts(submission, durable.bank).facts)
    outcomes = {name: session.run(make_engine(rulebase, name), rulebase, facts) for name in ("durable", "python")}
    subjects = {name: sorted(f.subject for f in o.findings) for name, o in outcomes.items()}
    assert subjects["durable"] == subjects["python"]
    # Harbour: the PM has the clerk of works reporting, the sponsor has the project board and the head of PMO.
    assert "PM" not in subjects["durable"] and "SPONSOR" not in subjects["durable"]
    assert "PSO" in subjects["durable"]  # nobody reports to the project support officer
