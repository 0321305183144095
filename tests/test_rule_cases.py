"""Every rule's pass and fail cases, kept as data in tests/rule_cases/ and run on both engines.

One case file per rule file (``tests/rule_cases/<rule-file-stem>.yaml``) maps a rule id to
``{pass: [case, ...], fail: [case, ...]}``. A case is::

    name: at authority_absent (1)          # unique within its rule
    facts:                                 # flat: kind plus attributes (see KINDS in facts.py)
      - {kind: answer, question: AS-02, status: answered, value: 1}
    expect:                                # optional, pass cases only; applies to every firing of the rule
      fires: 1                             # exactly this many firings of the rule
      concludes: {type: supportive}        # the fact each firing concluded has these attributes
      finding_message_contains: "..."      # the finding each firing raised has this in its message
      findings: 1                          # the firings raised exactly this many findings (a group is one)

The facts get ids 1, 2, 3 ... in the order written and go through ``session.run`` as the
pipeline's facts do. A pass case needs the rule to fire at least once, a fail case needs it not to
fire at all. Each case runs on the durable-rules engine and the reference evaluator, and the two
must give the same firings.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assessor.api import load_bank, make_engine
from assessor.rulebase.engines import durable_installed
from assessor.rulebase.facts import FLAG, NUMBER, PHASE_KIND, TEXT, Fact, normalise
from assessor.rulebase.rules import load_rulebase
from assessor.rulebase.session import run

REPO = Path(__file__).resolve().parent.parent
RULES_DIR = REPO / "rules"
CASES_DIR = Path(__file__).resolve().parent / "rule_cases"
# Where durable-rules cannot be installed (Python 3.13+), the cases run on the python engine alone.
ENGINES = ("durable", "python") if durable_installed() else ("python",)
OUTCOMES = ("pass", "fail")
CASE_KEYS = {"name", "facts", "expect"}
EXPECT_KEYS = {"fires", "concludes", "finding_message_contains", "findings"}


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice (plain YAML keeps the last one silently)."""


def _mapping(loader, node, deep=False):
    keys = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in keys:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        keys.add(key)
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _case_files() -> dict[str, object]:
    return {path.stem: yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506
            for path in sorted(CASES_DIR.glob("*.yaml"))}


CASE_FILES = _case_files()


def _cases():
    """(rule id, outcome, case) for every well-formed-enough case; the shape itself is checked below."""
    for data in CASE_FILES.values():
        if not isinstance(data, dict):
            continue
        for rule_id, entry in data.items():
            if not isinstance(entry, dict):
                continue
            for outcome in OUTCOMES:
                for case in entry.get(outcome) or ():
                    if isinstance(case, dict):
                        yield rule_id, outcome, case


CASES = list(_cases())


def _case_id(rule_id, outcome, case) -> str:
    """A test id usable with -k: the case name with anything but letters, digits, . and - as _."""
    name = re.sub(r"[^A-Za-z0-9.-]+", "_", str(case.get("name", "?"))).strip("_")
    return f"{rule_id}-{outcome}-{name}"


@pytest.fixture(scope="module")
def rulebase():
    return load_rulebase([RULES_DIR], load_bank())


@pytest.fixture(scope="module")
def engines(rulebase):
    """Both engines, built once for the module: each durable build compiles a C ruleset."""
    built = {name: make_engine(rulebase, name) for name in ENGINES}
    yield built
    if "durable" in built:
        built["durable"].release()


@pytest.fixture(scope="module")
def outcomes(rulebase, engines):
    """``outcome(engine name, case)``: the session outcome, run once per engine and case."""
    cache: dict = {}

    def outcome(engine: str, case: dict):
        key = (engine, id(case))
        if key not in cache:
            cache[key] = run(engines[engine], rulebase, case_facts(case))
        return cache[key]

    return outcome


def case_facts(case: dict) -> list[Fact]:
    return [Fact(i, spec["kind"], normalise({k: v for k, v in spec.items() if k != "kind"}))
            for i, spec in enumerate(case["facts"], start=1)]


