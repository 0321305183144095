"""The command line as a new user meets it: choices that complete, formats that agree with the file,
JSON to stdout with ``-o -``, messages that say what is wrong in the user's words, every problem of a
row at once, dates as people type them, data on stdout and messages on stderr, help that is not cut,
and the README's Python API example running as written."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_helpers import invoke, ok

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "samples" / "northwind-energy.xlsx"


def complete(words: str) -> list[str]:
    """What the shell would be offered after ``words`` (click's bash completion protocol)."""
    from click.testing import CliRunner

    from assessor.cli import cli

    parts = words.split(" ")
    env = {"_PMO_ASSESS_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    result = CliRunner().invoke(cli, [], prog_name="pmo-assess", env=env)
    return [line.split(",", 1)[1] for line in result.output.splitlines() if "," in line]


def test_format_is_a_choice_that_the_shell_completes():
    assert complete("pmo-assess assess --format ") == ["console", "json", "xlsx", "html", "pdf"]
    assert complete("pmo-assess assess --format x") == ["xlsx"]
    assert complete("pmo-assess batch clients --format xlsx,") == ["xlsx,html", "xlsx,json"]
    result = invoke("assess", SAMPLE, "--format", "htm")
    assert result.exit_code == 2
    assert "Invalid value for '--format': 'htm' is not one of 'console', 'json', 'xlsx', 'html', 'pdf'" in result.output


def test_readme_shows_how_to_turn_completion_on():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert '_PMO_ASSESS_COMPLETE=bash_source pmo-assess' in readme
    script = subprocess.run([sys.executable, "-m", "assessor"], env={**os.environ, "_PMO_ASSESS_COMPLETE": "bash_source"},
                            capture_output=True, text=True, cwd=REPO)
    assert "complete " in script.stdout and "_PMO_ASSESS_COMPLETE" in script.stdout


def test_a_format_that_contradicts_the_extension_is_an_error(tmp_path):
    out = tmp_path / "x.json"
    result = invoke("assess", SAMPLE, "-o", out, "--format", "html")
    assert result.exit_code == 2 and "--format html contradicts the extension .json" in result.output
    assert not out.exists()
    ok(invoke("assess", SAMPLE, "-o", out, "--format", "json"))   # agreeing is fine
    assert json.loads(out.read_text(encoding="utf-8"))["schema_version"]


def test_dash_writes_json_to_stdout_and_messages_to_stderr():
    result = ok(invoke("assess", SAMPLE, "-o", "-"))
    data = json.loads(result.stdout)
    assert data["organisation"]["organisation"] == "Northwind Energy"
    assert "wrote" not in result.stdout
    html = ok(invoke("assess", SAMPLE, "-o", "-", "--format", "html")).stdout
    assert html.startswith("<!DOCTYPE html>")
    refused = invoke("assess", SAMPLE, "-o", "-", "--format", "xlsx")
    assert refused.exit_code == 2 and "needs a file" in refused.output


def test_store_documents_go_to_stdout_with_dash(tmp_path):
    db = f"sqlite:///{tmp_path / 'store.db'}"
    ok(invoke("assess", SAMPLE, "--save", "--db", db))
    result = ok(invoke("history", "Northwind Energy", "-o", "-", "--db", db))
    assert json.loads(result.stdout)["kind"] == "history"


def test_messages_go_to_stderr_and_data_to_stdout(tmp_path):
    out = tmp_path / "q.xlsx"
    result = ok(invoke("template", "-o", out))
    assert result.stdout == "" and f"wrote {out}" in result.stderr
    result = ok(invoke("assess", SAMPLE, "-o", tmp_path / "r.json"))
    assert result.stdout == "" and "wrote" in result.stderr
    result = ok(invoke("validate", SAMPLE))
    assert "valid:" in result.stdout     # what was checked is the command's data


def test_half_an_answer_is_not_a_whole_number(tmp_path, workbook_factory):
    source = workbook_factory(tmp_path, [("Questions", "E14", 3.5)], "half.xlsx")
    result = invoke("validate", source)
    assert result.exit_code == 2
    assert "Questions!E14: error: answer to GC-06 is not a whole number (found 3.5; expected a whole level 0-5 " \
           "(the scale has no halves: choose 3 or 4))" in result.output


@pytest.mark.parametrize("typed, read, said", [
    ("14/03/2026", "2026-03-14", None),
    ("14.03.2026", "2026-03-14", None),
    ("2026-03-14", "2026-03-14", None),
    ("2026-03-14T10:30", "2026-03-14", None),
    ("14 March 2026", "2026-03-14", None),
    ("03/04/2026", "2026-04-03", "read as 3 April 2026 (day first; type 2026-03-04 instead if 4 March 2026 was meant)"),
    ("03/14/2026", "2026-03-14", "read as 14 March 2026 (month first, as 14 cannot be a month)"),
    ("14/03/26", "2026-03-14", "read as 14 March 2026 (the year 26 as 2026)"),
])
def test_dates_are_read_day_first_or_iso_and_an_assumption_is_said(tmp_path, workbook_factory, typed, read, said):
    source = workbook_factory(tmp_path, [("Profile", "B6", typed)], "date.xlsx")
    result = ok(invoke("assess", source, "-o", "-"))
    assert json.loads(result.stdout)["organisation"]["assessment_date"] == read
    if said:
        assert f"Profile!B6: warning: Assessment date {said}" in result.stderr, result.stderr
    else:
        assert "Assessment date" not in result.stderr, result.stderr


def test_a_date_that_is_no_date_is_an_error_naming_the_forms(tmp_path, workbook_factory):
    source = workbook_factory(tmp_path, [("Profile", "B6", "31/02/2026")], "no-date.xlsx")
    result = invoke("validate", source)
    assert result.exit_code == 2
    assert "Profile!B6: error: Assessment date is not a date (found '31/02/2026'; expected a date such as " \
           "2026-11-30 or 30/11/2026)" in result.output


def test_every_problem_of_a_row_is_reported_in_the_same_run(tmp_path, workbook_factory):
    """A bad Role ID used to hide the FTE and In PMO errors of its row until it was fixed."""
    source = workbook_factory(tmp_path, [("Roles", "A3", "bad id!"), ("Roles", "D3", "lots"), ("Roles", "E3", "maybe"),
                                         ("RACI", "A3", None), ("RACI", "C3", "Q")], "row.xlsx")
    result = invoke("validate", source)
    assert result.exit_code == 2
    out = result.output
    for cell, message in (("Roles!A3", "Role ID has the wrong form"), ("Roles!D3", "FTE of bad id! is not a number"),
                          ("Roles!E3", "In PMO of bad id! is not yes or no"),
                          ("RACI!A3", "RACI row without a Responsibility ID"),
                          ("RACI!C3", "invalid RACI letter")):
        assert re.search(rf"{re.escape(cell)}: error: {re.escape(message)}", out), (cell, out)


@pytest.mark.parametrize("words", [("--only", "person", "Dev Patel"), ("--only=person", "Dev Patel"),
                                   ("--only", "person:Dev Patel")])
def test_graph_only_person_takes_the_name_in_any_spelling(tmp_path, words):
    out = tmp_path / "dev.json"
    ok(invoke("graph", SAMPLE, "-o", out, *words))
    people = [n["label"] for n in json.loads(out.read_text(encoding="utf-8"))["nodes"] if n["kind"] == "person"]
    assert people == ["Dev Patel"]


def test_graph_only_person_followed_by_an_option_says_what_it_expected(tmp_path):
    result = invoke("graph", SAMPLE, "-o", tmp_path / "g.dot", "--only", "person", "--force")
    assert result.exit_code == 2 and "expected gaps, person NAME or family ID" in result.output
    assert not (tmp_path / "g.dot").exists()


def test_command_help_is_not_cut():
    result = ok(invoke("--help"))
    commands = result.output[result.output.index("Commands:"):]
    assert not [line for line in commands.splitlines() if line.rstrip().endswith("...")]
    assert "belong to the stored ORGANISATION (a client renamed)" in " ".join(commands.split())
    bench = ok(invoke("benchmark", "--help")).output
    assert not [line for line in bench.split("Commands:")[1].splitlines() if line.rstrip().endswith("...")]


def test_the_readme_python_api_example_runs_as_written(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The Python API"):]
    code = re.search(r"```python\n(.*?)```", section, flags=re.DOTALL).group(1)
    (tmp_path / "samples").symlink_to(REPO / "samples")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "controlling programme office" in done.stdout
    assert (tmp_path / "report.xlsx").is_file()


def test_a_bad_answer_does_not_hide_the_formula_in_its_evidence(tmp_path, workbook_factory):
    source = workbook_factory(tmp_path, [("Questions", "E14", "seven"), ("Questions", "F14", '=HYPERLINK("http://x","y")')],
                              "answer-row.xlsx")
    result = invoke("validate", source)
    assert result.exit_code == 2
    assert "Questions!E14: error: answer to GC-06 is not a valid answer" in result.output
    assert "Questions!F14: warning: formula where text is expected" in result.output


def test_graph_dash_writes_node_link_json_to_stdout(tmp_path):
    result = ok(invoke("graph", SAMPLE, "-o", "-", "--only", "gaps"))
    data = json.loads(result.stdout)
    assert data["nodes"] and data["edges"] and all(n["gap"] or "kind" in n for n in data["nodes"])
    assert "wrote" not in result.stdout
    assert list(tmp_path.iterdir()) == []
