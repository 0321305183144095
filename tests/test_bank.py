"""The question bank: what ships, and how a broken bank is reported.

A bank is three YAML files (the questions, the role catalogue and the responsibility
catalogue). Loading one checks everything and fails once with every problem, each naming
the file, the item by its id and the key path, e.g. ``questions[RP-03].level``.
"""
from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from assessor.errors import BankError
from assessor.paths import questionnaires_dir
from assessor.questionnaire.bank import load_bank

BANK_FILES = ("pmo-core.yaml", "roles.yaml", "responsibilities.yaml")


# --- the shipped bank -------------------------------------------------------------------------

def test_shipped_bank_is_sizeable(bank):
    assert bank.id == "pmo-core"
    assert len(bank.questions) >= 60
    assert len(bank.dimensions) >= 10
    assert len(bank.roles) >= 18
    assert len(bank.responsibilities) >= 35


def test_every_dimension_has_questions_and_every_question_a_known_dimension(bank):
    per_dimension = Counter(q.dimension for q in bank.questions)
    assert set(per_dimension) == {d.id for d in bank.dimensions}
    assert all(count > 0 for count in per_dimension.values())


def test_answer_scale_is_0_to_5_labelled_plus_na_and_dont_know(bank):
    assert [s.value for s in bank.scale] == [0, 1, 2, 3, 4, 5]
    assert all(s.label.strip() for s in bank.scale)
    assert bank.scale_label(3) == "Defined"
    assert bank.not_applicable == "N/A"
    assert bank.dont_know == "Don't know"


def test_question_ids_are_unique_and_findable(bank):
    ids = [q.id for q in bank.questions]
    assert len(ids) == len(set(ids))
    assert bank.question("RP-03").dimension == "reporting"
    assert bank.question("XX-99") is None


def test_questions_reference_catalogue_responsibilities(bank):
    known = set(bank.responsibility_ids())
    assert {q.responsibility for q in bank.questions} <= known


def test_questions_hash_changes_when_a_question_changes(bank):
    import dataclasses

    first = bank.questions[0]
    edited = dataclasses.replace(bank, questions=(dataclasses.replace(first, text=first.text + "?"),)
                                 + bank.questions[1:])
    assert len(bank.questions_hash) == 16
    assert edited.questions_hash != bank.questions_hash
    # Guidance is help text, not what is answered: editing it keeps the fingerprint.
    reworded = dataclasses.replace(bank, questions=(dataclasses.replace(first, guidance="new"),)
                                   + bank.questions[1:])
    assert reworded.questions_hash == bank.questions_hash


def test_bank_can_be_named_by_path(bank):
    by_path = load_bank(questionnaires_dir() / "pmo-core.yaml")
    assert by_path.questions == bank.questions


def test_unknown_bank_id_names_the_shipped_banks():
    with pytest.raises(BankError) as caught:
        load_bank("nope")
    message = str(caught.value)
    assert message.startswith("no question bank found at ") and "nope.yaml ('nope')" in message
    assert "pmo-core" in message


def test_a_yaml_file_that_is_no_bank_is_called_so(tmp_path):
    """`template -q targets.yaml` said only "roles.yaml: error: file not found" (the catalogue it looked
    for beside it)."""
    targets = tmp_path / "targets.yaml"
    targets.write_text("default: 3\n", encoding="utf-8")
    with pytest.raises(BankError) as caught:
        load_bank(targets)
    (problem,) = caught.value.problems
    assert (problem.file, problem.message) == (str(targets), "not a question bank (it has no questions)")
    assert "roles.yaml" not in str(caught.value)


# --- broken copies of the bank ----------------------------------------------------------------

@pytest.fixture
def bank_copy(tmp_path):
    """Copy the three bank files to tmp_path; return (folder, edit) where edit(file, change) rewrites one."""
    for name in BANK_FILES:
        shutil.copyfile(questionnaires_dir() / name, tmp_path / name)

    def edit(name: str, change) -> Path:
        path = tmp_path / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    return tmp_path, edit


def load_problems(folder: Path):
    with pytest.raises(BankError) as caught:
        load_bank(folder / "pmo-core.yaml")
    return caught.value.problems


def item(data: dict, section: str, item_id: str) -> dict:
    return next(x for x in data[section] if x["id"] == item_id)


def test_an_unmodified_copy_loads(bank_copy, bank):
    folder, _ = bank_copy
    assert load_bank(folder / "pmo-core.yaml").questions == bank.questions


def _two_accountable(data):
    item(data, "responsibilities", "status-reporting")["default_raci"]["PM"] = "A"


