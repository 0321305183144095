"""``pmo-assess assess``: the samples are classified as samples/README.md says, the JSON
contract holds, output is deterministic (and matches tests/golden/), several respondents are
merged, a consultant's copy of rules/ changes the result, outputs are written safely, and bad
input exits 2 with one line per problem.

Paths are given relative to the repository (the JSON holds them as given), so every run
happens from the repository folder. Assessing compiles a durable-rules ruleset, so runs that
several tests share are cached for the module (``run(..., cache=True)``).

Golden files: ``UPDATE_GOLDEN=1 pytest tests/test_assess.py`` rewrites tests/golden/*.json;
review the diff before keeping it.
"""
from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assessor.cli import cli
from assessor.rulebase.engines import durable_installed

REPO = Path(__file__).resolve().parent.parent
RULES = REPO / "rules"
GOLDEN = Path(__file__).resolve().parent / "golden"
SEVERITIES = ("critical", "high", "medium", "low", "info")
SHEETS = ("Profile", "Questions", "Roles", "RACI")
CELL = re.compile(r"[A-Z]{1,3}[1-9][0-9]*")
RULE_ID = r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+"
BECAUSE = re.compile(rf"^  because (?P<reason>.+) \[(?P<rule>{RULE_ID}): (?P<cells>[^\]]+)\]$")
CELL_REF = re.compile(r"\b(?:Profile|Questions|Roles|RACI)![A-Z]{1,3}[1-9][0-9]*\b")
PROBLEM_LINE = re.compile(r"^samples/broken/\S+\.xlsx(?:: \S+)?: error: .+$")

MERIDIAN = "samples/meridian-bank.xlsx"
MERIDIAN_FINANCE = "samples/more-respondents/meridian-bank-finance.xlsx"
HARBOUR = "samples/harbour-city-council.xlsx"

CONSULTANT_RULE = """\
concern: consultant
description: A consultant's own rule, added without touching the shipped ones.
rules:
  - id: CONS-RP-01
    title: Reporting practice is defined
    rationale: A defined project reporting practice is the base the consultant builds the engagement on.
    source: consultant's own practice
    when:
      all:
        - fact: answer
          as: report
          where: {question: RP-01, status: answered, value: {gte: 3}}
    then:
      finding:
        severity: low
        category: consultant
        subject: "{report.question}"
        message: "{report.question} is answered {report.value}: reporting is defined."
        recommendation: "Use the reporting practice as the entry point."
"""


# --- the specification: samples/README.md's table --------------------------------------------

