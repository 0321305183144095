"""Where the shipped data lives (question banks, rule base).

The data folders sit at the top of the repository, beside the package, so that consultants can read
and copy them; that is the source of truth, and an editable install (the Makefile's) reads them
there. A built wheel carries copies inside the package (``assessor/_shipped/``, put there by
setup.py's build step), so an installed tool finds them wherever it lives. ``PMO_ASSESSOR_HOME``
points elsewhere when needed.
"""
from __future__ import annotations

import os
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent / "_shipped"


def home() -> Path:
    override = os.environ.get("PMO_ASSESSOR_HOME")
    if override:
        return Path(override)
    if SHIPPED.is_dir():
        return SHIPPED
    return Path(__file__).resolve().parent.parent


def questionnaires_dir() -> Path:
    return home() / "questionnaires"


def rules_dir() -> Path:
    return home() / "rules"


DEFAULT_QUESTIONNAIRE = "pmo-core"
