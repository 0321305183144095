"""``pmo-assess rules lint|list|show``: a consultant copies rules/, breaks one thing, and lint
names the spot: the file, ``rules[<RULE-ID>]`` and the key path, with what is wrong.

Each case copies the shipped rules/ to a temporary folder, breaks exactly one thing (by
editing the YAML text, or loading and dumping it) and runs ``pmo-assess rules lint <copy>``.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assessor.cli import cli

REPO = Path(__file__).resolve().parent.parent
RULES = REPO / "rules"
RULE_FILES = sorted(p for p in RULES.glob("*.yaml") if not p.name.startswith("_"))

# One problem line: "<file>: <location>: error: <message> (found ...; expected ...)".
LINE = re.compile(r"^(?P<file>\S.*?): (?P<location>\S+): error: (?P<message>.*)$")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="pmo-assess")


def shipped_rule_ids() -> list[str]:
    ids = []
    for path in RULE_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        ids += [rule["id"] for rule in data.get("rules") or []]
    return ids


# --- ways to break a copy of rules/ ----------------------------------------------------------

def _load(folder: Path, file: str) -> dict:
    return yaml.safe_load((folder / file).read_text(encoding="utf-8"))


def _dump(folder: Path, file: str, data) -> None:
    (folder / file).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def edit_rule(file: str, rule_id: str, change):
    """A breaker that loads ``file``, calls ``change(rule)`` on rule ``rule_id`` and dumps it back."""

    def breaker(folder: Path) -> None:
        data = _load(folder, file)
        matches = [r for r in data["rules"] if r.get("id") == rule_id]
        assert len(matches) == 1, f"{rule_id} not in {file}"
        change(matches[0])
        _dump(folder, file, data)

    return breaker


def edit_text(file: str, old: str, new: str):
    """A breaker that replaces ``old`` (which must occur exactly once) with ``new`` in ``file``'s text."""

    def breaker(folder: Path) -> None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return breaker


def where(rule: dict, index: int = 0) -> dict:
    return rule["when"]["all"][index]["where"]


def _set(mapping: dict, key, value):
    mapping[key] = value


def _setting(file: str, key: str, value):
    def breaker(folder: Path) -> None:
        data = _load(folder, file)
        data["settings"][key] = value
        _dump(folder, file, data)

    return breaker


def _delete_rules(file: str, *rule_ids: str):
    def breaker(folder: Path) -> None:
        data = _load(folder, file)
        before = len(data["rules"])
        data["rules"] = [r for r in data["rules"] if r.get("id") not in rule_ids]
        assert len(data["rules"]) == before - len(rule_ids)
        _dump(folder, file, data)

    return breaker


def _duplicate_into_new_file(folder: Path) -> None:
    rule = next(r for r in _load(folder, "pmo-type.yaml")["rules"] if r["id"] == "TYPE-DIR-01")
    # "zz-" sorts after pmo-type.yaml: the copy is the second one seen, so it is the one reported.
    _dump(folder, "zz-copy.yaml", {"concern": "copy", "rules": [rule]})


def _not_under_any(rule: dict) -> None:
    pattern = rule["when"]["all"][0]
    rule["when"] = {"any": [pattern, {"not": {"fact": "role", "where": {"role": "PM"}}}]}


def _join_inside_any(rule: dict) -> None:
    # TYPE-CTL-04: all[0] is the PMO staff role (as: staff), all[1] the assignment with an any: group.
    rule["when"]["all"][1]["any"].append({"role": {"ref": "staff.role"}})


