"""Target levels and the roadmap (``pmo-assess assess FILE [--targets FILE]``).

Targets default to one level above the current one (capped at 5; none for a dimension that is
not applicable); a YAML file overrides them. The roadmap lists, per dimension below target, the
practices of levels 1..target whose answer is below the target (or unknown): in the staged model
every one of them stands between the office and that level. Items go to the phase of
rules/roadmap.yaml that lists their question's level; in a phase the tier's prerequisites come
first, then the least mature dimension's practices, lower levels first, the larger weighted gap
(weight times how far the answer is below the target, unknown counting 0) first. The expected
roadmap here is computed independently from the JSON.

Assessing compiles the rule base, so every assessment a test reads is made once per module.
"""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import yaml

from tests.cli_helpers import invoke, ok

REPO = Path(__file__).resolve().parent.parent
SAMPLES = {"harbour": REPO / "samples" / "harbour-city-council.xlsx",
           "northwind": REPO / "samples" / "northwind-energy.xlsx",
           "atlas": REPO / "samples" / "atlas-rail.xlsx"}
SETTINGS = yaml.safe_load((REPO / "rules" / "maturity.yaml").read_text(encoding="utf-8"))["settings"]
ROADMAP_SETTING = yaml.safe_load((REPO / "rules" / "roadmap.yaml").read_text(encoding="utf-8"))["settings"]["roadmap"]
PHASES = ROADMAP_SETTING["phases"]
PHASE_OF_LEVEL = {level: p["id"] for p in PHASES for level in p["practice_levels"]}
ESTABLISHED_AT = ROADMAP_SETTING["established_at"]
EXCLUDED = tuple(SETTINGS["overall_excluded"])

TARGETS_3_REPORTING_5 = "default: 3\ntargets:\n  reporting: 5\n"
# The custom workbook's reporting answers: level 3 (RP-01, its only practice below level 4, is at 3;
# RP-02, a level-4 practice, is at 1).
CUSTOM_REPORTING = {"RP-01": 3, "RP-02": 1, "RP-03": "N/A", "RP-04": "Don't know", "RP-05": 2}
CUSTOM_BLANK = "MS-05"   # left blank (the other methodology answers give enough evidence for a level)
TARGETS_ALL_5 = "default: 5\n"




@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("targets")


@pytest.fixture(scope="module")
def custom_workbook(folder, workbook_factory, bank) -> Path:
    """The good workbook with the reporting answers of CUSTOM_REPORTING."""
    rows = {q.id: i for i, q in enumerate(bank.questions, start=2)}
    assert {q.id for q in bank.questions if q.dimension == "reporting"} == set(CUSTOM_REPORTING)
    edits = [("Questions", f"E{rows[qid]}", a) for qid, a in CUSTOM_REPORTING.items()]
    edits += [("Questions", f"E{rows[q.id]}", 5) for q in bank.questions if q.dimension == "tools"]  # level 5
    edits += [("Questions", f"E{rows[CUSTOM_BLANK]}", None)]
    return workbook_factory(folder, edits, "custom.xlsx")


@pytest.fixture(scope="module")
def assessed(folder, custom_workbook):
    """``assessed(name, targets_text=None)``: the JSON report, made once per module."""
    cache: dict = {}

    def get(name: str, targets: str | None = None) -> dict:
        key = (name, targets)
        if key not in cache:
            source = custom_workbook if name == "custom" else SAMPLES[name]
            args = ["assess", "--format", "json", source]
            if targets is not None:
                path = folder / f"targets-{len(cache)}.yaml"
                path.write_text(targets, encoding="utf-8")
                args += ["--targets", path]
            cache[key] = json.loads(ok(invoke(*args)).stdout)
        return cache[key]

    return get


def dims(data: dict) -> dict:
    return {d["id"]: d for d in data["maturity"]["dimensions"]}


# --- targets ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [*SAMPLES, "custom"])
def test_default_target_is_the_next_level_capped_at_5(assessed, name):
    for d in assessed(name)["maturity"]["dimensions"]:
        if d["level"] is None:
            assert not d["applicable"] and d["target"] is None and d["gap"] is None, d
        else:
            assert d["target"] == min(d["level"] + 1, 5), d
            assert d["gap"] == d["target"] - d["level"], d


