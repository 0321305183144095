"""The remediation plan carried forward: Owner, Due and Status that a client typed into an earlier
report's Findings sheet, brought into the new report for the findings that persist; the ones no longer
found are listed as resolved.

``read_plan`` is the I/O edge (the earlier report, read as untrusted as any workbook: the same file
guards, formulas refused, every problem named by its cell); ``carry_forward`` is pure.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from assessor.errors import InputError, Problem, quote
from assessor.xlsx import column_letter as _letter

SHEET = "Findings"
COLUMNS = {"id": "ID", "severity": "Severity", "message": "Message", "owner": "Owner", "due": "Due",
           "status": "Status"}
REQUIRED = ("id", "owner", "due", "status")
MAX_ROWS = 20_000     # a report has a row per finding: hundreds at most
MAX_TEXT = 500        # an owner or a status is a name or a phrase
# A message is the whole Message cell (a grouped finding's details under it): only a cell's own limit
# in Excel, which the Resolved sheet must write it back into
MAX_MESSAGE = 32_767
_DETAIL = re.compile(r"\n[ \t]*- ")  # the report writes a grouped finding's details as "\n- ..." lines
# The statuses the report's Status dropdown offers (the xlsx reporter's list is this one)
STATUSES = ("Open", "In progress", "Done", "Accepted risk", "Not applicable")
OPEN, DONE = "Open", "Done"
DUE_EXPECTED = "a date such as 2027-03-31 or 31/03/2027"


class PlanError(InputError):
    """An earlier report that cannot be carried forward."""


@dataclass(frozen=True)
class PlanEntry:
    finding: str
    cell: str                 # where the row is: Findings!A7
    severity: str | None
    message: str | None       # the finding's message, in full
    owner: str | None
    due: str | None           # an ISO date; a Due that is no date is None, and said in a note
    status: str | None        # one of STATUSES, as the dropdown spells it; None if blank or not one of them
    # (column, sentence, typed): what was typed but not carried as it was; ``typed`` the text itself when it
    # was not carried at all, which the next report keeps in its cell (else "")
    notes: tuple[tuple[str, str, str], ...] = ()
    details: tuple[str, ...] = ()             # a grouped finding's single matches, as its Message cell listed them


@dataclass(frozen=True)
class Plan:
    source: str
    organisation: str | None
    pmo_name: str | None
    assessment_date: str | None
    entries: tuple[PlanEntry, ...]
    warnings: tuple[Problem, ...] = ()


def read_plan(path: str | Path) -> Plan:
    """Read the Findings sheet (and the Summary's organisation and date) of a report ``assess -o`` wrote."""
    try:
        return _read(Path(path))
    except InputError as exc:  # read before the assessment: say that nothing was assessed
        raise PlanError(str(exc), exc.problems, consequence="nothing was assessed") from None


def _read(path: Path) -> Plan:
    from assessor.questionnaire.guards import check_workbook_file
    from assessor.questionnaire.sheets import untrusted_workbook

    if not path.is_file():
        raise PlanError(f"{path}: plan not found", [Problem(str(path), "", "--plan: file not found", "",
                                                            "the .xlsx report of the previous assessment")])
    check_workbook_file(path)
    with untrusted_workbook(path) as wb:  # the reader's own guarded opening: defusedxml, damage said
        if SHEET not in wb.sheetnames:
            raise PlanError(f"{path}: not a pmo-assess report", [Problem(
                str(path), "", f"--plan: no {SHEET} sheet, so not a pmo-assess report", ", ".join(wb.sheetnames[:8]),
                "the .xlsx report `pmo-assess assess -o report.xlsx` wrote, with its Findings sheet")])
        sheets = list(wb.sheetnames)
        summary = _summary(wb["Summary"]) if "Summary" in sheets else {}
        entries, problems = _entries(wb[SHEET], str(path))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise PlanError(f"{path}: {len(errors)} problem(s) in the plan", problems)
    title = str(summary.get("title") or "")
    organisation = title.split(":", 1)[1].strip() if title.startswith("PMO assessment:") else None
    if not organisation and not _text(summary.get("PMO")):  # a Findings sheet copied out on its own, say
        problems.append(Problem(str(path), "Summary" if "Summary" in sheets else "",
                                "the plan does not say which office it is of (no Summary sheet naming the organisation "
                                "and PMO), so it cannot be checked against this one: its rows are carried by finding "
                                "id only", "", "the whole .xlsx report of this office's previous assessment",
                                "warning"))
    return Plan(str(path), organisation or None, _text(summary.get("PMO")), _date_text(summary.get("Assessment date")),
                tuple(entries), tuple(p for p in problems if p.severity != "error"))


def _summary(ws) -> dict:
    """The Summary sheet's title and its label | value lines (the first rows only)."""
    found = {}
    for r, row in enumerate(ws.iter_rows(max_row=20, max_col=2, values_only=True), start=1):
        label, value = (tuple(row) + (None, None))[:2]
        if r == 1:
            found["title"] = label
        elif isinstance(label, str) and label.strip():
            found.setdefault(label.strip(), value)
    return found


def _entries(ws, file: str) -> tuple[list[PlanEntry], list[Problem]]:
    problems: list[Problem] = []
    rows = ws.iter_rows(max_row=MAX_ROWS + 1, max_col=40)
    head = next(rows, ())
    columns = {}
    for c, cell in enumerate(head, start=1):
        text = str(getattr(cell, "value", "") or "").strip().casefold()
        for key, label in COLUMNS.items():
            if text == label.casefold() and key not in columns:
                columns[key] = c
    missing = [COLUMNS[k] for k in REQUIRED if k not in columns]
    if missing:
        problems.append(Problem(file, f"{SHEET}!A1", f"the header row has no {', '.join(missing)} column",
                                ", ".join(str(getattr(c, "value", "") or "") for c in head[:12] if getattr(c, "value", None)),
                                "the header row of the report's Findings table: ID ... Owner, Due, Status"))
        return [], problems
    entries, seen = [], {}
    for r, row in enumerate(rows, start=2):
        if r > MAX_ROWS + 1:
            problems.append(Problem(file, f"{SHEET}!A{r}", f"only the first {MAX_ROWS} findings are read", "", "",
                                    "warning"))
            break
        cells = {k: (row[c - 1] if c - 1 < len(row) else None) for k, c in columns.items()}
        values = {}
        for key, cell in cells.items():
            value = getattr(cell, "value", None)
            where = f"{SHEET}!{_letter(columns[key])}{r}"
            # a formula cell, not text that starts with "=": the report writes a message, a name or a
            # subject that does as quote-prefixed text, and its own report was refused as a plan
            if getattr(cell, "data_type", None) == "f":
                problems.append(Problem(file, where, f"a formula in the {COLUMNS[key]} column", quote(value),
                                        "the value itself (a name, a date, a status), not a formula"))
                value = None
            values[key] = value
        finding = _text(values["id"])
        if not finding:
            continue  # a blank row, or the table's spare rows
        where = f"{SHEET}!{_letter(columns['id'])}{r}"
        if finding in seen:
            problems.append(Problem(file, where, f"finding {finding} is listed again (first at {seen[finding]}); "
                                    "the first row is carried forward", "", "", "warning"))
            continue
        seen[finding] = where
        notes = []
        due_cell, status_cell = (f"{SHEET}!{_letter(columns[k])}{r}" for k in ("due", "status"))
        due, assumed, readable = _due(values["due"])
        typed = _typed(values["due"])
        if not readable:  # never a date made up: the JSON's due is None, what was typed goes in a note
            problems.append(Problem(file, due_cell, f"Due of {finding} is not a date, so it is not carried forward",
                                    quote(_as_typed(values["due"])), DUE_EXPECTED, "warning"))
            notes.append(("Due", f"Due typed as {typed} in {due_cell} is not a date, so it is not carried as a "
                                 "date.", _as_typed(values["due"]) or ""))
        elif assumed:
            problems.append(Problem(file, due_cell, f"Due of {finding} {assumed}", quote(values["due"]), "",
                                    "warning"))
            notes.append(("Due", f"Due typed as {typed} in {due_cell}: {assumed}.", ""))
        status = _status(values["status"])
        if status is None and _text(values["status"]):
            problems.append(Problem(file, status_cell, f"Status of {finding} is not one of the plan's statuses, so it "
                                    "is not carried forward", quote(values["status"]),
                                    f"{', '.join(STATUSES[:-1])} or {STATUSES[-1]}, as the Status dropdown offers",
                                    "warning"))
            notes.append(("Status", f"Status typed as {_typed(values['status'])} in {status_cell} is not one of "
                                    f"the plan's statuses ({', '.join(STATUSES)}), so it was not carried forward.",
                          _lines(values["status"]) or ""))
        message, details = _message(values.get("message"))
        entries.append(PlanEntry(finding, where, _text(values.get("severity")), message,
                                 _lines(values["owner"]), due, status, tuple(notes), details))
    return entries, problems


def _message(value) -> tuple[str | None, tuple[str, ...]]:
    """A Message cell as the report wrote it: the message, then a grouped finding's details on lines of
    their own, each "- ..." (``finding_text``). Whole: only text beyond a cell's limit is cut, at a word,
    with an ellipsis."""
    if value is None:
        return None, ()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE - 1].rsplit(None, 1)[0] + "…"
    message, *details = (" ".join(part.split()) for part in _DETAIL.split(text.strip()))
    return message or None, tuple(d for d in details if d)