# id, breaker, file named in the message, location (rules[ID].key.path; a deeper path is accepted), phrase
CASES = [
    # an id where a list goes was read as a set of its characters: a traceback when assessed
    ("function-rules-not-lists", _setting("tier.yaml", "tier_function_rules", {2: "TIER-2-01", 3: ["TIER-3-01"]}),
     "tier.yaml", "settings.tier_function_rules", "setting has the wrong value"),
    # a misspelt function rule made that tier never in place, and the report a traceback
    ("unknown-function-rule", edit_rule("tier.yaml", "TIER-2-01", lambda r: _set(r, "id", "TIER-2-PROG")),
     "tier.yaml", "settings.tier_function_rules.2", "names no rule of the rule base"),
    ("unknown-operator", edit_rule("pmo-type.yaml", "TYPE-DIR-01", lambda r: _set(where(r), "value", {"gtx": 3})),
     "pmo-type.yaml", "rules[TYPE-DIR-01].when.all[0].where.value.gtx", "unknown operator"),
    ("unknown-fact-kind", edit_rule("pmo-type.yaml", "TYPE-DIR-01", lambda r: _set(r["when"]["all"][0], "fact", "answers")),
     "pmo-type.yaml", "rules[TYPE-DIR-01].when.all[0].fact", "unknown fact kind"),
    ("unknown-attribute", edit_rule("pmo-type.yaml", "TYPE-DIR-01", lambda r: _set(where(r), "valeu", 3)),
     "pmo-type.yaml", "rules[TYPE-DIR-01].when.all[0].where.valeu", "unknown attribute of answer"),
    ("duplicate-id", _duplicate_into_new_file,
     "zz-copy.yaml", "rules[TYPE-DIR-01].id", "duplicate rule id"),
    ("out-of-domain-range", edit_rule("pmo-type.yaml", "TYPE-DIR-01", lambda r: _set(where(r), "value", {"gte": 7})),
     "pmo-type.yaml", "rules[TYPE-DIR-01].when.all[0].where.value", "can never fire"),
    ("out-of-domain-value", edit_rule("pmo-type.yaml", "TYPE-DIR-01", lambda r: _set(where(r), "level", 9)),
     "pmo-type.yaml", "rules[TYPE-DIR-01].when.all[0].where.level", "can never fire"),
    ("impossible-range", edit_rule("pmo-type.yaml", "TYPE-DIR-01", lambda r: _set(where(r), "value", {"gt": 5})),
     "pmo-type.yaml", "rules[TYPE-DIR-01].when.all[0].where.value", "can never fire"),
    ("missing-title", edit_rule("pmo-type.yaml", "TYPE-DIR-01", lambda r: r.pop("title")),
     "pmo-type.yaml", "rules[TYPE-DIR-01].title", "missing required key"),
    ("unknown-rule-key", edit_rule("pmo-type.yaml", "TYPE-DIR-01", lambda r: _set(r, "description", "more words")),
     "pmo-type.yaml", "rules[TYPE-DIR-01].description", "unknown key"),
    ("negative-priority", edit_rule("pmo-type.yaml", "TYPE-DIR-01", lambda r: _set(r, "priority", -1)),
     "pmo-type.yaml", "rules[TYPE-DIR-01].priority", "priority out of range"),
    ("wrong-type", edit_rule("pmo-type.yaml", "TYPE-DIR-01", lambda r: _set(where(r), "value", "high")),
     "pmo-type.yaml", "rules[TYPE-DIR-01].when.all[0].where.value", "value is number"),
    ("unknown-alias-ref", edit_rule("maturity.yaml", "MAT-GAP-01", lambda r: _set(where(r, 1), "dimension", {"ref": "zz.dimension"})),
     "maturity.yaml", "rules[MAT-GAP-01].when.all[1].where.dimension", "reference to an unknown alias"),
    ("unknown-setting", edit_rule("pmo-type.yaml", "TYPE-DIR-01",
                                  lambda r: _set(where(r), "value", {"gte": {"setting": "authority_presnt"}})),
     "pmo-type.yaml", "rules[TYPE-DIR-01].when.all[0].where.value.gte", "unknown setting"),
    ("not-under-any", edit_rule("pmo-type.yaml", "TYPE-DIR-01", _not_under_any),
     "pmo-type.yaml", "rules[TYPE-DIR-01].when.any[1]", "'not' is only allowed under all"),
    ("template-unknown-alias", edit_rule("data-quality.yaml", "DQ-01",
                                         lambda r: _set(r["then"]["finding"], "message", "No answer to {b.question}.")),
     "data-quality.yaml", "rules[DQ-01].then.finding.message", "template refers to an unknown alias"),
    ("bad-severity", edit_rule("data-quality.yaml", "DQ-01", lambda r: _set(r["then"]["finding"], "severity", "severe")),
     "data-quality.yaml", "rules[DQ-01].then.finding.severity", "unknown severity"),
    ("join-inside-any", edit_rule("pmo-type.yaml", "TYPE-CTL-04", _join_inside_any),
     "pmo-type.yaml", "rules[TYPE-CTL-04].when.all[1].any[2]", "joins (ref:) are not allowed inside any:"),
    ("group-placeholder-typo", edit_rule("data-quality.yaml", "DQ-01",
                                         lambda r: _set(r["then"]["finding"]["group"], "message", "{itmes} unanswered")),
     "data-quality.yaml", "rules[DQ-01].then.finding.group.message", "unknown placeholder"),
    ("count-outside-a-group", edit_rule("data-quality.yaml", "DQ-01",
                                        lambda r: _set(r["then"]["finding"], "message", "{count} unanswered")),
     "data-quality.yaml", "rules[DQ-01].then.finding.message", "unknown placeholder"),
    ("group-weight-zero", edit_rule("data-quality.yaml", "DQ-01", lambda r: _set(r["then"]["finding"], "weight", 0)),
     "data-quality.yaml", "rules[DQ-01].then.finding.weight", "weight out of range"),
    ("group-unknown-key", edit_rule("data-quality.yaml", "DQ-01",
                                    lambda r: _set(r["then"]["finding"]["group"], "colour", "red")),
     "data-quality.yaml", "rules[DQ-01].then.finding.group.colour", "unknown key"),
]