def sample_table() -> list[dict]:
    """Rows of the ``| file | organisation | type | tier | ... |`` table in samples/README.md."""
    rows, header = [], None
    for line in (REPO / "samples" / "README.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = None if rows else header
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue  # the |---|---| line
        row = dict(zip(header, cells))
        row["file"] = row["file"].strip("`")
        rows.append(row)
    return rows


TABLE = sample_table()
SAMPLES = [f"samples/{row['file']}" for row in TABLE]


def shipped_rule_ids() -> set[str]:
    ids = set()
    for path in sorted(RULES.glob("*.yaml")):
        ids |= {r["id"] for r in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []}
    return ids


RULE_IDS = shipped_rule_ids()


# --- running the command ---------------------------------------------------------------------

_CACHE: dict[tuple, object] = {}


def _invoke(args: tuple[str, ...]):
    return CliRunner().invoke(cli, list(args), prog_name="pmo-assess")


@pytest.fixture
def run(monkeypatch):
    """``run(*args, cache=False)``: ``pmo-assess ARGS`` from the repository folder."""
    monkeypatch.chdir(REPO)

    def invoke(*args, cache: bool = False):
        key = tuple(str(a) for a in args)
        if not cache:
            return _invoke(key)
        if key not in _CACHE:
            _CACHE[key] = _invoke(key)
        return _CACHE[key]

    return invoke


def ok(result):
    assert result.exception is None, (result.output, result.exception)
    assert result.exit_code == 0, result.output
    return result


def assessed(run, *args) -> dict:
    """The JSON report of ``assess --format json ARGS`` (cached)."""
    result = ok(run("assess", "--format", "json", *args, cache=True))
    return json.loads(result.stdout)


def assert_user_error(result, *phrases):
    """Exit 2, no traceback, and the phrases in what was printed."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in result.output, result.output


def levels_of(data: dict) -> dict:
    return {d["id"]: d["level"] for d in data["maturity"]["dimensions"]}


# --- an independent reading of what the levels should be ----------------------------------------

def maturity_settings(folder: Path = RULES) -> dict:
    return yaml.safe_load((folder / "maturity.yaml").read_text(encoding="utf-8"))["settings"]


def spec_answers(sample: str) -> dict:
    """The answers samples/build.py wrote, per dimension, as (question level, answer) pairs."""
    from assessor.questionnaire.bank import load_bank
    from samples import build

    spec = build.load_spec(REPO / "samples" / "specs" / f"{Path(sample).stem}.yaml")
    assert spec["file"] == Path(sample).name
    out: dict = {}
    for q in load_bank().questions:
        out.setdefault(q.dimension, []).append((q.level, build.spec_answer(spec, q)))
    return out


def staged_levels(answers: dict, min_share: float) -> dict:
    """P3M3 staged levels as rules/maturity.yaml describes them: the highest L such that every
    practice of levels 1..L that is not N/A is answered L or more ("?" never is); all N/A, or fewer
    than ``min_share`` of the applicable practices answered, -> None."""
    out = {}
    for dimension, pairs in answers.items():
        applicable = [(lvl, v) for lvl, v in pairs if v != "N/A"]
        answered = [v for _, v in applicable if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if not applicable or len(answered) < min_share * len(applicable):
            out[dimension] = None
            continue
        out[dimension] = max(L for L in range(6) if all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v >= L for lvl, v in applicable if lvl <= L))
    return out


def overall_level(levels: dict, share: float, excluded) -> int:
    counted = [v for d, v in levels.items() if v is not None and d not in excluded]
    return max((n for n in range(1, 6) if sum(v >= n for v in counted) >= share * len(counted)), default=0)


# --- the table is the specification -------------------------------------------------------------

def test_the_table_lists_the_four_samples():
    assert [row["file"] for row in TABLE] == ["harbour-city-council.xlsx", "northwind-energy.xlsx",
                                              "meridian-bank.xlsx", "atlas-rail.xlsx"]
    for row in TABLE:
        assert (REPO / "samples" / row["file"]).is_file()
        assert row["type"] in ("supportive", "controlling", "directive") and row["tier"] in "1234"


@pytest.mark.parametrize("row", TABLE, ids=[r["file"] for r in TABLE])
def test_sample_is_classified_as_the_table_says(run, row):
    data = assessed(run, f"samples/{row['file']}")
    assert data["organisation"]["organisation"] == row["organisation"]
    assert data["classification"]["model"] == row["type"]
    assert data["classification"]["tier"] == int(row["tier"])


@pytest.mark.parametrize("row", TABLE, ids=[r["file"] for r in TABLE])
def test_console_shows_type_tier_levels_and_reasons(run, row):
    sample = f"samples/{row['file']}"
    result = ok(run("assess", sample, cache=True))
    data = assessed(run, sample)
    lines = result.stdout.splitlines()
    assert any(l.startswith(f"Type:  {row['type']} ") for l in lines), result.stdout
    assert any(l.startswith(f"Tier:  {row['tier']} {data['classification']['tier_name']} ") for l in lines)

    because = [m for m in map(BECAUSE.match, lines) if m]
    assert because, result.stdout
    assert [m["rule"] for m in because] == [b["rule"] for b in data["classification"]["because"]]
    assert all(m["rule"] in RULE_IDS for m in because)
    assert any(re.search(r"\bQuestions![A-Z]+[0-9]+\b", m["cells"]) for m in because), result.stdout
    assert all(CELL_REF.search(m["cells"]) for m in because)
    assert not any(re.match(r"[A-Z][a-z ]", m["reason"]) for m in because), result.stdout  # mid-sentence
    chosen = data["classification"]["because"]
    assert any(b["conclusion"] == "type_evidence" and b["class"] == row["type"] for b in chosen)
    assert any(b["conclusion"] == "tier_evidence" and b["class"] == int(row["tier"]) for b in chosen)

    overall = data["maturity"]["overall"]["level"]
    assert f"Maturity: overall level {overall} " in result.stdout
    for d in data["maturity"]["dimensions"]:
        expected = f"level {d['level']}  score" if d["applicable"] else "not applicable"
        assert any(l.startswith(f"  {d['name']} ") and expected in l for l in lines), (d, result.stdout)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: Path(s).name)
def test_levels_follow_the_staged_rule(run, sample):
    """Each dimension's level is what the staged rule gives for the answers samples/specs/ wrote."""
    settings = maturity_settings()
    min_share = yaml.safe_load((RULES / "data-quality.yaml").read_text(encoding="utf-8"))["settings"]["min_answered_share"]
    expected = staged_levels(spec_answers(sample), min_share)
    data = assessed(run, sample)
    assert levels_of(data) == expected
    assert data["maturity"]["overall"]["level"] == overall_level(expected, settings["overall_share"],
                                                                 settings["overall_excluded"])


# --- the JSON contract ---------------------------------------------------------------------------

def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_evidence(items, where: str) -> None:
    assert isinstance(items, list), where
    for e in items:
        assert e["sheet"] in SHEETS, (where, e)
        assert isinstance(e["cell"], str) and CELL.fullmatch(e["cell"]), (where, e)
        assert isinstance(e["file"], str) and e["file"].endswith(".xlsx"), (where, e)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: Path(s).name)