def _status(value) -> str | None:
    """The plan's status a typed one names, whatever its case and spacing ("in  progress "); None if none."""
    text = (_text(value) or "").casefold()
    return next((s for s in STATUSES if s.casefold() == text), None) if text else None


def _typed(value) -> str:
    """A typed value in full, for a note that keeps what was not carried (``quote`` shortens long ones)."""
    if isinstance(value, str) and _text(value):
        return repr(_text(value))
    return quote(_as_typed(value))


def _as_typed(value) -> str | None:
    """What the client typed in a cell, as text: a year typed in the date-formatted Due column comes
    from openpyxl as the date that serial would be (2027 as 1905-07-19), and is kept as the year; any
    other date as its day (a typo such as 1926-03-31 stays that date)."""
    if isinstance(value, (dt.datetime, dt.date)):
        from openpyxl.utils.datetime import to_excel

        serial = to_excel(value)
        if float(serial).is_integer() and 1900 <= serial <= 2200:  # a whole serial that reads as a year
            return str(int(serial))
        return _date_text(value)
    return _text(value)


def _lines(value) -> str | None:
    """An owner, or a status kept as typed: ``_text`` line by line, so that two owners on two lines of
    the cell stay two lines (one line of both names read as one person)."""
    if value is None:
        return None
    lines = [" ".join(line.split()) for line in str(value).splitlines()]
    return "\n".join(line for line in lines if line)[:MAX_TEXT] or None


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    return text[:MAX_TEXT] or None


