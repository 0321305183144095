"""The library API the CLI is a thin layer over."""
from __future__ import annotations

from pathlib import Path

from assessor.model import Submission
from assessor.output import atomic_path, check_target


def load_bank(questionnaire: str | Path | None = None):
    from assessor.questionnaire.bank import load_bank as _load

    return _load(questionnaire)


def write_template(out: Path, questionnaire: str | Path | None = None, force: bool = False) -> Path:
    """Write the blank questionnaire workbook for a bank (by id or path)."""
    from assessor.questionnaire.template import write_template as _write

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        from assessor.errors import OutputError
        raise OutputError(f"{out}: the template must be an .xlsx file")
    check_target(out, force=force)
    bank = load_bank(questionnaire)
    with atomic_path(out) as tmp:
        _write(bank, tmp)
    return out


def read_workbooks(paths: list[str | Path], questionnaire: str | Path | None = None) -> Submission:
    """Read and validate respondents' workbooks for one PMO (raises InputError with every problem)."""
    from assessor.questionnaire.reader import read_submission

    return read_submission([Path(p) for p in paths], load_bank(questionnaire))
