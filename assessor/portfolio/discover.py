"""The workbooks a batch reads: every .xlsx and .xlsm under the folders given (and the files given),
in one sorted order, without Excel's lock files, hidden files or the batch's own output folder."""
from __future__ import annotations

import os
from pathlib import Path

from assessor.errors import InputError, Problem
from assessor.paths import real_path

SUFFIXES = (".xlsx", ".xlsm")


def workbooks(paths: list[Path], exclude: Path | None = None) -> list[Path]:
    """Every workbook under ``paths``, each once, sorted (folders are walked without following links)."""
    found: dict[Path, Path] = {}
    missing = []
    skip = real_path(exclude) if exclude is not None and exclude.exists() else None
    for given in paths:
        given = Path(given)
        if given.is_file():
            found.setdefault(real_path(given), given)
        elif given.is_dir():
            for folder, dirs, files in os.walk(given):
                here = Path(folder)
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (skip is None or real_path(here / d) != skip))
                for name in files:
                    if _is_workbook(name):
                        found.setdefault(real_path(here / name), here / name)  # a link that loops: listed, and its read fails
        else:
            missing.append(Problem(str(given), "", "not found", "", "a workbook or a folder of workbooks"))
    if missing:
        raise InputError(f"{len(missing)} path(s) not found", missing)
    return sorted(found.values(), key=lambda p: str(p))


def _is_workbook(name: str) -> bool:
    return name.lower().endswith(SUFFIXES) and not name.startswith(("~$", "."))
