"""The fact feed sends the engine exactly the facts some pattern's literal tests accept.

Both engines see the same feed, so a screening bug would not show as a disagreement
between them: these tests hold the compiled screens (merged, pruned, indexed) to the
definition in ``matching.test_holds``, fact by fact."""
from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from assessor.api import Assessor
from assessor.factbuilder import build_facts
from assessor.pipeline import run_rules
from assessor.rulebase.facts import Fact
from assessor.rulebase.feed import Feed
from assessor.rulebase.matching import test_holds as holds
from assessor.rulebase.rules import Ref, load_rulebase
from tests.test_engines_agree import generated_office

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))


@pytest.fixture(scope="module")
def assessor():
    return Assessor()


def by_definition(rulebase, fact: Fact) -> bool:
    """Some pattern of the fact's kind whose literal tests (joins aside) all hold, and one of
    whose `any` groups holds when it has groups."""
    for rule in rulebase.rules:
        for alternative in rule.alternatives:
            for p in alternative:
                if p.kind != fact.kind:
                    continue
                literal = [t for t in p.tests if not isinstance(t.value, Ref)]
                if not all(holds(t, fact.attrs, {}) for t in literal):
                    continue
                if p.any_of and not any(all(holds(t, fact.attrs, {}) for t in g) for g in p.any_of):
                    continue
                return True
    return False


def every_fact(assessor, submission) -> list[Fact]:
    """Input facts, requirement facts and derived facts of one assessment."""
    factbase = build_facts(submission, assessor.bank)
    outcome, _, _ = run_rules(factbase, assessor.bank, assessor.rulebase, assessor.engine)
    return list(outcome.facts)


def check_feed(rulebase, facts) -> None:
    feed = Feed.of(rulebase)
    wrong = [(f.kind, f.attrs) for f in facts if feed.accepts(f) != by_definition(rulebase, f)]
    assert wrong == []
    assert feed.select(facts) == [f for f in facts if by_definition(rulebase, f)]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_the_feed_takes_exactly_what_some_pattern_accepts_on_each_sample(assessor, sample):
    facts = every_fact(assessor, assessor.assess([sample]).submission)
    assert len(facts) > 300
    check_feed(assessor.rulebase, facts)


def test_the_feed_takes_exactly_what_some_pattern_accepts_on_generated_offices(assessor):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(generated_office(assessor.bank))
    def check(submission):
        check_feed(assessor.rulebase, every_fact(assessor, submission))

    check()


OVERLAPPING_RULES = """
rules:
  - id: T-01
    title: Held with no time
    rationale: Screens that cover others, with and without any-groups.
    source: tests
    when:
      all:
        - fact: role
          as: r
          where: {held: true}
          any:
            - {fte: 0}
            - {fte: {exists: false}}
    then:
      finding: {severity: info, category: test, subject: "{r.role}", message: "m", recommendation: "r"}
  - id: T-02
    title: Held in the office with no time (covered by T-01)
    rationale: tests
    source: tests
    when:
      all:
        - fact: role
          as: r
          where: {held: true, in_pmo: true}
          any:
            - {fte: 0}
            - {fte: {exists: false}}
    then:
      finding: {severity: info, category: test, subject: "{r.role}", message: "m", recommendation: "r"}
  - id: T-03
    title: In the office with no time (other groups, not covered)
    rationale: tests
    source: tests
    when:
      all:
        - fact: role
          as: r
          where: {in_pmo: true}
          any:
            - {fte: 0}
    then:
      finding: {severity: info, category: test, subject: "{r.role}", message: "m", recommendation: "r"}
  - id: T-04
    title: A named role at full time (a text key)
    rationale: tests
    source: tests
    when:
      all:
        - fact: role
          as: r
          where: {role: PM, fte: 1}
    then:
      finding: {severity: info, category: test, subject: "{r.role}", message: "m", recommendation: "r"}
  - id: T-05
    title: One of several roles (an in key), not held
    rationale: tests
    source: tests
    when:
      all:
        - fact: role
          as: r
          where: {role: {in: [QA, PM]}, held: false}
    then:
      finding: {severity: info, category: test, subject: "{r.role}", message: "m", recommendation: "r"}
"""


def test_merged_and_pruned_screens_lose_no_fact(assessor, tmp_path):
    (tmp_path / "overlap.yaml").write_text(OVERLAPPING_RULES, encoding="utf-8")
    rulebase = load_rulebase([tmp_path], assessor.bank)
    values = {"role": ["PM", "QA", "PSO"], "held": [True, False, None], "in_pmo": [True, False, None],
              "fte": [0, 0.5, 1, 1.0, True, "1", None]}
    facts = []
    for i, combo in enumerate(itertools.product(*values.values()), start=1):
        attrs = {k: v for k, v in zip(values, combo) if v is not None}
        facts.append(Fact(i, "role", attrs))
    check_feed(rulebase, facts)
    feed = Feed.of(rulebase)
    assert feed.accepts(Fact(1, "role", {"role": "PSO", "held": True, "in_pmo": True}))  # T-01 (no fte)
    assert not feed.accepts(Fact(1, "role", {"role": "PSO", "held": False, "in_pmo": False, "fte": 0.5}))
    assert feed.accepts(Fact(1, "role", {"role": "PM", "fte": 1}))
    assert not feed.accepts(Fact(1, "role", {"role": "PM", "fte": True}))  # a flag is not the number 1