def test_json_contract(run, sample):
    data = assessed(run, sample)
    assert data["schema_version"] == "1.0"

    c = data["classification"]
    assert c["model"] in ("supportive", "controlling", "directive")
    assert isinstance(c["tier"], int) and not isinstance(c["tier"], bool) and 1 <= c["tier"] <= 4
    assert isinstance(c["tier_name"], str) and c["tier_name"]
    assert set(c["confidence"]) >= {"model", "tier"}
    assert all(_number(v) and 0 <= v <= 1 for v in c["confidence"].values()), c["confidence"]
    assert isinstance(c["because"], list) and c["because"]
    for b in c["because"]:
        assert b["rule"] in RULE_IDS
        assert isinstance(b["reason"], str) and b["reason"]
        assert b["evidence"], b
        _check_evidence(b["evidence"], b["rule"])

    m = data["maturity"]
    assert isinstance(m["overall"]["level"], int) and 0 <= m["overall"]["level"] <= 5
    assert _number(m["overall"]["score"]) and 0 <= m["overall"]["score"] <= 5
    assert isinstance(m["dimensions"], list) and len(m["dimensions"]) == 13
    for d in m["dimensions"]:
        assert isinstance(d["id"], str) and d["id"] and isinstance(d["name"], str) and d["name"]
        if d["applicable"]:
            assert isinstance(d["level"], int) and 0 <= d["level"] <= 5, d
            assert d["score"] is None or (_number(d["score"]) and 0 <= d["score"] <= 5), d
        else:
            assert d["level"] is None, d
    assert len({d["id"] for d in m["dimensions"]}) == len(m["dimensions"])

    findings = data["findings"]
    assert isinstance(findings, list)
    assert len({f["id"] for f in findings}) == len(findings)
    for f in findings:
        for key in ("id", "rule", "severity", "category", "subject", "message", "recommendation"):
            assert isinstance(f[key], str) and f[key], (key, f)
        assert f["rule"] in RULE_IDS
        assert f["severity"] in SEVERITIES
        assert f["evidence"], f
        _check_evidence(f["evidence"], f["id"])
    order = [SEVERITIES.index(f["severity"]) for f in findings]
    assert order == sorted(order), "findings are listed worst first"

    assert isinstance(data["trace"], list) and data["trace"]
    for t in data["trace"]:
        assert t["rule"] in RULE_IDS
        assert isinstance(t["matched"], list)
    fired = {t["rule"] for t in data["trace"]}
    assert {f["rule"] for f in findings} <= fired
    assert {b["rule"] for b in c["because"]} <= fired