def _date_text(value) -> str | None:
    if isinstance(value, (dt.datetime, dt.date)):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    return _text(value)


_SERIAL_2000 = 36526   # 2000-01-01 as an Excel serial: the report's Due validation accepts dates after it


def _due(value) -> tuple[str | None, str | None, bool]:
    """A Due as an ISO date: a date cell, an Excel serial number, or a date typed as text the way the
    questionnaire reader takes one (2026-09-30, 30/09/2026, 30.09.2026, 30 September 2026; day first
    when it reads two ways). Returns (the date, how an ambiguous text was read, whether it is a date)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None, True
    if isinstance(value, (dt.datetime, dt.date)):  # (a number in the date-formatted column comes as one)
        return (_date_text(value), None, True) if value.year >= 2000 else (None, None, False)
    if isinstance(value, bool):
        return None, None, False
    if isinstance(value, (int, float)):
        from openpyxl.utils.datetime import from_excel

        # 0 and below are no day of Excel's calendar (and nan is no number); a serial before 2000, the
        # Due column's own lower bound, is a year or a count typed there (2027 read as 1905-07-19)
        if not value >= _SERIAL_2000:
            return None, None, False
        try:
            return from_excel(value).date().isoformat(), None, True
        except (ValueError, OverflowError, TypeError):
            return None, None, False
    from assessor.questionnaire.answers import parse_date

    try:
        date, assumed = parse_date(_text(value))
    except (ValueError, OverflowError):
        return None, None, False
    if date.year < 2000:  # the Due column's lower bound, as for a date cell (1905-07-19 carried as text)
        return None, None, False
    return date.isoformat(), assumed, True


def carry_forward(plan: Plan, report: dict) -> dict:
    """The plan section of a new report: for each finding still found, the Owner, Due and Status typed
    in the earlier report; the earlier findings no longer found, as resolved; the new ones, as new."""
    entries = {e.finding: e for e in plan.entries}
    found = {f["id"]: f for f in report["findings"]}
    persisting, new = [], []
    for f in report["findings"]:
        entry = entries.get(f["id"])
        if entry is None:
            new.append(f["id"])
            continue
        # Done but still found is not done: it comes back Open (the flag says why), and a finding whose
        # Status was cleared is Open too, as the report's Status column shows it
        reopened = entry.status == DONE
        persisting.append({"id": f["id"], "owner": entry.owner, "due": entry.due,
                           "status": OPEN if reopened or not entry.status else entry.status,
                           "reopened": reopened, "was": entry.cell, "notes": _notes(entry)})
    resolved = [{"id": e.finding, "severity": e.severity, "message": e.message, "details": list(e.details),
                 "owner": e.owner, "due": e.due, "status": e.status, "was": e.cell, "notes": _notes(e)}
                for e in plan.entries if e.finding not in found]
    return {"source": Path(plan.source).name, "assessment_date": plan.assessment_date,
            "persisting": persisting, "resolved": resolved, "new": new}


def _notes(entry: PlanEntry) -> list[dict]:
    return [{"column": column, "text": text, **({"typed": typed} if typed else {})} for column, text, typed in entry.notes]


def check_office(plan: Plan, report: dict, stored_as_one=None) -> None:
    """Refuse a plan from another office's report: its owners and dates would land on the wrong client.
    ``stored_as_one(earlier, now)``, when given, says whether two (organisation, PMO) names are one
    office of the store (an alias: the client renamed)."""
    from assessor.store.keys import name_key

    org = report["organisation"]
    theirs = [(plan.organisation, org.get("organisation")), (plan.pmo_name, org.get("pmo_name"))]
    if stored_as_one is not None and any(e and n and name_key(e) != name_key(str(n)) for e, n in theirs) \
            and stored_as_one((plan.organisation, plan.pmo_name), (org.get("organisation"), org.get("pmo_name"))):
        return
    for earlier, now in theirs:
        if earlier and now and name_key(earlier) != name_key(str(now)):
            raise PlanError(f"{plan.source}: the plan is from another office", [Problem(
                plan.source, "Summary!A1", "this report is of another office", quote(f"{plan.organisation} / "
                                                                                     f"{plan.pmo_name}"),
                f"the earlier report of {org.get('organisation')} / {org.get('pmo_name')}")],
                consequence="no report was written and nothing was saved")