FAULTS_PER_ASSESSMENT = """
import resource, sys
from pathlib import Path
from assessor.api import Assessor
from assessor.factbuilder import build_facts
from assessor.pipeline import evaluate_rules
from assessor.questionnaire.reader import read_submission
assessor = Assessor()
facts = build_facts(read_submission([Path(sys.argv[1])], assessor.bank), assessor.bank)
for _ in range(100):
    evaluate_rules(facts, assessor.bank, assessor.rulebase, assessor.engine)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(100):
    evaluate_rules(facts, assessor.bank, assessor.rulebase, assessor.engine)
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 100)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the allocator settings are glibc's")
def test_assessments_reuse_the_engines_memory():
    """Each durable-rules session allocates about 2 MB. Under glibc's default thresholds (which glibc
    raises on its own only after some patterns of frees, so whether it happened depended on the
    process's history) that memory went back to the kernel after every assessment and was faulted
    in again: about 450 page faults and over 1 ms of system time each. The subprocess pins the
    defaults so the outcome does not depend on history; the engine's own settings must win."""
    defaults = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "131072", "MALLOC_TRIM_THRESHOLD_": "131072"}
    run = subprocess.run([sys.executable, "-c", FAULTS_PER_ASSESSMENT, str(ROOT / "samples/northwind-energy.xlsx")],
                         cwd=ROOT, capture_output=True, text=True, check=True, env=defaults)
    assert float(run.stdout) < 50


def test_dimension_facts_carry_each_levels_floor_as_the_staged_rules_read_it(assessor):
    """floor_N on the dimension fact: the least answer among the practices of levels 1..N; N/A left
    out (5 while no practice up to N applies); don't know counts -1 (never met)."""
    from tests.builders import response, submission

    bank = assessor.bank
    risk = [q for q in bank.questions if q.dimension == "risk"]
    assert sorted(q.level for q in risk) == [1, 2, 3, 4, 5]
    answers = {q.id: ("answered", 4) for q in bank.questions}
    answers.update({q.id: ("answered", 5) for q in risk if q.level == 1})
    answers.update({q.id: ("not_applicable", None) for q in risk if q.level == 2})
    answers.update({q.id: ("dont_know", None) for q in risk if q.level == 5})
    facts = build_facts(submission(bank, response(bank, answers)), bank).facts
    dimension = next(f for f in facts if f.kind == "dimension" and f.get("dimension") == "risk")
    assert [dimension.get(f"floor_{n}") for n in range(1, 6)] == [5, 5, 4, 4, -1]
    levels = {d["id"]: d["level"] for d in assessor.assess_submission(
        submission(bank, response(bank, answers))).to_dict()["maturity"]["dimensions"]}
    assert levels["risk"] == 4  # the N/A level does not block; level 5 has no evidence
    assert levels["finance"] == 4


ABSENCE_OF_A_LATE_FACT = """
rules:
  - id: T-ABS-01
    title: A staffed role this office is not expected to have
    rationale: An absence pattern over requirement facts, which join the run late.
    source: tests
    when:
      all:
        - fact: role
          as: r
          where: {held: true}
        - not: {fact: requirement, where: {subject: role, item: {ref: r.role}}}
    then:
      finding: {severity: info, category: test, subject: "{r.role}", message: "m", recommendation: "r"}
"""


def test_late_facts_an_absence_rule_could_see_are_never_pruned(assessor, tmp_path):
    """Regression: the late-fact pruning kept only facts a positive pattern could join, so a
    `not` over requirement facts found none and fired for roles that are in fact required."""
    (tmp_path / "absence.yaml").write_text(ABSENCE_OF_A_LATE_FACT, encoding="utf-8")
    extended = Assessor(extra_rules=[tmp_path])
    fired = {}
    for sample in SAMPLES:
        outcome = extended.assess([sample]).outcome
        required = {f.get("item") for f in outcome.facts if f.kind == "requirement" and f.get("subject") == "role"}
        held = {f.get("role") for f in outcome.facts if f.kind == "role" and f.get("held") is True}
        fired[sample.stem] = {f.subject for f in outcome.findings if f.rule == "T-ABS-01"}
        assert required & held, sample.name  # staffed roles that are required: the rule must stay quiet
        assert fired[sample.stem] == held - required, sample.name
    assert fired["harbour-city-council"] == {"CLERK-WORKS"}  # the council's own role, expected of no PMO
