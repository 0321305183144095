"""Regenerate the sample workbooks in samples/ from the question bank.

Each organisation is described as data in samples/specs/*.yaml: profile,
answers by question id (grouped per dimension, or a flat mapping), who holds
which role, and how its RACI differs from the catalogue's typical assignment
for its type (``typical_for``: supportive, controlling or directive). Broken
samples start from a good one and apply edits. Calibration offices
(samples/calibration/) are built the same way. Run: `make samples`.
"""
from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from assessor.model import PROFILE_FIELDS  # noqa: E402
from assessor.questionnaire import layout as L  # noqa: E402
from assessor.questionnaire.bank import load_bank  # noqa: E402
from assessor.questionnaire.template import write_template  # noqa: E402
from assessor.xlsx import make_reproducible, openpyxl  # noqa: E402

# Written into the document properties so that rebuilt samples do not change
# just because the clock moved.
FIXED_TIME = dt.datetime(2026, 11, 1, 9, 0, 0)


def answer_cell_value(raw, bank, index: int):
    """What a respondent would leave in the cell: mostly the dropdown label, sometimes a bare number."""
    if raw in ("N/A", "na"):
        return bank.not_applicable
    if raw in ("?", "dk"):
        return bank.dont_know
    if raw is None:
        return None
    return int(raw) if index % 5 == 4 else f"{int(raw)} - {bank.scale_label(int(raw))}"


def fill(spec: dict, bank, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        blank = Path(tmp) / "blank.xlsx"
        blank.write_bytes(write_template(bank))
        wb = openpyxl().load_workbook(blank)
    _profile(wb[L.PROFILE], spec["profile"])
    _answers(wb[L.QUESTIONS], spec, bank)
    held = _roles(wb[L.ROLES], spec)
    _raci(wb[L.RACI], spec, bank, held)
    wb.properties.created = wb.properties.modified = FIXED_TIME
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    make_reproducible(out, FIXED_TIME)


def _profile(ws, values: dict) -> None:
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    for key, label, kind in PROFILE_FIELDS:
        if key in values:
            value = values[key]
            if kind == "date" and isinstance(value, str):
                value = dt.date.fromisoformat(value)
            ws.cell(row=rows[label], column=2, value=value)


def spec_answer(spec: dict, question):
    """A question's answer in a spec: ``answers: {dimension: {id: answer}}`` or ``answers: {id: answer}``."""
    answers = spec["answers"]
    if question.id in answers:
        return answers[question.id]
    group = answers.get(question.dimension)
    if isinstance(group, dict) and question.id in group:
        return group[question.id]
    raise SystemExit(f"{spec['file']}: the spec gives no answer to {question.id} (use null for a blank)")


def _answers(ws, spec: dict, bank) -> None:
    evidence = spec.get("evidence", {})
    for row in range(2, ws.max_row + 1):
        qid = ws.cell(row=row, column=1).value
        question = bank.question(qid)
        if question is None:
            continue
        raw = spec_answer(spec, question)
        ws.cell(row=row, column=5, value=answer_cell_value(raw, bank, row))
        if qid in evidence:
            ws.cell(row=row, column=6, value=evidence[qid])


def _roles(ws, spec: dict) -> set[str]:
    roles = spec.get("roles", {})
    held = set()
    for row in range(2, ws.max_row + 1):
        rid = ws.cell(row=row, column=1).value
        if rid in roles:
            _role_row(ws, row, roles[rid])
            held.add(rid)
    next_row = ws.max_row + 1
    for extra in spec.get("extra_roles", []):
        ws.cell(row=next_row, column=1, value=extra["id"])
        ws.cell(row=next_row, column=2, value=extra["name"])
        _role_row(ws, next_row, extra)
        held.add(extra["id"])
        next_row += 1
    return held


def _role_row(ws, row: int, role: dict) -> None:
    ws.cell(row=row, column=3, value=role.get("holder"))
    ws.cell(row=row, column=4, value=role.get("fte"))
    if "in_pmo" in role:
        ws.cell(row=row, column=5, value="Yes" if role["in_pmo"] else "No")
    if "reports_to" in role:
        ws.cell(row=row, column=6, value=role["reports_to"])


def _raci(ws, spec: dict, bank, held: set[str]) -> None:
    """The catalogue's typical RACI for the roles the organisation has, changed as the spec says."""
    columns = {ws.cell(row=1, column=c).value: c for c in range(3, ws.max_column + 1)}
    for extra in spec.get("extra_roles", []):
        col = ws.max_column + 1
        ws.cell(row=1, column=col, value=extra["id"])
        columns[extra["id"]] = col
    defaults = {r.id: dict(r.typical_raci(spec.get("typical_for"))) for r in bank.responsibilities}
    overrides = spec.get("raci", {})
    for row in range(2, ws.max_row + 1):
        resp = ws.cell(row=row, column=1).value
        if resp not in defaults:
            continue
        accountable = next((r for r, v in defaults[resp].items() if v in ("A", "A/R")), None)
        if resp not in overrides and accountable not in held:
            continue  # nobody holds the usual Accountable: the organisation does not do this at all
        letters = {role: v for role, v in defaults[resp].items() if role in held}
        change = overrides.get(resp, {})
        if change is None:  # the organisation does not do this at all
            letters = {}
        else:
            for role, value in change.items():
                if value is None:
                    letters.pop(role, None)
                else:
                    letters[role] = value
        for role, value in letters.items():
            ws.cell(row=row, column=columns[role], value=value)


def apply_edits(source: Path, edits: list[dict], out: Path) -> None:
    """Break a good workbook on purpose (for the validation demo and tests)."""
    wb = openpyxl().load_workbook(source)
    for edit in edits:
        if "rename_sheet" in edit:
            wb[edit["rename_sheet"]].title = edit["to"]
        elif "delete_row" in edit:
            wb[edit["sheet"]].delete_rows(edit["delete_row"])
        else:
            wb[edit["sheet"]][edit["cell"]] = edit["value"]
    wb.properties.created = wb.properties.modified = FIXED_TIME
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    make_reproducible(out, FIXED_TIME)


def load_spec(path: Path) -> dict:
    """A spec, merged over the spec it ``extends`` (one level of keys deep)."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "extends" in spec:
        base = load_spec(path.parent / f"{spec['extends']}.yaml")
        for key, value in spec.items():
            if key == "answers" and isinstance(base.get(key), dict):
                # answers merge per dimension group: a respondent may differ on a few questions only
                merged = dict(base[key])
                for group, answers in value.items():
                    if isinstance(answers, dict) and isinstance(merged.get(group), dict):
                        merged[group] = {**merged[group], **answers}
                    else:
                        merged[group] = answers
                base[key] = merged
            elif isinstance(value, dict) and isinstance(base.get(key), dict):
                base[key] = {**base[key], **value}
            else:
                base[key] = value
        spec = base
    return spec


def main() -> None:
    bank = load_bank()
    specs = sorted((HERE / "specs").glob("*.yaml")) + sorted((HERE / "calibration" / "specs").glob("*.yaml"))
    good = [s for s in specs if not s.stem.startswith("broken-")]
    for path in good + [s for s in specs if s.stem.startswith("broken-")]:
        spec = load_spec(path)
        out = path.parent.parent / spec["file"]
        if "base" in spec:
            base = yaml.safe_load((path.parent / f"{spec['base']}.yaml").read_text(encoding="utf-8"))
            apply_edits(path.parent.parent / base["file"], spec["edits"], out)
        elif "content" in spec:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(spec["content"], encoding="utf-8")
        else:
            fill(spec, bank, out)
        print(f"wrote {out.resolve().relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
