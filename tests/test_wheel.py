"""Installed like any Python tool: the built wheel carries the shipped rules, question banks and
catalogues, so in a fresh venv outside the checkout ``template``, ``validate`` and ``assess`` work on
a sample, with durable-rules and, once it is uninstalled, with the python engine and one line saying so.

Slow-ish (a venv and an install, about 15 s with pip's cache warm), so it is one module-scoped
install that the tests share, the uninstall last.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from assessor.rulebase.engines import FALLBACK_NOTICE

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SOURCES = ("assessor", "rules", "questionnaires", "setup.py", "setup.cfg", "pyproject.toml", "README.md",
           "MANIFEST.in")
SAMPLE = "atlas-rail"
# pip installs durable-rules with the wheel only where it builds as released (the marker in setup.cfg).
DURABLE_WITH_WHEEL = sys.version_info < (3, 13)


def _run(cmd, cwd, env=None, timeout=600):
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the sources (the build writes build/ and egg-info: not into the checkout)."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    src.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "_shipped"))
        else:
            shutil.copy2(REPO / name, src / name)
    done = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                 "-w", root / "dist", src], cwd=root)
    assert done.returncode == 0, done.stderr
    (built,) = (root / "dist").glob("pmo_assessor-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> dict:
    """A fresh venv outside the checkout with the wheel installed, and a work folder with one sample."""
    root = tmp_path_factory.mktemp("installed")
    done = _run([sys.executable, "-m", "venv", root / "venv"], cwd=root)
    assert done.returncode == 0, done.stderr
    bin_dir = root / "venv" / "bin"
    done = _run([bin_dir / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel], cwd=root)
    assert done.returncode == 0, done.stderr
    work = root / "work"
    (work / "samples").mkdir(parents=True)
    shutil.copy2(REPO / "samples" / f"{SAMPLE}.xlsx", work / "samples")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PMO_ASSESS_ENGINE", "PMO_ASSESSOR_HOME", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return {"bin": bin_dir, "work": work, "env": env}


def _tool(venv, *args):
    return _run([venv["bin"] / "pmo-assess", *args], cwd=venv["work"], env=venv["env"], timeout=120)


def test_the_wheel_carries_every_shipped_rule_file_bank_and_catalogue(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("rules", "questionnaires"):
        for source in (REPO / folder).glob("*.yaml"):
            packed = f"assessor/_shipped/{folder}/{source.name}"
            assert packed in names, packed
            assert zipfile.ZipFile(wheel).read(packed) == source.read_bytes()


def test_the_wheel_carries_the_stores_migrations_and_bands(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"assessor/store/bands.yaml", "assessor/store/migrations/env.py",
            "assessor/store/migrations/script.py.mako"} <= names
    assert {n for n in names if n.startswith("assessor/store/migrations/versions/0")} == \
        {f"assessor/store/migrations/versions/{p.name}" for p in
         (REPO / "assessor/store/migrations/versions").glob("0*.py")}


def test_the_installed_tool_does_not_read_the_checkout(venv):
    done = _run([venv["bin"] / "python", "-c", "import assessor, assessor.paths as p; print(assessor.__file__); "
                 "print(p.rules_dir())"], cwd=venv["work"], env=venv["env"])
    package, rules = done.stdout.split()
    assert str(REPO) not in package and str(REPO) not in rules
    assert Path(rules).is_dir()


def test_template_validate_and_assess_work_from_the_wheel(venv):
    done = _tool(venv, "template", "-o", "questionnaire.xlsx")
    assert done.returncode == 0, done.stderr
    assert (venv["work"] / "questionnaire.xlsx").stat().st_size > 10_000
    done = _tool(venv, "validate", f"samples/{SAMPLE}.xlsx")
    assert done.returncode == 0 and "valid:" in done.stdout, done.stderr
    done = _tool(venv, "assess", "--format", "json", f"samples/{SAMPLE}.xlsx")
    assert done.returncode == 0, done.stderr
    assert (FALLBACK_NOTICE in done.stderr) != DURABLE_WITH_WHEEL
    # The same rules and bank as the checkout: byte for byte the golden report.
    assert done.stdout.replace('"engine": "python"', '"engine": "durable"', 1) == \
        (GOLDEN / f"{SAMPLE}.json").read_text(encoding="utf-8")
    done = _tool(venv, "rules", "list")
    assert done.returncode == 0 and "MAT-L1" in done.stdout
    store = f"sqlite:///{venv['work'] / 'store.db'}"
    done = _tool(venv, "assess", "--save", "--db", store, "--format", "json", f"samples/{SAMPLE}.xlsx")
    assert done.returncode == 0 and "saved: assessment 1" in done.stderr, done.stderr
    done = _tool(venv, "history", "--db", store)
    assert done.returncode == 0 and "Atlas Rail" in done.stdout, done.stderr
    done = _tool(venv, "history", "--db", store, "Atlas Rail Infrastructure", "-o", "trend.html")   # the template ships too
    assert done.returncode == 0 and "<polyline" in (venv["work"] / "trend.html").read_text(), done.stderr
    done = _tool(venv, "assess", f"samples/{SAMPLE}.xlsx", "-o", "report.html")   # and the report's template
    page = (venv["work"] / "report.html").read_text(encoding="utf-8")
    assert done.returncode == 0 and '<h2 id="summary">Summary</h2>' in page and "Phase 3: Measure and grow" in page, done.stderr  # the roadmap.yaml ships


def test_without_durable_rules_the_wheel_assesses_with_the_python_engine(venv):
    done = _run([venv["bin"] / "python", "-m", "pip", "uninstall", "-y", "-q", "durable-rules"], cwd=venv["work"],
                env=venv["env"])
    assert done.returncode == 0, done.stderr   # (nothing to uninstall where the marker left it out)
    done = _tool(venv, "assess", "--format", "json", f"samples/{SAMPLE}.xlsx")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count(FALLBACK_NOTICE) == 1
    data = json.loads(done.stdout)
    assert data["tool"]["engine"] == "python"
    assert done.stdout.replace('"engine": "python"', '"engine": "durable"', 1) == \
        (GOLDEN / f"{SAMPLE}.json").read_text(encoding="utf-8")
