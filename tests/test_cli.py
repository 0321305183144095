"""The ``pmo-assess`` command line, through click's test runner.

Exit codes: 0 when the workbooks are valid (warnings are printed), 2 for bad input or usage,
with one readable line per problem and never a traceback.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessor import __version__
from assessor.cli import cli
from assessor.errors import InputError
from assessor.questionnaire.reader import read_submission
from assessor.xlsx import openpyxl

REPO = Path(__file__).resolve().parent.parent
GOOD_SAMPLES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "samples").glob("*.xlsx"))
BROKEN_SAMPLES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "samples" / "broken").glob("*.xlsx"))


@pytest.fixture
def run(monkeypatch):
    """Run ``pmo-assess ARGS`` from the repository folder, so paths read as in the README."""
    monkeypatch.chdir(REPO)

    def invoke(*args):
        return CliRunner().invoke(cli, [str(a) for a in args], prog_name="pmo-assess")

    return invoke


def test_samples_are_found():
    assert "samples/meridian-bank.xlsx" in GOOD_SAMPLES and len(GOOD_SAMPLES) >= 4
    assert "samples/broken/typos-and-gaps.xlsx" in BROKEN_SAMPLES and len(BROKEN_SAMPLES) >= 3


# --- help and version --------------------------------------------------------------------------

@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_the_commands_and_exit_codes(run, flag):
    result = run(flag)
    assert result.exit_code == 0
    assert "Usage: pmo-assess" in result.output
    assert "template" in result.output and "validate" in result.output
    assert "Exit codes: 0 ok" in result.output and "2 bad input or usage." in result.output


def test_validate_help(run):
    result = run("validate", "--help")
    assert result.exit_code == 0
    assert "Several FILES are several respondents' workbooks for one PMO." in result.output
    assert "--questionnaire" in result.output


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"pmo-assess, version {__version__}"


def test_module_entry_point_runs_the_same_cli():
    done = subprocess.run([sys.executable, "-m", "assessor", "--help"], capture_output=True, text=True,
                          cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Usage: pmo-assess" in done.stdout and "validate" in done.stdout


# --- template ------------------------------------------------------------------------------------

def test_template_writes_the_workbook(run, tmp_path, bank):
    out = tmp_path / "questionnaire.xlsx"
    result = run("template", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr.strip() == f"wrote {out}"   # a message, not data
    wb = openpyxl().load_workbook(out)
    assert wb["Questions"]["A2"].value == bank.questions[0].id


def test_template_refuses_to_overwrite_without_force(run, tmp_path):
    out = tmp_path / "questionnaire.xlsx"
    out.write_bytes(b"a filled workbook")
    result = run("template", "-o", out)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{out}: file exists; use --force to replace it"
    assert out.read_bytes() == b"a filled workbook"
    forced = run("template", "-o", out, "--force")
    assert forced.exit_code == 0
    assert out.read_bytes()[:2] == b"PK"


def test_template_needs_an_output(run):
    result = run("template")
    assert result.exit_code == 2
    assert "Missing option '-o'" in result.output


def test_template_for_an_unknown_questionnaire(run, tmp_path):
    out = tmp_path / "questionnaire.xlsx"
    result = run("template", "-q", "nope", "-o", out)
    assert result.exit_code == 2
    assert "no question bank found at " in result.stderr and "('nope')" in result.stderr and "pmo-core" in result.stderr
    assert not out.exists()


# --- validate ------------------------------------------------------------------------------------

@pytest.mark.parametrize("sample", GOOD_SAMPLES)
def test_validate_good_sample(run, sample):
    result = run("validate", sample)
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"{sample}: valid: ")
    assert "questions answered" in line and "roles held" in line and "RACI assignments" in line
    assert all(w.startswith(f"{sample}: ") and ": warning: " in w for w in result.stderr.splitlines())


def test_validate_prints_warnings_and_still_succeeds(run):
    result = run("validate", "samples/atlas-rail.xlsx")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "samples/atlas-rail.xlsx: Questions!F50: warning: formula where text is expected; kept as plain text "
        "(found '=HYPERLINK(\"http://intranet.example/lessons\",\"Lessons log\")')"]
    assert result.stdout == ("samples/atlas-rail.xlsx: valid: 71 of 71 questions answered, 23 roles held, "
                             "239 RACI assignments\n")


def expected_lines(sample: str, bank) -> list[str]:
    try:
        read_submission([REPO / sample], bank)
    except InputError as exc:
        problems = exc.problems
    else:
        raise AssertionError(f"{sample} is valid")
    lines = [str(p).replace(str(REPO / sample), sample) for p in problems]
    errors = sum(1 for p in problems if p.severity == "error")
    return lines + ([f"{errors} error(s); nothing was assessed."] if len(problems) > 1 else [])


@pytest.mark.parametrize("sample", BROKEN_SAMPLES)
def test_validate_broken_sample(run, sample, bank):
    result = run("validate", sample)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines == expected_lines(sample, bank)
    assert all(line.startswith(f"{sample}: ") for line in lines if "nothing was assessed" not in line)


def test_validate_typos_lists_one_line_per_problem(run):
    result = run("validate", "samples/broken/typos-and-gaps.xlsx")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 13 + 1
    assert lines[0] == ("samples/broken/typos-and-gaps.xlsx: Questions!E2: error: answer to RP-01 is out of range "
                        "(found 7; expected 0-5 (e.g. 3 or '3 - Defined'), N/A or Don't know)")
    assert lines[-1] == "13 error(s); nothing was assessed."


def test_validate_two_respondents_for_one_pmo(run):
    result = run("validate", "samples/meridian-bank.xlsx", "samples/more-respondents/meridian-bank-finance.xlsx")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # canonical order: Ben Carter's workbook before Dana Whitfield's, whatever the order given
    assert [line.split(": valid: ")[0] for line in lines] == [
        "samples/more-respondents/meridian-bank-finance.xlsx", "samples/meridian-bank.xlsx"]
    assert "organisations" not in result.stderr


def test_validate_respondents_from_different_organisations_is_refused(run):
    result = run("validate", "samples/meridian-bank.xlsx", "samples/northwind-energy.xlsx")
    assert result.exit_code == 2
    assert "valid:" not in result.stdout
    assert result.stderr.splitlines() == [
        "samples/meridian-bank.xlsx: Profile!B2: error: workbooks of 2 organisations were given, and one assessment "
        "is one office; assess each organisation's workbooks separately, 'Meridian Bank' with: pmo-assess assess "
        "samples/meridian-bank.xlsx (found 'Meridian Bank'; expected the same organisation in every workbook)",
        "samples/northwind-energy.xlsx: Profile!B2: error: workbooks of 2 organisations were given, and one "
        "assessment is one office; assess each organisation's workbooks separately, 'Northwind Energy' with: "
        "pmo-assess assess samples/northwind-energy.xlsx (found 'Northwind Energy'; expected the same organisation "
        "in every workbook)",
        "2 error(s); nothing was assessed."]


def test_validate_good_and_broken_together_fails_without_valid_lines(run):
    result = run("validate", "samples/meridian-bank.xlsx", "samples/broken/renamed-sheet.xlsx")
    assert result.exit_code == 2
    assert "valid:" not in result.output
    assert "samples/broken/renamed-sheet.xlsx: Roles!D1: error: missing header 'FTE'" in result.stderr


def test_validate_missing_file(run):
    result = run("validate", "samples/no-such-file.xlsx")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "samples/no-such-file.xlsx: error: file not found: check the path and the file name"]


def test_validate_unknown_questionnaire_names_the_shipped_banks(run):
    result = run("validate", "--questionnaire", "nope", "samples/meridian-bank.xlsx")
    assert result.exit_code == 2
    where = Path("questionnaires/nope.yaml").resolve()
    assert result.stderr.strip() == (f"no question bank found at {where} ('nope'): expected a path to a .yaml file "
                                     "or one of the shipped banks: pmo-core")


def test_without_shipped_data_the_default_bank_is_named_by_where_it_was_looked_for(run, tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_ASSESSOR_HOME", str(tmp_path))
    result = run("template", "-o", str(tmp_path / "q.xlsx"))
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"no question bank found at {tmp_path / 'questionnaires' / 'pmo-core.yaml'} "
                                     "(the default bank): expected a path to a .yaml file or one of the shipped "
                                     "banks: none shipped")
    assert "None" not in result.stderr


def test_validate_with_a_bank_given_by_path(run):
    result = run("validate", "-q", "questionnaires/pmo-core.yaml", "samples/meridian-bank.xlsx")
    assert result.exit_code == 0, result.output
    assert "valid:" in result.stdout


def test_validate_needs_a_file(run):
    result = run("validate")
    assert result.exit_code == 2
    assert "Missing argument 'FILES...'" in result.output


def test_validate_a_filled_template(run, make_workbook, tmp_path, bank, good_roles):
    path = make_workbook(tmp_path, [("Questions", "E14", "3 - Defined"), ("Questions", "E15", None)])
    result = run("validate", path)
    assert result.exit_code == 0
    # conftest's good workbook: five roles held, their catalogue letters on the first ten responsibilities.
    letters = sum(1 for r in bank.responsibilities[:10] for role, _ in r.default_raci if role in good_roles)
    assert result.stdout == (f"{path}: valid: 70 of 71 questions answered, {len(good_roles)} roles held, "
                             f"{letters} RACI assignments\n")
    assert result.stderr == (f"{path}: Questions!E:E: warning: 1 question(s) unanswered, counted as not answered "
                             "(not zero): GC-03 (E15)\n")


def test_validate_never_shows_a_traceback_for_an_odd_count(run, make_workbook, tmp_path):
    path = make_workbook(tmp_path, [("Profile", "B8", "nan")])
    result = run("validate", path)
    assert result.exit_code == 2
    assert f"{path}: Profile!B8: error: Employees" in result.stderr


def test_the_same_workbook_given_twice_is_refused(run):
    result = run("validate", "samples/harbour-city-council.xlsx", "./samples/harbour-city-council.xlsx")
    assert result.exit_code == 2
    assert "the same workbook is given twice (also as samples/harbour-city-council.xlsx)" in result.output