# --- determinism and golden files ------------------------------------------------------------------

def check_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return
    assert path.is_file(), f"{path} is missing: run with UPDATE_GOLDEN=1 to create it"
    expected = path.read_bytes().decode("utf-8")
    # The golden files are written by durable-rules; the python engine must give the same bytes but
    # for the engine's name in the tool section.
    text = text.replace('\n    "engine": "python"\n', '\n    "engine": "durable"\n', 1)
    if text != expected:
        diff = "".join(list(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                                 f"golden/{name}.json", "now"))[:60])
        pytest.fail(f"the report differs from tests/golden/{name}.json (UPDATE_GOLDEN=1 if intended):\n{diff}")


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: Path(s).name)
def test_report_matches_golden_file(run, sample):
    result = ok(run("assess", "--format", "json", sample, cache=True))
    check_golden(Path(sample).stem, result.stdout)


def test_same_inputs_give_byte_identical_json(run, tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    ok(run("assess", MERIDIAN, MERIDIAN_FINANCE, "-o", first))
    ok(run("assess", MERIDIAN, MERIDIAN_FINANCE, "-o", second))
    assert first.read_bytes() == second.read_bytes()
    printed = ok(run("assess", "--format", "json", MERIDIAN, MERIDIAN_FINANCE, cache=True)).stdout
    assert first.read_bytes() == printed.encode("utf-8")


def test_same_inputs_give_identical_json_in_separate_processes(tmp_path):
    """A fresh interpreter each time (hash seeds differ): nothing depends on set or dict-of-set order."""
    outputs = []
    for i, seed in enumerate(("1", "2")):
        out = tmp_path / f"run{i}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "assessor", "assess", "samples/atlas-rail.xlsx", "-o", str(out)],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


@pytest.mark.skipif(not durable_installed(), reason="durable-rules is not installed (Python 3.13+)")
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: Path(s).name)
def test_both_engines_give_the_same_json_but_for_their_name(run, sample):
    durable = ok(run("assess", "--engine", "durable", "--format", "json", sample)).stdout
    python = ok(run("assess", "--engine", "python", "--format", "json", sample)).stdout
    assert json.loads(durable)["tool"]["engine"] == "durable" and json.loads(python)["tool"]["engine"] == "python"
    assert python.replace('"engine": "python"', '"engine": "durable"', 1) == durable


def test_engine_option_names_both_engines_and_its_variable(run):
    result = ok(run("assess", "--help"))
    assert "--engine [durable|python]" in result.output and "PMO_ASSESS_ENGINE" in result.output
    assert "--rules" in result.output and "--extra-rules" in result.output and "--fail-on" in result.output


def test_an_unknown_engine_is_a_usage_error(run):
    result = run("assess", "--engine", "drools", "samples/atlas-rail.xlsx")
    assert result.exit_code == 2 and "'drools' is not one of 'durable', 'python'" in result.output


# --- several respondents ------------------------------------------------------------------------

def question_row(qid: str) -> int:
    """The Questions sheet row of a question in the shipped template (questions in bank order from row 2)."""
    from assessor.questionnaire.bank import load_bank

    return [q.id for q in load_bank().questions].index(qid) + 2


