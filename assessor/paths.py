"""Where the shipped data lives (question banks, rule base, samples).

The data folders sit at the top of the repository, beside the package, so that
consultants can read and copy them; the package is installed in editable mode
by the Makefile. ``PMO_ASSESSOR_HOME`` points elsewhere when needed.
"""
from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    override = os.environ.get("PMO_ASSESSOR_HOME")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent


def questionnaires_dir() -> Path:
    return home() / "questionnaires"


def rules_dir() -> Path:
    return home() / "rules"


def samples_dir() -> Path:
    return home() / "samples"


DEFAULT_QUESTIONNAIRE = "pmo-core"
