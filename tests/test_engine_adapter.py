"""The durable-rules adapter runs assessments synchronously, never hides an action's error,
and leaves no engine state or threads behind."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assessor.api import Assessor
from assessor.factbuilder import build_facts
from assessor.rulebase import session
from assessor.rulebase.feed import Feed

pytest.importorskip("durable_rules_engine", reason="durable-rules is not installed (Python 3.13+): the python engine runs")
from assessor.rulebase.durable_engine import DurableEngine, EngineFailure  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def assessor():
    return Assessor(engine="durable")


@pytest.fixture(scope="module")
def facts(assessor):
    submission = assessor.assess([ROOT / "samples/northwind-energy.xlsx"]).submission
    return list(build_facts(submission, assessor.bank).facts)


class BrokenEngine(DurableEngine):
    """What a bug in the action code looks like: durable-rules alone would swallow it."""

    def _record(self, rule, index, found, matches):
        raise ZeroDivisionError(f"inside the action of {rule.id}")


def test_an_error_inside_a_rule_action_fails_the_assessment_loudly(assessor, facts):
    engine = BrokenEngine(assessor.rulebase)
    try:
        with pytest.raises(EngineFailure, match="ZeroDivisionError"):
            session.run(engine, assessor.rulebase, facts)
    finally:
        engine.release()


def test_assessments_start_no_threads(assessor, facts):
    before = threading.active_count()
    engine = DurableEngine(assessor.rulebase)
    try:
        for _ in range(20):
            session.run(engine, assessor.rulebase, facts)
    finally:
        engine.release()
    assert threading.active_count() == before


def test_every_assessment_gets_its_own_session_and_deletes_it(assessor, facts):
    engine = assessor.engine
    session.run(engine, assessor.rulebase, facts)
    first = engine.last_sid
    session.run(engine, assessor.rulebase, facts)
    assert engine.last_sid != first
    assert not engine.has_session(first)
    assert not engine.has_session(engine.last_sid)


def test_a_session_lives_until_it_is_closed(assessor, facts):
    engine = assessor.engine
    feed = Feed.of(assessor.rulebase)
    engine.open()
    try:
        engine.add([feed.payload(f) for f in feed.select(facts)])
        assert engine.has_session(engine.last_sid)
    finally:
        engine.close()
    assert not engine.has_session(engine.last_sid)


def test_sessions_with_nothing_to_match_do_not_crash(assessor):
    """Regression: durable-rules crashed deleting a session that only a catch-all rule had taken.
    Facts no pattern accepts never reach the engine, and an empty session is not deleted."""
    from assessor.rulebase.facts import Fact

    lonely = [Fact(1, "profile", {"organisation": "Nobody Ltd"})]  # no rule tests organisation alone
    for _ in range(300):
        assert session.run(assessor.engine, assessor.rulebase, []).findings == ()
        assert session.run(assessor.engine, assessor.rulebase, lonely).firings == ()


def test_sessions_of_absence_rules_with_nothing_else_do_not_crash(assessor, tmp_path):
    from assessor.api import make_engine
    from assessor.rulebase.facts import Fact
    from assessor.rulebase.rules import load_rulebase
    from tests.test_engines_agree import ABSENCE_RULES

    (tmp_path / "absence.yaml").write_text(ABSENCE_RULES, encoding="utf-8")
    rulebase = load_rulebase([tmp_path], assessor.bank)
    engine = make_engine(rulebase, "durable")
    try:
        for _ in range(200):
            assert session.run(engine, rulebase, []).findings == ()
            lone_boss = session.run(engine, rulebase, [Fact(1, "role", {"role": "PM", "held": True})])
            assert [f.subject for f in lone_boss.findings] == ["PM"]
    finally:
        engine.release()


def test_a_fact_that_only_half_matches_a_rule_leaves_a_session_that_deletes_cleanly(assessor):
    """Regression: durable-rules crashed deleting a session in which no action ever ran."""
    from assessor.rulebase.facts import Fact

    staff_only = [Fact(1, "role", {"role": "PMO-HEAD", "held": True, "in_pmo": True})]  # waits for an assignment
    for _ in range(500):
        assert session.run(assessor.engine, assessor.rulebase, staff_only).firings == ()


def test_a_fact_no_rule_can_take_fails_the_run_and_the_session_still_deletes(assessor):
    """The feed never sends such a fact; if a bug did, the run fails loudly instead of losing it,
    and the process survives deleting the session (repeated to catch a crash)."""
    for _ in range(200):
        engine = assessor.engine
        engine.open()
        try:
            with pytest.raises(EngineFailure, match="no rule can take.*profile"):
                engine.add([{"id": 1, "kind": "profile", "organisation": "Nobody Ltd"}])
        finally:
            engine.close()
        assert not engine.has_session(engine.last_sid)


def test_a_fact_id_given_twice_fails_the_run(assessor):
    engine = assessor.engine
    engine.open()
    try:
        engine.add([{"id": 1, "kind": "role", "role": "PM", "held": True}])
        with pytest.raises(EngineFailure, match="twice"):
            engine.add([{"id": 1, "kind": "role", "role": "PM", "held": True}])
    finally:
        engine.close()


OVERLAPPING_ANY = """
rules:
  - id: X-ANY-01
    title: Role with duties
    rationale: Both groups of the any hold for a role that is Accountable and Responsible.
    source: test
    when:
      all:
        - fact: role
          as: role
          where: {held: true}
          any:
            - {accountable: {gte: 1}}
            - {responsible: {gte: 1}}
    then:
      finding: {severity: low, category: test, subject: "{role.role}", message: "m", recommendation: "r"}
"""


def test_a_rule_fires_once_per_set_of_facts_when_several_any_groups_hold(assessor, tmp_path):
    """durable-rules fires once per `any:` group that holds; the adapter collapses them."""
    from assessor.api import make_engine
    from assessor.rulebase.facts import Fact
    from assessor.rulebase.rules import load_rulebase

    (tmp_path / "any.yaml").write_text(OVERLAPPING_ANY, encoding="utf-8")
    rulebase = load_rulebase([tmp_path], assessor.bank)
    both = [Fact(1, "role", {"role": "PM", "held": True, "accountable": 1, "responsible": 2})]
    for name in ("durable", "python"):
        engine = make_engine(rulebase, name)
        try:
            outcome = session.run(engine, rulebase, both)
        finally:
            getattr(engine, "release", lambda: None)()
        assert [f.rule for f in outcome.firings] == ["X-ANY-01"], name
        assert [f.id for f in outcome.findings] == ["X-ANY-01:PM"], name