# Checks that run over the whole rule base (question bank ids, kinds nobody concludes).
# They name the file, the rule and the message, but not the key path in the file: the
# location is built from the pattern's alias (``when.pms.question``) or stops at ``when``.
WHOLE_BASE_PATH = ("lint's whole-rule-base checks do not name the key path: bank references are located as "
                   "rules[ID].when.<alias>.<attribute> (an alias is not a key; a pattern without `as:` gets an "
                   "invented one) and 'no rule concludes' stops at rules[ID].when")
WHOLE_BASE_CASES = [
    ("unknown-question", edit_rule("pmo-type.yaml", "TYPE-DIR-01", lambda r: _set(where(r), "question", "AS-99")),
     "pmo-type.yaml", "rules[TYPE-DIR-01].when.all[0].where.question", "unknown question id"),
    ("unknown-role", edit_rule("pmo-type.yaml", "TYPE-DIR-03", lambda r: _set(where(r), "role", "CHIEF")),
     "pmo-type.yaml", "rules[TYPE-DIR-03].when.all[0].where.role", "unknown role id"),
    ("unknown-responsibility", edit_rule("pmo-type.yaml", "TYPE-DIR-04",
                                         lambda r: _set(where(r), "responsibility", "project-delivry")),
     "pmo-type.yaml", "rules[TYPE-DIR-04].when.all[0].where.responsibility", "unknown responsibility id"),
    ("nobody-concludes", _delete_rules("tier.yaml", "TIER-COE-01"),
     "tier.yaml", "rules[TIER-4-01].when.all[0].fact", "can never fire: no rule concludes office_function"),
]


@pytest.fixture
def rules_copy(tmp_path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    return folder


def problem_lines(output: str) -> list[dict]:
    return [m.groupdict() for m in map(LINE.match, output.splitlines()) if m]


def assert_lint_names(result, file: Path, location: str, phrase: str, *, exact_path: bool = True) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = problem_lines(result.output)
    assert lines, f"no problem line in:\n{result.output}"
    if exact_path:
        rule_prefix = location
    else:
        rule_prefix = location.split("]", 1)[0] + "]"

    def matches(line):
        loc = line["location"]
        located = loc == rule_prefix or loc.startswith(rule_prefix + ".")
        return line["file"] == str(file) and located and phrase in line["message"]

    assert any(matches(line) for line in lines), (
        f"expected a line naming {file}, {location} and {phrase!r}; got:\n{result.output}")


def test_shipped_rules_lint_clean():
    result = run("rules", "lint")
    assert result.exit_code == 0, result.output
    assert result.output == f"ok: {len(shipped_rule_ids())} rules in {len(RULE_FILES)} files\n"


def test_shipped_rules_lint_clean_when_named(rules_copy):
    result = run("rules", "lint", rules_copy)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"ok: {len(shipped_rule_ids())} rules")


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_lint_names_file_rule_and_key_path(rules_copy, case):
    _, breaker, file, location, phrase = case
    breaker(rules_copy)
    result = run("rules", "lint", rules_copy)
    assert_lint_names(result, rules_copy / file, location, phrase)