def _describe(outcome) -> str:
    fired = sorted({f.rule for f in outcome.firings})
    return "rules that fired: " + (", ".join(fired) or "none")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("rule_id, outcome_kind, case",
                         [pytest.param(*c, id=_case_id(*c)) for c in CASES])
def test_rule_case(rule_id, outcome_kind, case, engine, outcomes):
    outcome = outcomes(engine, case)
    fired = [f for f in outcome.firings if f.rule == rule_id]
    if outcome_kind == "pass":
        assert fired, f"{rule_id} did not fire on {engine}; {_describe(outcome)}"
    else:
        assert not fired, f"{rule_id} fired {len(fired)} time(s) on {engine}: {fired}"
    expect = case.get("expect") or {}
    if "fires" in expect:
        assert len(fired) == expect["fires"], f"{rule_id} fired {len(fired)} time(s) on {engine}: {fired}"
    facts = {f.id: f for f in outcome.facts}
    if "concludes" in expect:
        wanted = normalise(expect["concludes"])
        for firing in fired:
            concluded = facts[firing.concluded]
            got = {k: concluded.get(k) for k in wanted}
            assert got == wanted, f"{rule_id} concluded {concluded.kind} {concluded.attrs}, expected {wanted}"
    if "finding_message_contains" in expect:
        findings = {f.id: f for f in outcome.findings}
        for firing in fired:
            message = findings[firing.finding].message
            assert expect["finding_message_contains"] in message, f"{rule_id} said: {message}"
    if "findings" in expect:
        raised = {firing.finding for firing in fired}
        assert len(raised) == expect["findings"], f"{rule_id} raised {sorted(raised)}"


@pytest.mark.parametrize("rule_id, outcome_kind, case",
                         [pytest.param(*c, id=_case_id(*c)) for c in CASES])
@pytest.mark.skipif(len(ENGINES) < 2, reason="durable-rules is not installed (Python 3.13+): nothing to compare with")
def test_engines_give_the_same_firings(rule_id, outcome_kind, case, outcomes):
    # Sorted lists, not sets: an engine firing twice on the same facts is a difference too.
    durable, reference = (sorted((f.rule, f.bindings) for f in outcomes(name, case).firings) for name in ENGINES)
    assert durable == reference


# --- the case files themselves ------------------------------------------------------------------

def test_every_rule_has_pass_and_fail_cases(rulebase):
    covered, problems = {}, []
    for stem, data in CASE_FILES.items():
        for rule_id, entry in data.items() if isinstance(data, dict) else ():
            if rule_id in covered:
                problems.append(f"{rule_id}: cases in both {covered[rule_id][0]}.yaml and {stem}.yaml")
            covered[rule_id] = (stem, entry)
            if rulebase.rule(rule_id) is None:
                problems.append(f"{rule_id}: cases in {stem}.yaml for a rule that does not exist")
    for rule in rulebase.rules:
        if rule.id not in covered:
            problems.append(f"{rule.id}: no cases")
            continue
        entry = covered[rule.id][1]
        problems += [f"{rule.id}: no {outcome} case" for outcome in OUTCOMES
                     if not isinstance(entry, dict) or not entry.get(outcome)]
    assert not problems, "\n".join(problems)


def test_case_files_match_rule_files(rulebase):
    rule_stems = {Path(f).stem for f in rulebase.files}
    assert set(CASE_FILES) <= rule_stems, f"case files without a rule file: {sorted(set(CASE_FILES) - rule_stems)}"
    misplaced = []
    for stem, data in CASE_FILES.items():
        for rule_id in data if isinstance(data, dict) else ():
            rule = rulebase.rule(rule_id)
            if rule is not None and Path(rule.file).stem != stem:
                misplaced.append(f"{rule_id} is in {Path(rule.file).name}, its cases in {stem}.yaml")
    assert not misplaced, misplaced


