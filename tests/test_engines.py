"""Choosing the rule engine: durable-rules by default where it is installed, the python engine by
``--engine python`` or ``PMO_ASSESS_ENGINE``, and automatically (with one line saying so) where
durable-rules cannot be imported, as on Python 3.13 and later where it does not build."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessor.rulebase import engines

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE = "samples/atlas-rail.xlsx"


@pytest.fixture
def no_durable(tmp_path) -> dict:
    """An environment in which ``import durable_rules_engine`` fails, as where it is not installed."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "durable_rules_engine.py").write_text(
        'raise ModuleNotFoundError("No module named \'durable_rules_engine\'", name="durable_rules_engine")\n')
    env = {k: v for k, v in os.environ.items() if k != engines.ENV}
    env["PYTHONPATH"] = os.pathsep.join([str(shadow), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _assess(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assessor", "assess", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_without_durable_rules_the_python_engine_runs_and_one_line_says_so(no_durable):
    done = _assess(no_durable, "--format", "json", SAMPLE)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count(engines.FALLBACK_NOTICE) == 1
    assert "Traceback" not in done.stderr
    data = json.loads(done.stdout)
    assert data["tool"]["engine"] == "python"
    # The same conclusions as durable-rules gave when the golden file was written.
    golden = (GOLDEN / "atlas-rail.json").read_text(encoding="utf-8")
    assert done.stdout.replace('"engine": "python"', '"engine": "durable"', 1) == golden


def test_without_durable_rules_asking_for_it_is_a_clear_error(no_durable):
    done = _assess(no_durable, "--engine", "durable", SAMPLE)
    assert done.returncode == 2
    assert done.stderr.strip() == ("durable-rules is not installed (pip installs it on Python 3.11 and 3.12): "
                                   "use --engine python, which reaches the same conclusions")


def test_asking_for_the_python_engine_needs_no_notice(no_durable):
    done = _assess(no_durable, "--engine", "python", "--format", "json", SAMPLE)
    assert done.returncode == 0 and engines.FALLBACK_NOTICE not in done.stderr
    assert json.loads(done.stdout)["tool"]["engine"] == "python"


@pytest.mark.skipif(not engines.durable_installed(), reason="durable-rules is not installed (Python 3.13+)")
def test_durable_rules_is_the_default_where_it_is_installed():
    env = {k: v for k, v in os.environ.items() if k != engines.ENV}
    done = _assess(env, "--format", "json", SAMPLE)
    assert done.returncode == 0 and engines.FALLBACK_NOTICE not in done.stderr
    assert json.loads(done.stdout)["tool"]["engine"] == "durable"


def test_the_environment_variable_picks_the_engine(monkeypatch):
    monkeypatch.setenv(engines.ENV, "python")
    assert engines.choose() == engines.Choice("python")
    if engines.durable_installed():
        assert engines.choose("durable") == engines.Choice("durable")   # --engine wins over the variable
    monkeypatch.setenv(engines.ENV, "drools")
    with pytest.raises(engines.EngineUnavailable, match="PMO_ASSESS_ENGINE: unknown engine 'drools'"):
        engines.choose()


def test_the_report_footers_name_the_engine(tmp_path):
    from assessor import api

    data = api.Assessor(engine="python").assess([REPO / SAMPLE]).to_dict()
    html = tmp_path / "r.html"
    api.write_report(data, html, "html")
    assert "pmo-assess " in html.read_text(encoding="utf-8") and "python engine" in html.read_text(encoding="utf-8")
    from assessor.xlsx import openpyxl

    xlsx = tmp_path / "r.xlsx"
    api.write_report(data, xlsx, "xlsx")
    summary = openpyxl().load_workbook(xlsx)["Summary"]
    produced = [row[1] for row in summary.iter_rows(values_only=True) if row[0] == "Produced by"]
    assert produced and "python engine" in produced[0]


def test_an_assessment_puts_the_collectors_thresholds_back():
    import gc

    from assessor import api

    before = gc.get_threshold()
    api.Assessor().assess([Path(__file__).resolve().parent.parent / "samples" / "meridian-bank.xlsx"])
    assert gc.get_threshold() == before