def test_two_respondents_are_merged_and_their_disagreement_reported(run):
    data = assessed(run, MERIDIAN, MERIDIAN_FINANCE)
    # in canonical order (by respondent), not in the order given
    assert [r["file"] for r in data["respondents"]] == [MERIDIAN_FINANCE, MERIDIAN]
    assert [r["respondent"] for r in data["respondents"]] == ["Ben Carter", "Dana Whitfield"]
    (finding,) = [f for f in data["findings"] if f["rule"] == "DQ-03"]  # one root cause, one finding
    assert finding["severity"] == "medium" and finding["category"] == "data-quality"
    assert finding["message"].startswith("Respondents are two or more levels apart on ")
    fn03 = next((d for d in finding["details"] if d["subject"] == "FN-03"), None)
    assert fn03 is not None, finding["details"]
    assert fn03["message"].startswith("Respondents disagree on FN-03")
    assert {e["file"] for e in fn03["evidence"]} == {MERIDIAN, MERIDIAN_FINANCE}
    assert {(e["sheet"], e["cell"]) for e in fn03["evidence"]} == {("Questions", f"E{question_row('FN-03')}")}
    assert {e["respondent"] for e in fn03["evidence"]} == {"Dana Whitfield", "Ben Carter"}
    assert {(e["file"], e["cell"]) for e in fn03["evidence"]} <= {(e["file"], e["cell"]) for e in finding["evidence"]}
    # one respondent alone disagrees with nobody
    assert not [f for f in assessed(run, MERIDIAN)["findings"] if f["rule"] == "DQ-03"]


def test_two_respondents_on_the_console(run):
    result = ok(run("assess", MERIDIAN, MERIDIAN_FINANCE))
    assert "respondents: Ben Carter, Dana Whitfield" in result.stdout
    assert "Respondents are two or more levels apart on " in result.stdout
    line = next(l for l in result.stdout.splitlines() if "Respondents are two or more levels apart" in l)
    assert "FN-03" in line
    assert f"meridian-bank.xlsx Questions!E{question_row('FN-03')}" in result.stdout


# --- a consultant's copy of rules/ -------------------------------------------------------------

def test_overall_share_1_in_a_copy_of_rules_gives_the_weakest_dimension(run, tmp_path):
    """The P3M3 certification reading (the lowest perspective) is one setting away from the median."""
    copy = tmp_path / "my-rules"
    shutil.copytree(RULES, copy)
    path = copy / "maturity.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("overall_share: 0.5 ") == 1
    path.write_text(text.replace("overall_share: 0.5 ", "overall_share: 1 "), encoding="utf-8")

    shipped = assessed(run, HARBOUR)
    changed = json.loads(ok(run("assess", "--format", "json", "--rules", copy, HARBOUR)).stdout)
    assert levels_of(changed) == levels_of(shipped), "the setting changes the overall level only"
    weakest = shipped["maturity"]["overall"]["weakest"]["level"]
    assert changed["maturity"]["overall"]["level"] == weakest < shipped["maturity"]["overall"]["level"]
    assert changed["maturity"]["overall"]["method"] != "median"
    assert changed["rulebase"]["fingerprint"] != shipped["rulebase"]["fingerprint"]
    assert assessed(run, HARBOUR)["maturity"]["overall"] == shipped["maturity"]["overall"]  # shipped rules untouched


def test_a_new_rule_in_a_copy_of_rules_fires(run, tmp_path):
    copy = tmp_path / "my-rules"
    shutil.copytree(RULES, copy)
    (copy / "consultant.yaml").write_text(CONSULTANT_RULE, encoding="utf-8")
    ok(run("rules", "lint", copy))
    listed = ok(run("rules", "list", "--rules", copy)).stdout
    assert "CONS-RP-01" in listed

    data = json.loads(ok(run("assess", "--format", "json", "--rules", copy, HARBOUR)).stdout)
    mine = [f for f in data["findings"] if f["rule"] == "CONS-RP-01"]
    assert len(mine) == 1, data["findings"]
    assert mine[0]["subject"] == "RP-01" and mine[0]["message"] == "RP-01 is answered 3: reporting is defined."
    assert [(e["sheet"], e["cell"]) for e in mine[0]["evidence"]] == [("Questions", "E2")]
    assert data["rulebase"]["rules"] == len(RULE_IDS) + 1
    assert "CONS-RP-01" in {t["rule"] for t in data["trace"]}


def test_a_rule_pack_added_with_extra_rules(run, tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "consultant.yaml").write_text(CONSULTANT_RULE, encoding="utf-8")
    shipped = assessed(run, HARBOUR)
    data = json.loads(ok(run("assess", "--format", "json", "--extra-rules", pack, HARBOUR)).stdout)
    assert [f["rule"] for f in data["findings"] if f["rule"] == "CONS-RP-01"] == ["CONS-RP-01"]
    assert {f["id"] for f in shipped["findings"]} < {f["id"] for f in data["findings"]}
    assert data["rulebase"]["rules"] == len(RULE_IDS) + 1
    assert data["classification"]["model"] == shipped["classification"]["model"]
    assert levels_of(data) == levels_of(shipped)


