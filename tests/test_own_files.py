"""Nothing the tool reads can become a report, with or without ``--force``: the workbooks, the
targets, the bank and catalogues and rule files in use, and the shipped rules and banks themselves,
which every later run reads (defect 1 of issue 10: ``-o rules/maturity.yaml --format json --force``
overwrote a shipped rule file and every assessment failed after it)."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from assessor import paths
from tests.cli_helpers import invoke

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "samples" / "harbour-city-council.xlsx"


def _fingerprint(*folders: Path) -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for f in folders for p in sorted(f.rglob("*")) if p.is_file()}


@pytest.fixture
def shipped_untouched():
    """The shipped rules and banks, byte for byte the same after the test, and nothing added to them."""
    before = _fingerprint(paths.rules_dir(), paths.questionnaires_dir())
    yield
    assert _fingerprint(paths.rules_dir(), paths.questionnaires_dir()) == before


def _refused(result, phrase: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert phrase in result.output, result.output


@pytest.mark.parametrize("target", ["maturity.yaml", "coverage.yaml"])
def test_a_shipped_rule_file_is_never_a_report(shipped_untouched, target):
    out = paths.rules_dir() / target
    for fmt in ("json", "html", "xlsx"):
        _refused(invoke("assess", SAMPLE, "--format", fmt, "-o", out, "--force"), "refusing to write")


@pytest.mark.parametrize("target", ["pmo-core.yaml", "roles.yaml", "responsibilities.yaml"])
def test_a_shipped_bank_or_catalogue_is_never_a_report(shipped_untouched, target):
    out = paths.questionnaires_dir() / target
    _refused(invoke("assess", SAMPLE, "--format", "json", "-o", out, "--force"), "refusing to write")
    _refused(invoke("graph", SAMPLE, "-o", out.with_suffix(".json"), "--force"), "refusing to write into")


def test_nothing_new_is_written_into_the_shipped_folders(shipped_untouched):
    _refused(invoke("assess", SAMPLE, "-o", paths.rules_dir() / "report.json"), "refusing to write into")
    _refused(invoke("template", "-o", paths.questionnaires_dir() / "questionnaire.xlsx"), "refusing to write into")


def test_a_consultants_rule_file_and_bank_in_use_are_inputs(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(paths.rules_dir(), rules)
    bank = tmp_path / "bank"
    shutil.copytree(paths.questionnaires_dir(), bank)
    before = _fingerprint(rules, bank)
    for out in (rules / "tier.yaml", bank / "pmo-core.yaml", bank / "roles.yaml", bank / "responsibilities.yaml"):
        _refused(invoke("assess", SAMPLE, "--rules", rules, "-q", bank / "pmo-core.yaml", "--format", "json",
                        "-o", out, "--force"), "refusing to write over an input file")
    assert _fingerprint(rules, bank) == before
    # A report beside the bank is fine (only its files are read) ...
    result = invoke("assess", SAMPLE, "--rules", rules, "-q", bank / "pmo-core.yaml", "-o", bank / "report.json")
    assert result.exit_code == 0, result.output


def test_nothing_is_written_into_a_rule_folder_in_use(tmp_path):
    """... but every .yaml in a rule folder is read: a report there would break the next run."""
    rules, extra = tmp_path / "rules", tmp_path / "extra"
    shutil.copytree(paths.rules_dir(), rules)
    extra.mkdir()
    (extra / "x.yaml").write_text("rules: []\n")
    for out in (rules / "zz-report.yaml", extra / "report.json"):
        _refused(invoke("assess", SAMPLE, "--rules", rules, "--extra-rules", extra, "--format", "json", "-o", out),
                 "refusing to write into the rule folder")
        assert not out.exists()
    link = tmp_path / "rules-link"
    link.symlink_to(rules, target_is_directory=True)  # another spelling of the same folder
    _refused(invoke("assess", SAMPLE, "--rules", rules, "-o", link / "report.json"), "refusing to write into")
    result = invoke("assess", SAMPLE, "--rules", rules, "--format", "json")
    assert result.exit_code == 0, result.output


def test_a_dangling_link_is_not_replaced_without_force(tmp_path):
    (tmp_path / "report.json").symlink_to(tmp_path / "missing.json")
    _refused(invoke("assess", SAMPLE, "-o", tmp_path / "report.json"), "use --force to replace it")
    assert (tmp_path / "report.json").is_symlink()


def test_a_hard_link_to_a_workbook_is_still_the_workbook(tmp_path):
    workbook = tmp_path / "office.xlsx"
    shutil.copy2(SAMPLE, workbook)
    os.link(workbook, tmp_path / "alias.xlsx")
    before = workbook.read_bytes()
    _refused(invoke("assess", workbook, "-o", tmp_path / "alias.xlsx", "--force"), "refusing to write over an input")
    assert workbook.read_bytes() == before


def test_assessments_still_run_after_the_refusals():
    result = invoke("assess", SAMPLE, "--format", "json")
    assert result.exit_code == 0, result.output


def test_a_link_that_leads_back_to_itself_is_a_clear_error_everywhere(tmp_path):
    """Python 3.11 raises RuntimeError resolving a link loop: as an input, an output or inside a batch
    folder it is one line naming the link, exit 2, and a batch assesses the other workbooks."""
    folder = tmp_path / "clients"
    folder.mkdir()
    shutil.copy2(SAMPLE, folder / "good.xlsx")
    (folder / "a.xlsx").symlink_to(folder / "b.xlsx")
    (folder / "b.xlsx").symlink_to(folder / "a.xlsx")
    loop = folder / "a.xlsx"
    _refused(invoke("validate", loop), "a symbolic link that leads back to itself")
    _refused(invoke("assess", loop, "--format", "json"), "a symbolic link that leads back to itself")
    _refused(invoke("assess", SAMPLE, "-o", loop), "a symbolic link that leads back to itself")
    _refused(invoke("template", "-o", loop), "a symbolic link that leads back to itself")
    _refused(invoke("batch", SAMPLE, "-o", loop, "--quiet"), "a symbolic link that leads back to itself")
    result = invoke("batch", folder, "-o", tmp_path / "out", "--format", "json", "-j", "1", "--quiet")
    _refused(result, "a.xlsx: error: a symbolic link that leads back to itself")
    assert "b.xlsx: error: a symbolic link that leads back to itself" in result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "Harbour City Council - Waterfront Regeneration Project Office.json", "portfolio.json", "portfolio.xlsx"]