def test_the_samples_cover_the_cap_and_not_applicable_dimensions(assessed):
    custom = [d for d in assessed("custom")["maturity"]["dimensions"] if d["level"] == 5]
    assert [d["id"] for d in custom] == ["tools"] and all(d["target"] == 5 and d["gap"] == 0 for d in custom)
    harbour = [d for d in assessed("harbour")["maturity"]["dimensions"] if not d["applicable"]]
    assert {d["id"] for d in harbour} == {"portfolio", "programme"}
    assert all(d["target"] is None for d in harbour)


def test_a_targets_file_overrides_target_and_gap(assessed):
    data = assessed("northwind", TARGETS_3_REPORTING_5)
    for d in data["maturity"]["dimensions"]:
        assert d["target"] == (5 if d["id"] == "reporting" else 3), d
        assert d["gap"] == d["target"] - d["level"], d
    default = dims(assessed("northwind"))
    assert {d: v["level"] for d, v in dims(data).items()} == {d: v["level"] for d, v in default.items()}, \
        "targets never change the levels"


def test_a_targets_file_changes_the_roadmap(assessed):
    default = assessed("northwind")["roadmap"]["items"]
    custom = assessed("northwind", TARGETS_3_REPORTING_5)["roadmap"]["items"]
    assert [(i["dimension"], i["question"]) for i in custom] != [(i["dimension"], i["question"]) for i in default]
    levels = {d: v["level"] for d, v in dims(assessed("northwind")).items()}
    assert levels["programme"] == 3 and levels["reporting"] == 3 and levels["portfolio"] == 1
    assert "programme" in {i["dimension"] for i in default}       # level 3, default target 4
    assert "programme" not in {i["dimension"] for i in custom}    # level 3, target 3: nothing to do
    assert "reporting" in {i["dimension"] for i in custom}        # level 3, target 5
    portfolio = [i for i in custom if i["dimension"] == "portfolio"]   # level 1, target 3 (default 2)
    assert {i["question_level"] for i in portfolio} - {1, 2}, "the roadmap reaches past the next level"
    for item in custom:
        assert item["target"] == (5 if item["dimension"] == "reporting" else 3)
        assert item["current_level"] < item["target"] and item["question_level"] <= item["target"]
        assert item["answer"] is None or item["answer"] < item["target"]


def test_the_excel_report_shows_the_targets_file(folder):
    targets = folder / "excel-targets.yaml"
    targets.write_text(TARGETS_3_REPORTING_5, encoding="utf-8")
    out = folder / "targets.xlsx"
    ok(invoke("assess", SAMPLES["northwind"], "--targets", targets, "-o", out))
    json_data = json.loads(ok(invoke("assess", SAMPLES["northwind"], "--targets", targets, "--format", "json")).stdout)
    wb = openpyxl.load_workbook(out)
    ws = wb["Dimensions"]
    shown = {ws.cell(row=r, column=1).value: (ws.cell(row=r, column=5).value, ws.cell(row=r, column=6).value)
             for r in range(2, ws.max_row + 1)}
    assert shown == {d["id"]: (d["target"], d["gap"]) for d in json_data["maturity"]["dimensions"]}
    roadmap = wb["Roadmap"]
    actions = [a for p in json_data["roadmap"]["phases"] for a in p["actions"]]
    shown = [roadmap.cell(row=r, column=7).value for r in range(2, 2 + len(actions))]
    assert [s.split(" ")[0] for s in shown] == [a.get("question") or a["responsibility"] for a in actions]
    assert roadmap.cell(row=2 + len(actions), column=1).value is None


