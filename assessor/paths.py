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


def real_path(path) -> Path:
    """``path`` with its links followed, for telling files apart. A link that loops has no real path:
    Python 3.11 raises RuntimeError for it, and it is then its absolute spelling (equal to no other
    file), and opening it fails with the system's own clear error, where the caller reports it."""
    try:
        return Path(path).resolve()
    except RuntimeError:
        return Path(os.path.abspath(path))


def loops(path) -> bool:
    """Whether ``path`` is a symbolic link that leads back to itself."""
    try:
        Path(path).resolve(strict=False)
    except RuntimeError:
        return True
    return False
