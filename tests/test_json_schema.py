"""The JSON report against its published schema, schemas/assessment.schema.json (Draft 2020-12).

The schema closes every object the tool controls (``additionalProperties: false``), so these
tests catch a renamed, removed or new field: the JSON report of every bundled sample, of the
two- and three-respondent Meridian Bank assessments and every golden file must validate, and documents
with one deliberate mistake each must not (so the schema really constrains something).

Fast: one ``Assessor`` (one durable-rules compile) for the module, each input assessed once,
rendered by the JSON reporter exactly as ``pmo-assess assess --format json`` writes it.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from assessor import api
from assessor.api import Assessor
from assessor.assessment import SCHEMA_VERSION

REPO = Path(__file__).resolve().parent.parent
SCHEMA_PATH = REPO / "schemas" / "assessment.schema.json"
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "samples").glob("*.xlsx"))
MERIDIAN_PAIR = ("samples/meridian-bank.xlsx", "samples/more-respondents/meridian-bank-finance.xlsx")
MERIDIAN_THREE = MERIDIAN_PAIR + ("samples/more-respondents/meridian-bank-programme.xlsx",)
INPUTS = {Path(s).stem: (s,) for s in SAMPLES} | {"meridian-bank+finance": MERIDIAN_PAIR,
                                                  "meridian-bank+finance+programme": MERIDIAN_THREE}


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema) -> Draft202012Validator:
    return Draft202012Validator(schema)  # no format_checker: "format" is an annotation here


@pytest.fixture(scope="module")
def reports() -> dict[str, dict]:
    """Input name -> the JSON report, parsed back (paths relative to the repository, as the CLI is run)."""
    assessor = Assessor()
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        for name, paths in INPUTS.items():
            text = api.render_report(assessor.assess(list(paths)).to_dict(), "json")
            out[name] = json.loads(text)
    return out


def errors(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message[:300]}"
            for e in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))]


# --- the schema itself --------------------------------------------------------------------------------

def test_schema_is_a_valid_draft_2020_12_schema(schema):
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"] and "ignore" in schema["description"]
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION == "1.0"
    assert {"evidence", "finding"} <= set(schema["$defs"])


def test_readme_names_the_schema_file():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The JSON report", 1)[1].split("\n## ", 1)[0]
    assert "schemas/assessment.schema.json" in section


# --- real reports validate ----------------------------------------------------------------------------

def test_every_bundled_sample_is_covered():
    assert len(SAMPLES) >= 4, SAMPLES
    assert all((REPO / p).exists() for p in MERIDIAN_PAIR)


@pytest.mark.parametrize("name", list(INPUTS))
def test_report_validates(validator, reports, name):
    problems = errors(validator, reports[name])
    assert not problems, "\n".join(problems[:20])


def test_two_respondent_report_has_both_respondents(reports):
    data = reports["meridian-bank+finance"]
    # canonical order: Ben Carter (the finance workbook) before Dana Whitfield, whatever the order given
    assert [r["file"] for r in data["respondents"]] == list(reversed(MERIDIAN_PAIR))
    assert any(len(a["responses"]) == 2 for a in data["maturity"]["answers"])


GOLDEN_FILES = sorted(GOLDEN.glob("*.json"))


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: p.name)
def test_golden_file_validates(validator, path):
    problems = errors(validator, json.loads(path.read_text(encoding="utf-8")))
    assert not problems, "\n".join(problems[:20])


def test_there_are_golden_files():
    assert GOLDEN_FILES


# --- broken documents do not ------------------------------------------------------------------------

def _first(items, test=lambda item: True):
    return next(item for item in items if test(item))


def _set(path, value):
    def mutate(doc):
        *parents, last = path
        node = doc
        for key in parents:
            node = node[key]
        node[last] = value
    return mutate


def _delete(path):
    def mutate(doc):
        *parents, last = path
        node = doc
        for key in parents:
            node = node[key]
        del node[last]
    return mutate


def _rename_evidence_cell(doc):
    e = _first(doc["findings"], lambda f: f["evidence"])["evidence"][0]
    e["ref"] = e.pop("cell")


def _sheet_in_evidence_cell(doc):
    e = _first(doc["findings"], lambda f: f["evidence"])["evidence"][0]
    e["cell"] = f"{e['sheet']}!{e['cell']}"


def _answered_without_value(doc):
    _first(doc["maturity"]["answers"], lambda a: a["status"] == "answered")["value"] = None


def _firing_with_neither(doc):
    doc["trace"][0].update(concluded=None, finding=None)


def _extra_key_in_finding(doc):
    doc["findings"][0]["owner"] = "someone"


# (id, mutation, the path the error must be reported at or under)
MUTATIONS = [
    ("severity urgent", _set(("findings", 0, "severity"), "urgent"), ("findings", 0, "severity")),
    ("tier 5", _set(("classification", "tier"), 5), ("classification",)),
    ("classification.model missing", _delete(("classification", "model")), ("classification",)),
    ("unknown top-level key", _set(("generated_at",), "2026-01-01"), ()),
    ("schema_version 2.0", _set(("schema_version",), "2.0"), ("schema_version",)),
    ("model unknown", _set(("classification", "model"), "advisory"), ("classification", "model")),
    ("tier_name disagrees with tier", _set(("classification", "tier_name"), "no such office"), ("classification",)),
    ("confidence above 1", _set(("classification", "confidence", "model"), 1.5), ("classification", "confidence")),
    ("dimension level 6", _set(("maturity", "dimensions", 0, "level"), 6), ("maturity", "dimensions", 0)),
    ("overall level missing", _delete(("maturity", "overall", "level")), ("maturity", "overall")),
    ("coverage status unknown", _set(("coverage", "responsibilities", 0, "status"), "fine"), ("coverage",)),
    ("roadmap rank 0", _set(("roadmap", "items", 0, "rank"), 0), ("roadmap", "items", 0)),
    ("finding rule lower case", _set(("findings", 0, "rule"), "cov-a-none"), ("findings", 0, "rule")),
    ("finding has an unknown key", _extra_key_in_finding, ("findings", 0)),
    ("evidence cell renamed", _rename_evidence_cell, ("findings",)),
    ("evidence cell with its sheet", _sheet_in_evidence_cell, ("findings",)),
    ("answered without a value", _answered_without_value, ("maturity", "answers")),
    ("firing with neither conclusion nor finding", _firing_with_neither, ("trace", 0)),
    ("warnings not a list", _set(("warnings",), {}), ("warnings",)),
]


@pytest.fixture(scope="module")
def small_report(validator, reports) -> dict:
    """The two-respondent report with every list cut to its first few items: still valid, quick to check."""
    def cut(node):
        if isinstance(node, dict):
            return {k: cut(v) for k, v in node.items()}
        if isinstance(node, list):
            return [cut(v) for v in node[:3]]
        return node

    doc = cut(reports["meridian-bank+finance"])
    for dimension in doc["maturity"]["dimensions"]:
        dimension["criteria"] = copy.deepcopy(_first(reports["meridian-bank+finance"]["maturity"]["dimensions"],
                                                     lambda d: d["id"] == dimension["id"])["criteria"])
    problems = errors(validator, doc)
    assert not problems, "\n".join(problems[:20])
    return doc


@pytest.mark.parametrize("mutate, where", [(m, w) for _, m, w in MUTATIONS], ids=[i for i, _, _ in MUTATIONS])
def test_a_broken_document_fails(validator, small_report, mutate, where):
    doc = copy.deepcopy(small_report)
    mutate(doc)
    found = list(validator.iter_errors(doc))
    assert found, "the mutated document still validates: the schema does not catch this"
    paths = [tuple(e.absolute_path) for e in found]
    assert any(p[:len(where)] == where for p in paths), paths


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.name)
def test_the_fast_encoder_writes_what_the_standard_library_writes(path):
    """orjson writes the reports; json.dumps(indent=2, ensure_ascii=False) is the reference."""
    import json

    from assessor.reports.json_report import dumps

    data = json.loads(path.read_text(encoding="utf-8"))
    assert dumps(data) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    assert dumps({"odd": {1: "a non-string key"}}) == json.dumps({"odd": {1: "a non-string key"}}, indent=2) + "\n"