def test_case_files_are_well_formed(rulebase):
    """Shape, fact kinds, attribute names and types: a typo would make a fail case pass for the wrong reason."""
    problems = []
    types = {NUMBER: lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
             TEXT: lambda v: isinstance(v, str), FLAG: lambda v: isinstance(v, bool)}
    for stem, data in CASE_FILES.items():
        if not isinstance(data, dict):
            problems.append(f"{stem}: must map rule ids to cases")
            continue
        for rule_id, entry in data.items():
            where = f"{stem}: {rule_id}"
            if not isinstance(entry, dict) or set(entry) - set(OUTCOMES):
                problems.append(f"{where}: must be a mapping with pass: and fail:")
                continue
            rule = rulebase.rule(rule_id)
            names, ids = set(), set()
            for outcome in OUTCOMES:
                cases = entry.get(outcome) or []
                if not isinstance(cases, list):
                    problems.append(f"{where}.{outcome}: must be a list of cases")
                    continue
                for i, case in enumerate(cases):
                    at = f"{where}.{outcome}[{i}]"
                    if not isinstance(case, dict) or set(case) - CASE_KEYS or not {"name", "facts"} <= set(case):
                        problems.append(f"{at}: a case has name:, facts: and optionally expect:")
                        continue
                    name = case["name"]
                    if not isinstance(name, str) or not name.strip() or name in names:
                        problems.append(f"{at}: name must be non-empty text, unique within the rule: {name!r}")
                    names.add(name)
                    if _case_id(rule_id, outcome, case) in ids:
                        problems.append(f"{at}: name {name!r} gives the same test id as another case")
                    ids.add(_case_id(rule_id, outcome, case))
                    if not isinstance(case["facts"], list) or not case["facts"]:
                        problems.append(f"{at} {name}: facts must be a non-empty list")
                        continue
                    for j, spec in enumerate(case["facts"]):
                        kind = spec.get("kind") if isinstance(spec, dict) else None
                        if kind == PHASE_KIND or kind not in rulebase.kinds:
                            problems.append(f"{at} {name}: facts[{j}] has an unknown kind {kind!r}")
                            continue
                        schema = rulebase.kinds[kind]
                        for attr, value in spec.items():
                            if attr == "kind":
                                continue
                            if attr not in schema:
                                problems.append(f"{at} {name}: facts[{j}] {kind} has no attribute {attr!r}")
                            elif not types[schema[attr]](value):
                                problems.append(f"{at} {name}: facts[{j}] {kind}.{attr} is {schema[attr]}: {value!r}")
                    expect = case.get("expect")
                    if expect is None:
                        continue
                    if outcome != "pass" or not isinstance(expect, dict) or set(expect) - EXPECT_KEYS:
                        problems.append(f"{at} {name}: expect: is for pass cases, with keys {sorted(EXPECT_KEYS)}")
                        continue
                    for key in ("fires", "findings"):
                        count = expect.get(key)
                        if key in expect and (not isinstance(count, int) or isinstance(count, bool) or count < 1):
                            problems.append(f"{at} {name}: {key} must be a whole number of at least 1")
                    if rule is None:
                        continue
                    if "concludes" in expect:
                        concludes = expect["concludes"]
                        if rule.conclusion is None:
                            problems.append(f"{at} {name}: {rule_id} raises a finding, it concludes nothing")
                        elif not isinstance(concludes, dict) or set(concludes) - set(rulebase.kinds[rule.conclusion.kind]):
                            problems.append(f"{at} {name}: concludes names attributes {rule.conclusion.kind} lacks")
                    if "finding_message_contains" in expect:
                        if rule.finding is None:
                            problems.append(f"{at} {name}: {rule_id} concludes a fact, it raises no finding")
                        elif not isinstance(expect["finding_message_contains"], str):
                            problems.append(f"{at} {name}: finding_message_contains must be text")
    assert not problems, "\n".join(problems)
