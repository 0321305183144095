"""The maturity model's stated invariants, as properties over the shipped question bank.

The model (rules/maturity.yaml, README "How the assessment decides"): an answer is the maturity of
one practice; a dimension reaches level L when every applicable practice of levels 1..L is
established at least at L; the overall level is the median of the assessed dimensions. These must
hold for every office, so hypothesis draws whole answer sets and the tests run the full pipeline
(rules on durable-rules), as a user's assessment does:

* every question of a dimension answered k gives that dimension level k (k = 0..5), and every
  dimension at k gives overall k;
* raising any answer never lowers any level; moving one answer by 1 moves a dimension's level and
  the overall level by at most 1;
* N/A questions are left out; "don't know" is never counted as met and stays a data-quality
  finding; a dimension with too little evidence has no level and says so;
* every level names what caps it: the answers of levels 1..L+1 below L+1, which, once raised to
  L+1, give the next level.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assessor.api import Assessor
from tests.builders import response, submission

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.function_scoped_fixture])
NUMBER = st.integers(0, 5).map(lambda v: ("answered", v))
ANSWER = st.one_of(NUMBER, NUMBER, NUMBER, NUMBER,   # mostly numbers, as real workbooks are
                   st.sampled_from([("not_applicable", None), ("dont_know", None), ("unanswered", None)]))


@pytest.fixture(scope="module")
def assessor():
    return Assessor()


@pytest.fixture(scope="module")
def bank(assessor):
    return assessor.bank


def assess(assessor, answers: dict) -> dict:
    return assessor.assess_submission(submission(assessor.bank, response(assessor.bank, answers))).to_dict()


def levels(data: dict) -> dict:
    return {d["id"]: d["level"] for d in data["maturity"]["dimensions"]}


def overall(data: dict) -> int:
    return data["maturity"]["overall"]["level"]


def answer_sets(bank):
    return st.fixed_dictionaries({q.id: ANSWER for q in bank.questions})


def numeric(answers: dict) -> list[str]:
    return sorted(q for q, (status, _) in answers.items() if status == "answered")


def one_numeric(answers: dict, data) -> str:
    """A question with a number for an answer, drawn by hypothesis (the example is skipped if none)."""
    candidates = numeric(answers)
    assume(candidates)
    return data.draw(st.sampled_from(candidates))


# --- uniform answers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("k", range(6))
def test_every_question_answered_k_gives_every_dimension_and_the_office_level_k(assessor, bank, k):
    data = assess(assessor, {q.id: ("answered", k) for q in bank.questions})
    assert set(levels(data).values()) == {k}
    assert overall(data) == k
    assert all(d["status"] == "assessed" for d in data["maturity"]["dimensions"])


def test_a_dimension_answered_k_is_at_k_whatever_the_others_say(assessor, bank):
    @SETTINGS
    @given(answer_sets(bank), st.sampled_from([d.id for d in bank.dimensions]), st.integers(0, 5))
    def check(answers, dimension, k):
        answers = {**answers, **{q.id: ("answered", k) for q in bank.questions if q.dimension == dimension}}
        assert levels(assess(assessor, answers))[dimension] == k

    check()


# --- monotone and one step at a time -----------------------------------------------------------------

def test_raising_any_answer_never_lowers_a_level(assessor, bank):
    @SETTINGS
    @given(answer_sets(bank), st.data())
    def check(answers, data):
        raisable = [q for q in numeric(answers) if answers[q][1] < 5]
        assume(raisable)
        chosen = data.draw(st.lists(st.sampled_from(raisable), min_size=1, unique=True))
        raised = dict(answers)
        for q in chosen:
            raised[q] = ("answered", data.draw(st.integers(answers[q][1] + 1, 5)))
        before, after = assess(assessor, answers), assess(assessor, raised)
        for dim, level in levels(before).items():
            if level is not None:
                assert levels(after)[dim] >= level, (dim, chosen)
        if overall(before) is not None:
            assert overall(after) >= overall(before)

    check()


def test_one_answer_moved_by_one_moves_any_level_by_at_most_one(assessor, bank):
    @SETTINGS
    @given(answer_sets(bank), st.data())
    def check(answers, data):
        q = one_numeric(answers, data)
        step = data.draw(st.sampled_from([s for s in (-1, 1) if 0 <= answers[q][1] + s <= 5]))
        moved = {**answers, q: ("answered", answers[q][1] + step)}
        before, after = assess(assessor, answers), assess(assessor, moved)
        for dim, level in levels(before).items():
            if level is None:
                assert levels(after)[dim] is None   # evidence and applicability do not move with a number
            else:
                assert abs(levels(after)[dim] - level) <= 1, (dim, q, step)
        if overall(before) is None:   # no dimension with enough evidence: a number does not add evidence
            assert overall(after) is None
        else:
            assert abs(overall(after) - overall(before)) <= 1

    check()


# --- N/A, don't know, too little evidence ------------------------------------------------------------

def test_na_questions_are_left_out(assessor, bank):
    """A dimension answered k, some questions N/A (not all of its foundation), is still at k."""
    @SETTINGS
    @given(st.sampled_from([d.id for d in bank.dimensions]), st.integers(0, 5), st.data())
    def check(dimension, k, data):
        questions = [q for q in bank.questions if q.dimension == dimension]
        lowest = min(q.level for q in questions)
        foundation = [q.id for q in questions if q.level == lowest]
        keep = data.draw(st.sampled_from(foundation))
        na = data.draw(st.lists(st.sampled_from([q.id for q in questions if q.id != keep]), unique=True,
                                max_size=2))   # a few: enough answers stay for a level
        answers = {q.id: ("answered", 3) for q in bank.questions}
        answers.update({q.id: ("answered", k) for q in questions})
        answers.update({q: ("not_applicable", None) for q in na})
        data_ = assess(assessor, answers)
        assert levels(data_)[dimension] == k, na
        # and a dimension whose every foundation practice is N/A is not applicable at all
        answers.update({q: ("not_applicable", None) for q in foundation})
        d = next(x for x in assess(assessor, answers)["maturity"]["dimensions"] if x["id"] == dimension)
        assert (d["applicable"], d["status"], d["level"]) == (False, "not applicable", None)

    check()


def test_dont_know_is_never_met_and_stays_a_data_quality_finding(assessor, bank):
    @SETTINGS
    @given(answer_sets(bank), st.data())
    def check(answers, data):
        q = one_numeric(answers, data)
        unknown = {**answers, q: ("dont_know", None)}
        before, after = assess(assessor, answers), assess(assessor, unknown)
        dim = bank.question(q).dimension
        if levels(after)[dim] is not None and levels(before)[dim] is not None:
            assert levels(after)[dim] <= levels(before)[dim]
        # as good as the worst answer (0) at most: don't know never counts for more than absent
        zero = assess(assessor, {**answers, q: ("answered", 0)})
        if levels(after)[dim] is not None:
            assert levels(after)[dim] <= levels(zero)[dim]
        dq = [f for f in after["findings"] if f["rule"] == "DQ-01"]
        assert dq and q in {d["subject"] for f in dq for d in f["details"]}

    check()


def test_too_little_evidence_gives_no_level_and_says_so(assessor, bank):
    answers = {q.id: ("answered", 4) for q in bank.questions}
    risk = [q.id for q in bank.questions if q.dimension == "risk"]
    answers.update({q: ("dont_know", None) for q in risk[1:4]})   # 2 of 5 answered: below 60%
    data = assess(assessor, answers)
    d = next(x for x in data["maturity"]["dimensions"] if x["id"] == "risk")
    assert (d["level"], d["status"], d["applicable"]) == (None, "insufficient evidence", True)
    assert "risk" in data["maturity"]["overall"]["not_assessed"]
    assert data["maturity"]["overall"]["dimensions"] == 11    # twelve maturity dimensions, one not assessed
    dq05 = [f for f in data["findings"] if f["rule"] == "DQ-05"]
    assert dq05 and "too little evidence" in dq05[0]["message"]


# --- what caps a level --------------------------------------------------------------------------------

def test_every_level_names_what_caps_it(assessor, bank):
    @SETTINGS
    @given(answer_sets(bank))
    def check(answers):
        data = assess(assessor, answers)
        for d in data["maturity"]["dimensions"]:
            if d["level"] is None:
                continue
            if d["level"] == 5:
                assert d["capped_by"] == [] and d["next_level"] is None
                continue
            goal = d["level"] + 1
            assert d["next_level"] == goal and d["capped_by"], d
            for cap in d["capped_by"]:
                assert cap["level"] <= goal and (cap["value"] is None or cap["value"] < goal), cap
                assert cap["cells"] and all(c["cell"].startswith("Questions!") for c in cap["cells"])
            # raising exactly what caps it reaches the next level
            raised = {**answers, **{c["question"]: ("answered", goal) for c in d["capped_by"]}}
            assert levels(assess(assessor, raised))[d["id"]] >= goal, d["id"]

    check()


def test_the_overall_level_is_the_median_with_the_weakest_dimension_beside_it(assessor, bank):
    dims = [d.id for d in bank.dimensions if d.id != "authority"]
    # reporting 4, portfolio 3, everything else 1: a strong dimension must not lift the office
    plan = {d: 1 for d in dims} | {"reporting": 4, "portfolio": 3, "finance": 0}
    answers = {q.id: ("answered", plan.get(q.dimension, 2)) for q in bank.questions}
    data = assess(assessor, answers)
    assert overall(data) == 1
    weakest = data["maturity"]["overall"]["weakest"]
    assert weakest == {"level": 0, "dimensions": ["finance"]}
    assert data["maturity"]["overall"]["method"] == "median"


def test_no_overall_level_when_no_dimension_is_assessed(assessor, bank):
    for status in ("dont_know", "not_applicable"):
        data = assess(assessor, {q.id: (status, None) for q in bank.questions})
        assert data["maturity"]["overall"]["level"] is None, status
        assert data["maturity"]["overall"]["dimensions"] == 0
        assert {d["level"] for d in data["maturity"]["dimensions"]} == {None}


def test_a_rule_pack_without_mat_l0_still_puts_an_answered_dimension_below_level_1(bank, tmp_path):
    """The status comes from the evidence, not from which staged rule fired."""
    import shutil
    from pathlib import Path

    import yaml

    rules = Path(__file__).resolve().parent.parent / "rules"
    pack = tmp_path / "rules"
    shutil.copytree(rules, pack)
    data = yaml.safe_load((pack / "maturity.yaml").read_text(encoding="utf-8"))
    data["rules"] = [r for r in data["rules"] if r["id"] != "MAT-L0"]
    (pack / "maturity.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    mine = Assessor([pack])
    answers = {q.id: ("answered", 3) for q in bank.questions}
    answers.update({q.id: ("answered", 0) for q in bank.questions if q.dimension == "competency"})
    d = next(x for x in assess(mine, answers)["maturity"]["dimensions"] if x["id"] == "competency")
    assert (d["level"], d["status"]) == (0, "assessed")