def test_a_broken_rule_folder_stops_the_assessment(run, tmp_path):
    copy = tmp_path / "my-rules"
    shutil.copytree(RULES, copy)
    path = copy / "pmo-type.yaml"
    text = path.read_text(encoding="utf-8")
    old = "where: {question: AS-04, status: answered, value: {gte: {setting: authority_present}}}"
    assert text.count(old) == 1
    path.write_text(text.replace(old, old.replace("{gte:", "{gtx:")), encoding="utf-8")
    result = run("assess", "--rules", copy, HARBOUR)
    assert_user_error(result, f"{path}: rules[TYPE-DIR-01].when.all[0].where.value.gtx: error: unknown operator")
    assert result.stdout == ""


def test_extra_rules_cannot_redefine_a_shipped_rule(run, tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "mine.yaml").write_text(CONSULTANT_RULE.replace("CONS-RP-01", "DQ-01"), encoding="utf-8")
    assert_user_error(run("assess", "--extra-rules", pack, HARBOUR), "rules[DQ-01].id", "duplicate rule id")


# --- writing the report -------------------------------------------------------------------------

def test_json_without_output_goes_to_stdout(run):
    result = ok(run("assess", "--format", "json", HARBOUR, cache=True))
    assert json.loads(result.stdout)["schema_version"] == "1.0"
    assert result.stderr == ""


def test_output_file_takes_its_format_from_the_extension(run, tmp_path):
    out = tmp_path / "report.json"
    result = ok(run("assess", HARBOUR, "-o", out))
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    assert out.read_text(encoding="utf-8") == ok(run("assess", "--format", "json", HARBOUR, cache=True)).stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temporary file left


def test_existing_output_needs_force(run, tmp_path):
    out = tmp_path / "report.json"
    out.write_text("keep me\n", encoding="utf-8")
    assert_user_error(run("assess", HARBOUR, "-o", out), "--force")
    assert out.read_text(encoding="utf-8") == "keep me\n"
    ok(run("assess", HARBOUR, "-o", out, "--force"))
    assert json.loads(out.read_text(encoding="utf-8"))["classification"]["model"] == "supportive"


def test_never_writes_over_an_input_even_with_force(run, tmp_path):
    workbook = tmp_path / "input.xlsx"
    shutil.copyfile(REPO / HARBOUR, workbook)
    before = workbook.read_bytes()
    (tmp_path / "sub").mkdir()
    same_file = tmp_path / "sub" / ".." / "input.xlsx"  # another spelling of the same path
    result = run("assess", workbook, "--format", "json", "-o", same_file, "--force")
    assert_user_error(result, "input")
    assert workbook.read_bytes() == before
    result = run("assess", workbook, "-o", workbook, "--force")
    assert result.exit_code == 2 and workbook.read_bytes() == before


def test_unknown_output_extension(run, tmp_path):
    out = tmp_path / "report.txt"
    result = run("assess", HARBOUR, "-o", out)
    assert_user_error(result, "report.txt", ".txt", "--format")
    assert not out.exists()
    assert len(result.output.strip().splitlines()) == 1


def test_unknown_format(run):
    assert_user_error(run("assess", "--format", "xml", HARBOUR), "'xml' is not one of", "console", "json")


def test_output_into_a_missing_folder(run, tmp_path):
    assert_user_error(run("assess", HARBOUR, "-o", tmp_path / "nowhere" / "report.json"), "does not exist")


# --- --fail-on ------------------------------------------------------------------------------------