BREAKAGES = [
    # (file edited, change, location, message phrase, found)
    pytest.param("pmo-core.yaml", lambda d: item(d, "questions", "RP-03").update(dimension="budgets"),
                 "questions[RP-03].dimension", "unknown dimension", "'budgets'", id="unknown-dimension"),
    pytest.param("pmo-core.yaml", lambda d: item(d, "questions", "MS-02").update(id="MS-03"),
                 "questions[MS-03].id", "duplicate id", "'MS-03'", id="duplicate-id"),
    pytest.param("pmo-core.yaml", lambda d: item(d, "questions", "RP-03").update(level=9),
                 "questions[RP-03].level", "out of range", "9", id="level-9"),
    pytest.param("pmo-core.yaml", lambda d: item(d, "questions", "RP-03").pop("guidance"),
                 "questions[RP-03].guidance", "missing required key", "", id="missing-key"),
    pytest.param("pmo-core.yaml", lambda d: item(d, "questions", "RP-03").update(colour="red"),
                 "questions[RP-03].colour", "unknown key", "'colour'", id="unknown-key"),
    pytest.param("pmo-core.yaml", lambda d: item(d, "questions", "RP-03").update(responsibility="tea-making"),
                 "questions[RP-03].responsibility", "unknown responsibility", "'tea-making'",
                 id="unknown-responsibility"),
    pytest.param("responsibilities.yaml", _two_accountable,
                 "responsibilities[status-reporting].default_raci", "needs exactly one Accountable",
                 "'PMO-HEAD, PM'", id="default-raci-two-A"),
    pytest.param("roles.yaml", lambda d: item(d, "roles", "PMO-HEAD").update(reports_to="CEO"),
                 "roles[PMO-HEAD].reports_to", "unknown role", "'CEO'", id="reports-to-unknown"),
]


@pytest.mark.parametrize("file, change, location, phrase, found", BREAKAGES)
def test_breakage_is_reported_with_file_id_and_key_path(bank_copy, file, change, location, phrase, found):
    folder, edit = bank_copy
    edited = edit(file, change)
    problems = load_problems(folder)
    assert [(p.file, p.location) for p in problems] == [(str(edited), location)]
    (problem,) = problems
    assert phrase in problem.message
    assert problem.found == found
    assert str(problem).startswith(f"{edited}: {location}: error: {phrase}")


def test_a_dimension_without_a_level_1_question_is_refused(bank_copy):
    """The staged model builds every level on a dimension's level-1 practices: without one, all-0
    answers would not give level 0."""
    folder, edit = bank_copy
    edit("pmo-core.yaml", lambda d: d.__setitem__(
        "questions", [q for q in d["questions"] if not (q["dimension"] == "finance" and q["level"] == 1)]))
    problems = load_problems(folder)
    assert [(p.location, p.message) for p in problems] == [("dimensions[finance]", "has no level-1 question")]


def test_every_problem_of_a_bank_is_reported_at_once(bank_copy):
    folder, edit = bank_copy
    edit("pmo-core.yaml", lambda d: (item(d, "questions", "RP-03").update(level=9),
                                     item(d, "questions", "MS-01").update(dimension="budgets")))
    edit("roles.yaml", lambda d: item(d, "roles", "PMO-HEAD").update(reports_to="CEO"))
    locations = {p.location for p in load_problems(folder)}
    assert locations == {"questions[RP-03].level", "questions[MS-01].dimension", "roles[PMO-HEAD].reports_to"}


def test_invalid_yaml_names_file_line_and_column(bank_copy):
    folder, _ = bank_copy
    broken = folder / "roles.yaml"
    broken.write_text("id: pmo-roles\nroles:\n  - id: PM\n   name: bad indent\n", encoding="utf-8")
    (problem,) = load_problems(folder)
    assert problem.file == str(broken)
    assert problem.location == "line 4, column 4"
    assert problem.message.startswith("invalid YAML")


def test_missing_catalogue_file_is_named(bank_copy):
    folder, _ = bank_copy
    (folder / "responsibilities.yaml").unlink()
    (problem,) = load_problems(folder)
    assert problem.file == str(folder / "responsibilities.yaml")
    assert problem.message == "file not found"


def test_scale_must_define_each_value_once(bank_copy):
    folder, edit = bank_copy
    edit("pmo-core.yaml", lambda d: d["scale"].pop())
    (problem,) = load_problems(folder)
    assert problem.location == "scale"
    assert problem.found == "'0,1,2,3,4'"
    assert problem.expected == "0,1,2,3,4,5"