INVALID = {
    "unknown-dimension": ("targets:\n  marketing: 3\n", "targets.marketing", "unknown dimension"),
    "level-7": ("targets:\n  reporting: 7\n", "targets.reporting", "target must be a level 0-5"),
    "level-true": ("targets:\n  reporting: true\n", "targets.reporting", "target must be a level 0-5"),
    "default-high": ("default: high\n", "default", "must be next or a level 0-5"),
    "not-a-mapping": ("- reporting\n- 3\n", "(top level)", "must be a mapping"),
    "empty-file": ("", "error", "the targets file is empty"),
    "targets-a-list": ("targets: [reporting]\n", "targets", "must map dimension ids to levels"),
    "unknown-key": ("default: 3\ncolour: red\n", "colour", "unknown key"),
    "yaml-syntax": ("targets: {reporting: 3\n", "line ", "invalid YAML"),
    "duplicate-key": ("default: 2\ndefault: 3\n", "line 2", "written twice"),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_an_invalid_targets_file_exits_2_naming_file_and_key(folder, case):
    text, key, message = INVALID[case]
    path = folder / f"bad-{case}.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke("assess", SAMPLES["northwind"], "--targets", path)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith(f"{path}: {key}")]
    if key == "error":  # a problem with the whole file has no key to name
        lines = [line for line in result.output.splitlines() if line.startswith(f"{path}: error: ")]
    assert lines and message in lines[0], result.output
    assert ": error: " in lines[0]


def test_every_problem_of_a_targets_file_is_listed(folder):
    path = folder / "bad-several.yaml"
    path.write_text("default: high\ntargets:\n  marketing: 3\n  reporting: 9\n", encoding="utf-8")
    result = invoke("assess", SAMPLES["northwind"], "--targets", path)
    assert result.exit_code == 2, result.output
    for key in ("default", "targets.marketing", "targets.reporting"):
        assert any(line.startswith(f"{path}: {key}: error: ") for line in result.output.splitlines()), key
    assert "3 error(s); nothing was assessed." in result.output


def test_a_missing_targets_file_exits_2(folder):
    path = folder / "nowhere.yaml"
    result = invoke("assess", SAMPLES["northwind"], "--targets", path)
    assert result.exit_code == 2 and f"{path}: error: file not found" in result.output, result.output


def test_never_writes_over_the_targets_file(folder):
    path = folder / "kept.yaml"
    path.write_text(TARGETS_3_REPORTING_5, encoding="utf-8")
    result = invoke("assess", SAMPLES["northwind"], "--targets", path, "--format", "json", "-o", path, "--force")
    assert path.read_text(encoding="utf-8") == TARGETS_3_REPORTING_5
    assert result.exit_code == 2 and "refusing to write over an input file" in result.output


# --- the roadmap --------------------------------------------------------------------------------

def expected_items(data: dict) -> dict:
    """Question id -> the roadmap item the module docstring's rule gives, from the JSON's answers."""
    by_dim = dims(data)
    out = {}
    for a in data["maturity"]["answers"]:
        d = by_dim[a["dimension"]]
        level, target = d["level"], d["target"]
        if level is None or target is None or a["dimension"] in EXCLUDED:
            continue
        if level >= target or a["level"] > target or a["status"] == "not_applicable":
            continue
        if a["status"] == "answered" and a["value"] >= target:
            continue
        value = a["value"] if a["status"] == "answered" else None
        out[a["question"]] = {
            "dimension": a["dimension"], "dimension_name": d["name"], "current_level": level, "target": target,
            "question_level": a["level"], "question_text": a["text"], "answer": value, "status": a["status"],
            "weight": a["weight"], "weighted_gap": pytest.approx(a["weight"] * (target - (value or 0)))}
        if value is None or value < ESTABLISHED_AT:   # not in place yet: the action that sets it up
            out[a["question"]]["action"] = a["action"]
    return out


def next_level(item: dict) -> int:
    """The level a practice must reach next, never below its question's own: the one its phase lists."""
    return min(item["target"], max(item["question_level"], int(item["answer"] or 0) + 1))


def check_order(data: dict) -> None:
    """Phase by phase, the ranks running through them; in a phase the tier's prerequisites, then the
    practices by (dimension's level, dimension, practice level, -weighted gap, question)."""
    items, phases = data["roadmap"]["items"], data["roadmap"]["phases"]
    assert [p["id"] for p in phases] == [p["id"] for p in PHASES]
    actions = [a for p in phases for a in p["actions"]]
    assert [a["rank"] for a in actions] == list(range(1, len(actions) + 1))
    for item in items:
        assert item["phase"] == PHASE_OF_LEVEL[next_level(item)], item["question"]
    ranks = {a["question"]: a["rank"] for a in actions if a["kind"] == "practice"}
    assert {i["question"]: i["rank"] for i in items} == ranks, "each item is its phase's practice action"
    assert [i["rank"] for i in items] == sorted(i["rank"] for i in items), "items come in roadmap order"
    by_question = {i["question"]: i for i in items}
    for phase in phases:
        kinds = [a["kind"] for a in phase["actions"]]
        assert kinds == sorted(kinds, key=lambda k: k != "tier"), f"{phase['id']}: prerequisites first"
        keys = [(i["current_level"], i["dimension"], i["question_level"], -i["weighted_gap"], i["question"])
                for i in (by_question[a["question"]] for a in phase["actions"] if a["kind"] == "practice")]
        assert keys == sorted(keys), phase["id"]


RUNS = {"harbour": ("harbour", None), "northwind": ("northwind", None), "atlas": ("atlas", None),
        "northwind-3-reporting-5": ("northwind", TARGETS_3_REPORTING_5), "northwind-all-5": ("northwind", TARGETS_ALL_5),
        "custom-all-5": ("custom", TARGETS_ALL_5)}


@pytest.mark.parametrize("run", list(RUNS))
def test_roadmap_items_follow_the_rule(assessed, run):
    data = assessed(*RUNS[run])
    items = data["roadmap"]["items"]
    expected = expected_items(data)
    assert items, "every run has something to do"
    assert {i["question"] for i in items} == set(expected)
    for item in items:
        assert {k: item[k] for k in expected[item["question"]]} == expected[item["question"]], item["question"]
        assert item["answer"] is None or item["answer"] < item["target"]
        if item["answer"] is not None and item["answer"] >= ESTABLISHED_AT:   # in place: its next step
            assert item["action"].startswith("Take “") and \
                f" from {item['answer']:g} to {item['target']}: " in item["action"], item
    check_order(data)


def test_wide_targets_start_with_the_least_mature_dimensions_foundations(assessed):
    data = assessed("northwind", TARGETS_ALL_5)
    items = data["roadmap"]["items"]
    assert len({i["dimension"] for i in items}) > 5 and max(
        sum(1 for i in items if i["dimension"] == d) for d in {i["dimension"] for i in items}) > 1
    check_order(data)
    first = items[0]
    assert first["question_level"] <= 2 and first["current_level"] == min(i["current_level"] for i in items)
    assert items[-1]["phase"] == "optimise", "the optimising practices come last"


def test_missing_and_dont_know_answers_count_as_zero_and_na_is_left_out(assessed, bank):
    items = [i for i in assessed("custom", TARGETS_ALL_5)["roadmap"]["items"] if i["dimension"] == "reporting"]
    weight = {q.id: q.weight for q in bank.questions}
    assert dims(assessed("custom", TARGETS_ALL_5))["reporting"]["level"] == 3
    assert [(i["question"], i["status"], i["answer"]) for i in items] == [
        ("RP-01", "answered", 3), ("RP-04", "dont_know", None), ("RP-02", "answered", 1),
        ("RP-05", "answered", 2)]
    assert [i["weighted_gap"] for i in items] == pytest.approx(
        [weight["RP-01"] * 2, weight["RP-04"] * 5, weight["RP-02"] * 4, weight["RP-05"] * 3])
    blank = [i for i in assessed("custom", TARGETS_ALL_5)["roadmap"]["items"] if i["question"] == CUSTOM_BLANK]
    assert [(i["status"], i["answer"], i["weighted_gap"]) for i in blank] == [
        ("unanswered", None, pytest.approx(weight[CUSTOM_BLANK] * 5))]
    assert "RP-03" not in {i["question"] for i in items}, "an N/A question is never on the roadmap"


@pytest.mark.parametrize("run", list(RUNS))
def test_the_authority_dimension_is_not_on_the_roadmap(assessed, run):
    data = assessed(*RUNS[run])
    assert "authority" in EXCLUDED
    assert all(i["dimension"] != "authority" for i in data["roadmap"]["items"])


def test_authority_is_below_its_target_where_it_is_left_out(assessed):
    authority = dims(assessed("northwind"))["authority"]
    assert authority["level"] < authority["target"], "the exclusion is exercised, not vacuous"


@pytest.mark.parametrize("name", list(SAMPLES))
def test_next_tier_lists_what_the_next_tier_needs_and_nobody_covers(assessed, name):
    data = assessed(name)
    tier = data["classification"]["tier"]
    nxt = data["roadmap"]["next_tier"]
    uncovered = sorted(r["id"] for r in data["coverage"]["responsibilities"] if r["required"] == "next" and not r["people"])
    assert sorted(m["subject"] for m in nxt["missing"]) == uncovered
    assert all(m["rule"] == "COV-NEXT-RESP" and m["subject"] in m["message"] for m in nxt["missing"])
    assert not [f for f in data["findings"] if f["category"] == "next-tier"], "what the next tier needs is not a fault"
    if tier == 4:
        assert nxt["tier"] is None and nxt["tier_name"] is None and nxt["missing"] == []
    else:
        assert nxt["tier"] == tier + 1 and nxt["tier_name"]
        assert nxt["missing"], f"{name} lacks something of tier {tier + 1}"