@pytest.mark.parametrize("case", WHOLE_BASE_CASES, ids=[c[0] for c in WHOLE_BASE_CASES])
def test_lint_whole_base_checks_name_file_rule_and_problem(rules_copy, case):
    _, breaker, file, location, phrase = case
    breaker(rules_copy)
    result = run("rules", "lint", rules_copy)
    assert_lint_names(result, rules_copy / file, location, phrase, exact_path=False)


@pytest.mark.parametrize("case", WHOLE_BASE_CASES, ids=[c[0] for c in WHOLE_BASE_CASES])
def test_lint_whole_base_checks_name_the_key_path(rules_copy, case):
    _, breaker, file, location, phrase = case
    breaker(rules_copy)
    result = run("rules", "lint", rules_copy)
    assert_lint_names(result, rules_copy / file, location, phrase)


def test_duplicate_id_names_both_files(rules_copy):
    _duplicate_into_new_file(rules_copy)
    result = run("rules", "lint", rules_copy)
    assert result.exit_code == 2
    line = next(l for l in result.output.splitlines() if "duplicate rule id" in l)
    assert line.startswith(f"{rules_copy / 'zz-copy.yaml'}: rules[TYPE-DIR-01].id: error:")
    assert str(rules_copy / "pmo-type.yaml") in line


def test_invalid_yaml_names_the_file_and_line(rules_copy):
    path = rules_copy / "pmo-type.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, l in enumerate(lines, start=1) if l.strip() == "- id: TYPE-DIR-01")
    lines[number] = "    title: [Project managers are assigned by\n"  # an unclosed flow sequence
    path.write_text("".join(lines), encoding="utf-8")
    result = run("rules", "lint", rules_copy)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    line = next(l for l in result.output.splitlines() if "invalid YAML" in l)
    assert line.startswith(f"{path}: line ")
    reported = int(re.search(r"line (\d+)", line).group(1))
    assert number + 1 <= reported <= number + 3, line  # at or just after the broken line


def test_one_line_per_problem_when_several_things_are_broken(rules_copy):
    edit_rule("pmo-type.yaml", "TYPE-DIR-01", lambda r: _set(where(r), "value", {"gtx": 3}))(rules_copy)
    edit_rule("data-quality.yaml", "DQ-01", lambda r: _set(r["then"]["finding"], "severity", "severe"))(rules_copy)
    result = run("rules", "lint", rules_copy)
    assert result.exit_code == 2
    found = problem_lines(result.output)
    assert {line["location"] for line in found} == {"rules[TYPE-DIR-01].when.all[0].where.value.gtx",
                                                     "rules[DQ-01].then.finding.severity"}
    assert "2 error(s)" in result.output