def test_fail_on(run):
    data = assessed(run, HARBOUR)
    severities = {f["severity"] for f in data["findings"]}
    assert "medium" in severities and "critical" not in severities
    failing = run("assess", "--format", "json", "--fail-on", "medium", HARBOUR)
    assert failing.exit_code == 1, failing.output
    assert json.loads(failing.stdout) == data  # the report is still printed
    at_or_above = sum(f["severity"] in ("critical", "high", "medium") for f in data["findings"])
    # the exit 1 is said: a build log showed a failed step and nothing else
    assert f"--fail-on medium: {at_or_above} finding(s) at or above medium (exit 1)" in failing.stderr
    passing = ok(run("assess", "--format", "json", "--fail-on", "critical", HARBOUR))
    assert "--fail-on" not in passing.stderr


def test_fail_on_needs_a_known_severity(run):
    result = run("assess", "--fail-on", "severe", HARBOUR)
    assert result.exit_code == 2 and "Traceback" not in result.output


# --- bad input -------------------------------------------------------------------------------------

BROKEN = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "samples" / "broken").glob("*.xlsx"))


@pytest.mark.parametrize("sample", BROKEN)
def test_broken_sample_exits_2_with_one_line_per_problem(run, sample):
    result = run("assess", sample)
    assert_user_error(result, sample)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    problems = [l for l in lines if PROBLEM_LINE.match(l)]
    assert problems, result.stderr
    others = [l for l in lines if l not in problems]
    if len(problems) > 1:
        assert others == [f"{len(problems)} error(s); nothing was assessed."]
    else:
        assert others == []


def test_broken_sample_lists_every_problem_with_its_cell(run):
    result = run("assess", "samples/broken/typos-and-gaps.xlsx")
    assert_user_error(result, "Questions!E2: error: answer to RP-01 is out of range (found 7;",
                      "Roles!D5: error: FTE of AUDITOR is not a number (found 'half';")


def test_missing_input_file(run):
    result = run("assess", "samples/nope.xlsx")
    assert_user_error(result, "samples/nope.xlsx", "not found")
    assert len(result.output.strip().splitlines()) == 1


def test_a_broken_sample_in_a_real_process_shows_no_traceback():
    done = subprocess.run([sys.executable, "-m", "assessor", "assess", "samples/broken/renamed-sheet.xlsx"],
                          cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert "samples/broken/renamed-sheet.xlsx: Questions: error: missing sheet 'Questions'" in done.stderr


# --- rule files lint accepts but the assessment cannot run (library bugs) --------------------------

def test_a_conclusion_referring_to_another_alternatives_alias_is_a_user_error(run, tmp_path):
    from tests.test_rules_lint import ANY_ALTERNATIVE_REF

    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "any.yaml").write_text(ANY_ALTERNATIVE_REF, encoding="utf-8")
    assert_user_error(run("assess", "--extra-rules", pack, HARBOUR), "rules[CONS-ANY-01]")


def test_a_rule_id_that_is_a_number_is_a_user_error(run, tmp_path):
    from tests.test_rules_lint import NUMBER_AS_RULE_ID

    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "number.yaml").write_text(NUMBER_AS_RULE_ID, encoding="utf-8")
    assert_user_error(run("assess", "--extra-rules", pack, HARBOUR), "id")


def test_a_threshold_written_as_text_is_a_user_error(run, tmp_path):
    copy = tmp_path / "my-rules"
    shutil.copytree(RULES, copy)
    path = copy / "pmo-type.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("type_threshold: 0.5 ") == 1
    path.write_text(text.replace("type_threshold: 0.5 ", 'type_threshold: "0,5" '), encoding="utf-8")
    assert_user_error(run("assess", "--rules", copy, HARBOUR), "type_threshold")


def test_a_reason_reads_mid_sentence_but_names_and_acronyms_keep_their_capitals():
    from assessor.reports.console import _mid_sentence

    assert _mid_sentence("The PMO cannot stop a project") == "the PMO cannot stop a project"
    assert _mid_sentence("Use of the PMO's methodology is optional") == "use of the PMO's methodology is optional"
    assert _mid_sentence("PMO staff run the gates") == "PMO staff run the gates"
    assert _mid_sentence("Microsoft Project is the planning tool") == "Microsoft Project is the planning tool"