def test_lint_of_a_missing_folder(tmp_path):
    result = run("rules", "lint", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "rule folder not found" in result.output and "Traceback" not in result.output


# --- rules list and show ---------------------------------------------------------------------

def test_rules_list_lists_every_rule():
    result = run("rules", "list")
    assert result.exit_code == 0, result.output
    listed = [line.split()[0] for line in result.output.splitlines() if line.strip()]
    assert sorted(listed) == sorted(shipped_rule_ids())
    assert len(listed) == len(set(listed))


def test_rules_list_with_a_copied_folder(rules_copy):
    _delete_rules("data-quality.yaml", "DQ-05")(rules_copy)
    result = run("rules", "list", "--rules", rules_copy)
    assert result.exit_code == 0, result.output
    listed = [line.split()[0] for line in result.output.splitlines() if line.strip()]
    assert "DQ-05" not in listed and len(listed) == len(shipped_rule_ids()) - 1


def test_rules_show_prints_title_rationale_source_and_condition():
    rule = next(r for r in _load(RULES, "pmo-type.yaml")["rules"] if r["id"] == "TYPE-DIR-01")
    result = run("rules", "show", "TYPE-DIR-01")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(f"TYPE-DIR-01: {rule['title']}\n")
    assert rule["rationale"] in out
    assert f"source: {rule['source']}" in out
    assert "pmo-type.yaml" in out
    shown = yaml.safe_load(out[out.index("\nwhen:") + 1:])
    assert shown == {"when": rule["when"], "then": rule["then"]}


def test_rules_show_unknown_id_exits_2():
    result = run("rules", "show", "NOPE")
    assert result.exit_code == 2
    assert "no rule 'NOPE'" in result.output and "rules list" in result.output
    assert "Traceback" not in result.output


# --- gaps: things lint accepts that break or silently change an assessment -----------------------

ANY_ALTERNATIVE_REF = """\
facts:
  note: {dimension: text}
rules:
  - id: CONS-ANY-01
    title: Reporting is answered or assessed
    rationale: Either alternative is enough.
    source: test
    when:
      any:
        - {fact: answer, as: a, where: {question: RP-01}}
        - {fact: dimension, as: d, where: {dimension: reporting}}
    then:
      conclude: {kind: note, set: {dimension: {ref: d.dimension}}}
"""

NUMBER_AS_RULE_ID = """\
rules:
  - id: 123
    title: A rule whose id is a number
    rationale: Ids are text.
    source: test
    when:
      all:
        - {fact: answer, as: a, where: {question: RP-01}}
    then:
      finding: {severity: low, category: test, subject: "{a.question}", message: m, recommendation: r}
"""

KEY_WRITTEN_TWICE = """\
rules:
  - id: CONS-TWICE-01
    title: Two tests on one attribute
    rationale: The writer meant both; YAML keeps only the last.
    source: test
    when:
      all:
        - fact: answer
          as: a
          where:
            question: RP-01
            value: {gte: 4}
            value: {lte: 1}
    then:
      finding: {severity: low, category: test, subject: "{a.question}", message: m, recommendation: r}
"""


def _pack(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_lint_rejects_a_conclusion_referring_to_another_alternatives_alias(rules_copy):
    path = _pack(rules_copy, "zz-any.yaml", ANY_ALTERNATIVE_REF)
    result = run("rules", "lint", rules_copy)
    assert_lint_names(result, path, "rules[CONS-ANY-01].then.conclude.set.dimension", "")


def test_lint_rejects_a_rule_id_that_is_not_text(rules_copy):
    path = _pack(rules_copy, "zz-number.yaml", NUMBER_AS_RULE_ID)
    result = run("rules", "lint", rules_copy)
    assert result.exit_code == 2, result.output
    assert any(line["file"] == str(path) and line["location"].endswith(".id") for line in problem_lines(result.output))


def test_lint_rejects_a_threshold_written_as_text(rules_copy):
    edit_text("pmo-type.yaml", "type_threshold: 0.5 ", 'type_threshold: "0,5" ')(rules_copy)
    result = run("rules", "lint", rules_copy)
    assert result.exit_code == 2, result.output
    assert any(line["file"] == str(rules_copy / "pmo-type.yaml") and line["location"] == "settings.type_threshold"
               for line in problem_lines(result.output)), result.output


def test_an_overall_share_of_0_is_refused_at_the_setting(rules_copy):
    """At 0 every office would be at level 5 overall; the message points at the setting a consultant
    changed and says what it takes."""
    edit_text("maturity.yaml", "overall_share: 0.5 ", "overall_share: 0 ")(rules_copy)
    result = run("rules", "lint", rules_copy)
    assert result.exit_code == 2, result.output
    lines = problem_lines(result.output)
    assert lines[0]["location"] == "settings.overall_share", result.output
    assert "found 0; expected a share from 0.01 to 1 (0.5 = the median)" in lines[0]["message"]


def test_lint_rejects_a_key_written_twice(rules_copy):
    path = _pack(rules_copy, "zz-twice.yaml", KEY_WRITTEN_TWICE)
    result = run("rules", "lint", rules_copy)
    assert result.exit_code == 2, result.output
    assert str(path) in result.output and "value" in result.output
