"""Read filled questionnaire workbooks into the typed model, validating as we go.

Every problem is collected with its cell (``Questions!E14``), the value found
and what was expected; a workbook with any error raises one ``InputError``
carrying all of them. Warnings (blank answers, an unstamped older template...)
travel with the ``Response``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from assessor.errors import InputError, Problem, quote
from assessor.paths import loops, real_path
from assessor.model import (NOT_APPLICABLE, PROFILE_FIELDS, UNANSWERED, Answer, Assignment, ProfileValue, Response,
                            ResponsibilityRow, Role, Stamp, Submission)
from assessor.questionnaire import layout as L
from assessor.questionnaire import office
from assessor.questionnaire.answers import (parse_answer, parse_date, parse_number, parse_raci, parse_yes_no,
                                            split_people)
from assessor.questionnaire.bank import ROLE_ID, Bank
from assessor.questionnaire.guards import check_workbook_file
from assessor.questionnaire.sheets import Cell, Grid, load
from assessor.xlsx import column_letter as _letter


_SPACES = re.compile(r"\s+")


def _norm(text) -> str:
    return _SPACES.sub(" ", str(text or "")).strip().lower()


class _Collector:
    def __init__(self, file: str):
        self.file = file
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, where: str, message: str, found="", expected: str = ""):
        self.errors.append(Problem(self.file, where, message, quote(found) if found != "" else "", expected))

    def warn(self, where: str, message: str, found="", expected: str = ""):
        self.warnings.append(Problem(self.file, where, message, quote(found) if found != "" else "",
                                     expected, severity="warning"))


def read_submission(paths: list[str | Path], bank: Bank) -> Submission:
    """Read every respondent's workbook; fail once with the problems of all of them.

    The responses come in a canonical order, whatever the order of ``paths``: merged answers,
    Roles and RACI, ties, the profile shown and the warnings then do not depend on how the files
    were listed. Workbooks that are not one office's respondents are refused (office.py)."""
    responses, problems, seen = [], [], {}
    for path in paths:
        if loops(path):
            problems.append(Problem(str(path), "", "a symbolic link that leads back to itself, not a workbook",
                                    expected="the path of an .xlsx workbook"))
            continue
        key = real_path(path)
        if key in seen:  # the same respondent twice would double their weight in every median
            problems.append(Problem(str(path), "", f"the same workbook is given twice (also as {seen[key]})",
                                    expected="each respondent's workbook once"))
            continue
        seen[key] = str(path)
        try:
            responses.append(read_response(path, bank))
        except InputError as exc:
            problems.extend(exc.problems or [Problem(str(path), "", str(exc))])
    if problems:
        raise InputError(f"{len(problems)} problem(s) in the workbooks", problems)
    return submission_of(responses, bank)


def submission_of(responses: list[Response], bank: Bank, one_organisation: bool = True) -> Submission:
    """One office's submission from its respondents' workbooks, read: canonical order, one office
    (``one_organisation`` False: the caller grouped the files, and different organisations are a warning)."""
    digests = {r.source: hashlib.sha256(Path(r.source).read_bytes()).hexdigest() for r in responses}
    responses = office.canonical_order(responses, digests)
    problems = office.not_one_office(responses, digests, one_organisation)
    if problems:
        raise InputError(f"{len(problems)} problem(s) in the workbooks", problems)
    responses = _without_empty_sheet_warnings(office.with_pmo_name_warning(responses))
    responses = tuple(responses if one_organisation else office.with_organisation_warning(responses))
    return Submission(responses, bank.id, bank.version, tuple(digests[r.source] for r in responses))


NO_HOLDERS = "no role has a Holder"
NO_LETTERS = "the RACI sheet has no letters"


def _without_empty_sheet_warnings(responses: list[Response]) -> list[Response]:
    """A respondent who answered only the questions (a finance partner) has no view on Roles or RACI,
    and the merge counts none: their empty sheet is worth a warning only when nobody filled it."""
    filled = {NO_HOLDERS: any(any(r.holders for r in x.roles) for x in responses),
              NO_LETTERS: any(x.assignments for x in responses)}
    drop = tuple(m for m, yes in filled.items() if yes)
    if not drop:
        return responses
    return [x if not any(w.message.startswith(drop) for w in x.warnings) else
            Response(**{**x.__dict__, "warnings": tuple(w for w in x.warnings if not w.message.startswith(drop))})
            for x in responses]


def read_response(path: str | Path, bank: Bank) -> Response:
    """Read and validate one workbook. Never writes to it."""
    path = Path(path)
    check_workbook_file(path)
    grids, stamp_values, sheet_notes = load(path)
    out = _Collector(str(path))
    for where, message, found, expected in sheet_notes:
        out.warn(where, message, found, expected)
    stamp = _stamp(stamp_values, bank, out)
    previous = bank.previous_version(stamp.version) if stamp.version != bank.version else None
    sheets = _find_sheets(grids, out)
    # Check every sheet that is there, even when another is missing: one run lists everything to fix.
    profile = _profile(sheets[L.PROFILE], out) if L.PROFILE in sheets else ()
    answers = _questions(sheets[L.QUESTIONS], bank, out, previous, stamp.found) if L.QUESTIONS in sheets else ()
    roles = _roles(sheets[L.ROLES], bank, out) if L.ROLES in sheets else None
    # Without a readable Roles sheet the RACI header cannot be checked against it.
    known_roles = None if roles is None else {r.role_id for r in roles}
    responsibilities, assignments, columns = (_raci(sheets[L.RACI], bank, known_roles, out) if L.RACI in sheets
                                              else ((), (), ()))
    roles = roles or ()
    if out.errors:
        raise InputError(f"{path}: {len(out.errors)} problem(s)", out.errors + out.warnings)
    return Response(str(path), stamp, profile, answers, roles, responsibilities, assignments,
                    tuple(out.warnings), columns)


def _stamp(grids_stamp: dict, bank: Bank, out: _Collector) -> Stamp:
    template_id = grids_stamp.get(f"prop:{L.PROP_ID}") or grids_stamp.get("meta:template_id")
    version = (grids_stamp.get(f"prop:{L.PROP_VERSION}") or grids_stamp.get("meta:template_version")
               or grids_stamp.get("name:version"))
    qhash = grids_stamp.get(f"prop:{L.PROP_HASH}") or grids_stamp.get("meta:questions_hash", "")
    found = bool(template_id or version)
    if not found:
        out.warn("", "no template stamp (an older template, or sheets copied into a new file): "
                 "matched by sheet headers and question ids instead")
    elif template_id and template_id != bank.id:
        out.error("", "workbook was made from another questionnaire", template_id,
                  f"'{bank.id}' (choose its bank with --questionnaire {template_id})")
    elif version and version != bank.version and bank.previous_version(version):
        _older_version(bank, bank.previous_version(version), out)
    elif version and version != bank.version:
        out.warn("", f"workbook was made from template version {version}, the question bank is version "
                 f"{bank.version}: matched by question ids")
    elif qhash and qhash != bank.questions_hash:
        out.warn("", "question wording differs from the bank's (edited template?): matched by question ids")
    return Stamp(template_id or "", version or "", qhash, found)


def _older_version(bank: Bank, previous, out: _Collector) -> None:
    """One warning that says how a workbook of an earlier version of the bank is read."""
    carried = dict(previous.carry)
    parts = [f"workbook was made from question bank {bank.id} {previous.version}; it is read as version "
             f"{bank.version} by question id"]
    if previous.changed:
        parts.append(f"the meaning of {', '.join(previous.changed)} changed since {previous.version} "
                     "(their answers are used as given: check them)")
    if carried:
        parts.append(", ".join(f"{new} takes the answer to {old}" for new, old in carried.items())
                     + f" (the {previous.version} question asked both)")
    unasked = [q for q in previous.added if q not in carried]
    if unasked:
        parts.append(f"{', '.join(unasked)} were not asked and are left out, as N/A")
    out.warn("", "; ".join(parts), expected=f"a workbook made from the {bank.version} template "
             "(pmo-assess template) for the next assessment")


def _find_sheets(grids: dict[str, Grid], out: _Collector) -> dict[str, Grid]:
    found = {}
    by_norm = {_norm(name): name for name in grids}
    for wanted in L.REQUIRED_SHEETS:
        if wanted in grids:
            found[wanted] = grids[wanted]
        elif _norm(wanted) in by_norm:
            actual = by_norm[_norm(wanted)]
            out.warn(f"{actual}!A1", f"sheet name differs from the template's '{wanted}'; read it anyway", actual,
                     wanted)
            found[wanted] = grids[actual]
        else:
            others = [n for n in grids if n not in L.REQUIRED_SHEETS and not n.startswith("_")
                      and n != L.INSTRUCTIONS]
            out.error(wanted, f"missing sheet '{wanted}' (was it renamed or deleted?)",
                      ", ".join(others) if others else "", f"a sheet named '{wanted}'")
    read = {id(g) for g in found.values()}
    for name, grid in grids.items():  # Excel's "Move or Copy" names a copy "RACI (2)": its cells are not read
        copy_of = next((w for w in L.REQUIRED_SHEETS if re.fullmatch(re.escape(_norm(w)) + r"\s*(?:\(\d+\)|_\d+)",
                                                                      _norm(name))), None)
        if copy_of and id(grid) not in read and any(cells for cells in grid.rows[1:]):
            out.warn(f"{name}!A1", f"sheet '{name}' is a copy of '{copy_of}' and is not read: only "
                     f"'{copy_of}' is", name, f"the answers in the sheet named '{copy_of}'")
    return found


def _columns(grid: Grid, headers: tuple[str, ...], out: _Collector) -> dict[str, int] | None:
    """Find each header in row 1 by name (so moved columns still read); report missing ones, and ours
    given twice (which of two Answer columns holds the answers is a guess)."""
    row1: dict = {}
    wanted = {_norm(h) for h in headers}
    for c in range(1, len(grid.rows[0]) + 1) if grid.rows else ():
        at = grid.cell(1, c)
        name = _norm(at.value)
        if name in row1 and name in wanted:
            out.error(at.ref, f"duplicate header {quote(at.text)} (first at {grid.cell(1, row1[name]).ref})", at.value,
                      "each of the template's headers once")
        row1.setdefault(name, c)
    columns, ok = {}, True
    for position, header in enumerate(headers, start=1):
        if _norm(header) in row1:
            columns[header] = row1[_norm(header)]
        else:
            at = grid.cell(1, position)
            out.error(at.ref, f"missing header '{header}' (renamed or deleted column?)", at.value if not at.blank
                      else "", f"'{header}' in row 1")
            ok = False
    return columns if ok else None


def _text(cell: Cell, out: _Collector) -> str:
    if cell.formula:
        # Kept as the typed text, inert: a respondent's "=HYPERLINK(...)" stays a string.
        out.warn(cell.ref, "formula where text is expected; kept as plain text", cell.value)
    return cell.text


def _profile(grid: Grid, out: _Collector) -> tuple[ProfileValue, ...]:
    cols = _columns(grid, L.PROFILE_HEADERS, out)
    if cols is None:
        return ()
    field_col, value_col = cols["Field"], cols["Value"]
    rows: dict = {}
    known = {_norm(label) for _, label, _ in PROFILE_FIELDS}
    for number, _ in grid.data_rows():
        at = grid.cell(number, field_col)
        name = _norm(at.value)
        if name in rows and name in known:  # which of two Organisation rows is the office is a guess
            out.error(at.ref, f"duplicate profile field {quote(at.text)} (first at {grid.cell(rows[name], field_col).ref})",
                      at.value, "each field once")
        rows.setdefault(name, number)
    values = []
    for key, label, kind in PROFILE_FIELDS:
        number = rows.get(_norm(label))
        if number is None:
            out.error(grid.name, f"missing profile field '{label}'", expected=f"a row with '{label}' in the Field column")
            continue
        cell = grid.cell(number, value_col)
        values.append(ProfileValue(key, _profile_value(cell, kind, label, out), cell.ref))
    for key in ("organisation", "respondent"):
        if next((v for v in values if v.key == key and v.value in (None, "")), None):
            ref = next(v.cell for v in values if v.key == key)
            out.warn(ref, f"{key} is blank")
    return tuple(values)


def _profile_value(cell: Cell, kind: str, label: str, out: _Collector):
    if cell.blank:
        return None
    if cell.formula and kind != "text":
        out.error(cell.ref, f"formula where a value is expected for {label}", cell.value, "a typed value")
        return None
    value = cell.value
    if kind == "text":
        return _text(cell, out)
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            date, assumed = parse_date(value)
        except ValueError:
            out.error(cell.ref, f"{label} is not a date", value, "a date such as 2026-11-30 or 30/11/2026")
            return None
        if assumed:
            out.warn(cell.ref, f"{label} {assumed}", value)
        return date.isoformat()
    if kind == "count" and isinstance(value, str) and re.fullmatch(r"\s*\d{1,3}([,. \u00a0]\d{3})+\s*", value):
        value = re.sub(r"\D", "", value)  # "12,500" or "12 500" is a count, not a decimal
    try:
        number = parse_number(value)
    except ValueError:
        out.error(cell.ref, f"{label} is not a number", value, "a number")
        return None
    if number < 0:
        out.error(cell.ref, f"{label} is negative", value, "0 or more")
        return None
    if number > L.MAX_PROFILE_NUMBER:
        out.error(cell.ref, f"{label} is too large", value, f"at most {L.MAX_PROFILE_NUMBER:,}")
        return None
    if kind == "count":
        if number != int(number):
            out.error(cell.ref, f"{label} is not a whole number", value, "a whole number")
            return None
        return int(number)
    return number


def _questions(grid: Grid, bank: Bank, out: _Collector, previous=None, stamped: bool = True
               ) -> tuple[Answer, ...]:
    """The answers; ``previous`` (a bank.PreviousVersion) when the workbook is of an earlier version.
    An unstamped workbook whose missing questions are exactly those an earlier version did not ask
    is read as that version."""
    cols = _columns(grid, L.QUESTION_HEADERS, out)
    if cols is None:
        return ()
    labels = {s.label.lower(): s.value for s in bank.scale}
    seen: dict[str, str] = {}
    answers, blanks = [], []
    for number, _ in grid.data_rows():
        id_cell = grid.cell(number, cols["ID"])
        answer_cell = grid.cell(number, cols["Answer"])
        evidence_cell = grid.cell(number, cols["Evidence"])
        qid = id_cell.text
        if not qid:
            if not answer_cell.blank:
                out.error(id_cell.ref, "answer in a row without a question ID", "", "the question's ID in column "
                          + _letter(cols["ID"]))
            continue
        if qid in seen:
            out.error(id_cell.ref, f"duplicate question ID {qid} (first at {seen[qid]})", qid, "each ID once")
            continue
        seen[qid] = id_cell.ref
        if bank.question(qid) is None:
            if previous is None or qid not in previous.removed:
                out.warn(id_cell.ref, f"question ID {qid} is not in question bank {bank.id} {bank.version}; "
                         "ignored", qid)
            continue
        status, level = UNANSWERED, None
        if answer_cell.formula:
            out.error(answer_cell.ref, "formula where an answer is expected", answer_cell.value,
                      "a typed answer 0-5, N/A or Don't know")
            _text(evidence_cell, out)  # the row's other problems in the same run
            continue
        if not answer_cell.blank:
            try:
                status, level = parse_answer(answer_cell.value, labels, bank.not_applicable, bank.dont_know)
            except ValueError as exc:
                kind = exc.args[0] if exc.args else ""
                what = {"out of range": "out of range", "not whole": "not a whole number",
                        "range": "a range of levels"}.get(kind, "not a valid answer")
                expected = (f"a whole level 0-5 (the scale has no halves: choose {int(float(exc.args[1]))} or "
                            f"{int(float(exc.args[1])) + 1})" if kind == "not whole" else
                            "one level 0-5 (an answer is one level: choose the one the practice has reached "
                            "throughout)" if kind == "range" else
                            f"0-5 (e.g. 3 or '3 - {bank.scale_label(3)}'), {bank.not_applicable} or {bank.dont_know}")
                out.error(answer_cell.ref, f"answer to {qid} is {what}", answer_cell.value, expected)
                _text(evidence_cell, out)
                continue
            _label_mismatch(answer_cell, level, bank, out)
        else:
            blanks.append(f"{qid} ({answer_cell.ref.split('!')[1]})")
        answers.append(Answer(qid, status, level, answer_cell.ref, _text(evidence_cell, out),
                              evidence_cell.ref, answer_cell.text))
    if previous is None and not stamped:
        missing = {q.id for q in bank.questions} - set(seen)
        previous = next((p for p in bank.previous if missing and missing == set(p.added)), None)
        if previous is not None:
            _older_version(bank, previous, out)
    unasked = set(previous.added) if previous else set()
    for q in bank.questions:
        if q.id not in seen and q.id not in unasked:
            out.error(grid.name, f"question {q.id} is missing (deleted row?)",
                      expected=f"a row with ID {q.id}")
    if previous:
        given = {a.question_id: a for a in answers}
        carried = dict(previous.carry)
        for new in previous.added:
            if new in seen:
                continue
            if carried.get(new) in given:
                # The old question asked both practices: its answer (and cell) stands for the new one.
                answers.append(Answer(**{**given[carried[new]].__dict__, "question_id": new}))
            else:
                # Not asked then: no evidence either way, so it is left out like N/A (never a zero, and
                # not a missing answer that would cap the dimension of every old workbook).
                answers.append(Answer(new, NOT_APPLICABLE, None, "", raw=f"not asked in {previous.version}"))
    if blanks:
        shown = ", ".join(blanks[:8]) + (f" and {len(blanks) - 8} more" if len(blanks) > 8 else "")
        column = _letter(cols["Answer"])
        out.warn(f"{grid.name}!{column}:{column}", f"{len(blanks)} question(s) unanswered, counted as "
                 f"not answered (not zero): {shown}")
    return tuple(answers)


def _label_mismatch(cell: Cell, level, bank: Bank, out: _Collector) -> None:
    """"3 - Managed" names two levels: the number is used, and the respondent is told."""
    if level is None or not isinstance(cell.value, str):
        return
    match = re.match(r"\s*\d+\s*[-–—:.)]\s*(.+?)\s*$", cell.value)
    if not match:
        return
    named = {s.label.lower(): s.value for s in bank.scale}.get(match.group(1).lower())
    if named is not None and named != level:
        out.warn(cell.ref, f"answer names level {level} and label '{match.group(1)}' (level {named}); "
                 f"{level} is used", cell.value, f"'{level} - {bank.scale_label(level)}'")


def _roles(grid: Grid, bank: Bank, out: _Collector) -> tuple[Role, ...] | None:
    cols = _columns(grid, L.ROLE_HEADERS, out)
    if cols is None:
        return None
    standard = set(bank.role_ids())
    bodies = {r.id for r in bank.roles if r.body}
    roles, seen = [], {}
    for number, _ in grid.data_rows():
        id_cell = grid.cell(number, cols["Role ID"])
        rid = id_cell.text
        # A bad Role ID keeps its row out of the analysis, but the row's other cells are still checked:
        # every problem of a row is reported in the same run.
        usable = False
        if not rid:
            out.error(id_cell.ref, "role row without a Role ID", expected="a Role ID such as PM or PMO-HEAD")
        elif not re.fullmatch(ROLE_ID, rid):
            out.error(id_cell.ref, "Role ID has the wrong form", rid,
                      "2-12 capital letters, digits or '-', starting with a letter")
        elif rid in seen:
            out.error(id_cell.ref, f"duplicate Role ID {rid} (first at {seen[rid]})", rid, "each Role ID once")
        else:
            seen[rid] = id_cell.ref
            usable = True
        name = rid or f"the role in row {number}"
        fte_cell = grid.cell(number, cols["FTE"])
        fte = None
        if fte_cell.formula:
            out.error(fte_cell.ref, "formula where an FTE is expected", fte_cell.value, "a number such as 0.5")
        elif not fte_cell.blank:
            try:
                fte = parse_number(fte_cell.value)
                if fte < 0:
                    out.error(fte_cell.ref, f"FTE of {name} is negative", fte_cell.value, "0 or more")
                    fte = None
                elif fte > L.MAX_FTE:
                    out.error(fte_cell.ref, f"FTE of {name} is too large", fte_cell.value,
                              f"each holder's share of a full-time job, such as 0.5 (at most {L.MAX_FTE})")
                    fte = None
            except ValueError:
                out.error(fte_cell.ref, f"FTE of {name} is not a number", fte_cell.value, "a number such as 0.5")
        pmo_cell = grid.cell(number, cols["In PMO"])
        in_pmo = None
        if not pmo_cell.blank:
            try:
                in_pmo = parse_yes_no(pmo_cell.value)
            except ValueError:
                out.error(pmo_cell.ref, f"In PMO of {name} is not yes or no", pmo_cell.value, "Yes or No")
        reports_cell = grid.cell(number, cols["Reports to"])
        holder_cell = grid.cell(number, cols["Holder"])
        role_text, holders = _text(grid.cell(number, cols["Role"]), out), split_people(_text(holder_cell, out))
        if not usable:
            continue
        _check_holders(holder_cell, fte_cell, name, holders, fte, rid in bodies, out)
        roles.append(Role(rid, role_text, holders, fte, in_pmo, reports_cell.text or None, id_cell.ref,
                          rid in standard, holder_cell.ref, fte_cell.ref, reports_cell.ref, pmo_cell.ref))
    if roles and not any(r.holders for r in roles):
        out.warn(f"{grid.name}!{_letter(cols['Holder'])}:{_letter(cols['Holder'])}", f"{NO_HOLDERS}, so the "
                 "office is read as having nobody in post (every coverage finding follows from that)", "",
                 "the name of each role's holder in the Holder column")
    _reporting_lines(roles, out, bank)  # may normalise "pmo-head" to "PMO-HEAD" in place
    return tuple(roles)


def _reporting_lines(roles: list[Role], out: _Collector, bank: Bank | None = None) -> None:
    by_id = {r.role_id: r for r in roles}
    catalogue = {r.id: r.name for r in bank.roles} if bank is not None else {}
    named = {}  # a role's name, or a holder's, as a respondent may type it for the Role ID meant
    for r in roles:
        for text in (r.name, catalogue.get(r.role_id), *r.holders):
            if text:
                named.setdefault(" ".join(text.split()).casefold(), r.role_id)
    for i, role in enumerate(roles):
        if role.reports_to and role.reports_to not in by_id and role.reports_to.upper() in by_id:
            roles[i] = role = Role(**{**role.__dict__, "reports_to": role.reports_to.upper()})
        if role.reports_to and role.reports_to not in by_id:
            meant = named.get(" ".join(role.reports_to.split()).casefold())
            out.error(role.reports_to_cell, f"{role.role_id} reports to an unknown role", role.reports_to,
                      "a Role ID listed in the Roles sheet" + (f" (for {quote(role.reports_to)}: {meant})" if meant else ""))
        elif role.reports_to == role.role_id:
            out.error(role.reports_to_cell, f"{role.role_id} reports to itself", role.reports_to, "another role")
    reported: set[frozenset] = set()
    for start in roles:
        path, current = [], start
        while current is not None and current.role_id not in path:
            path.append(current.role_id)
            current = by_id.get(current.reports_to) if current.reports_to else None
        if current is not None and len(path) > 1:
            cycle = path[path.index(current.role_id):]
            key = frozenset(cycle)
            if len(cycle) > 1 and key not in reported:
                reported.add(key)
                cells = ", ".join(by_id[r].reports_to_cell for r in cycle)
                out.error(by_id[cycle[0]].reports_to_cell, "reporting lines form a cycle: "
                          + " -> ".join(cycle + [cycle[0]]) + f" ({cells})",
                          expected="each line to lead up to a top role with Reports to blank")


_SEVERAL = re.compile(r"\s*[,/]\s*")  # not "and", nor "&": "Internal Audit and Risk Assurance" is one team


def _check_holders(cell, fte_cell, name: str, holders: tuple[str, ...], fte, body: bool, out: _Collector) -> None:
    """What a Holder cell may mean other than it reads: an FTE with nobody to hold it (the role then counts
    as not held), or several people written as one ("Dev Patel, Ana Ruiz": one person's load, never
    anyone's overload). A board's or committee's holder is its name ("Programme and project boards")."""
    if not holders and fte:
        out.warn(cell.ref, f"{name} has an FTE ({fte:g}) but no Holder, so it counts as not held", "",
                 "the name of each person who holds it, separated by ;")
    if fte and fte > 1 and not body:  # a team's total typed for each holder's share makes each overloaded
        share = f"; {len(holders)} people sharing {fte:g} FTE are {fte / len(holders):g} each" if len(holders) > 1 else ""
        out.warn(fte_cell.ref, f"FTE of {name} is {fte:g}, more than a full-time job for each holder", f"{fte:g}",
                 f"each holder's share of a full-time job (1 = full time){share}")
    for holder in holders if not body else ():
        parts = [p for p in _SEVERAL.split(holder) if p]
        if len(parts) > 1 and all(1 <= p.count(" ") <= 2 and all(w[:1].isupper() for w in p.split()) for p in parts):
            out.warn(cell.ref, f"Holder of {name} is read as one person, {quote(holder)}", holder,
                     f"several people separated by ; ({'; '.join(parts)})")


def _raci(grid: Grid, bank: Bank, role_ids: set[str] | None, out: _Collector):
    if not grid.rows:
        out.error(f"{grid.name}!A1", "RACI sheet is empty", expected="the header row Responsibility ID | "
                  "Responsibility | <Role IDs>")
        return (), (), ()
    cols = _columns(grid, L.RACI_FIXED_HEADERS, out)
    if cols is None:
        return (), (), ()
    id_col, name_col = cols["Responsibility ID"], cols["Responsibility"]
    role_columns: dict[int, str] = {}
    seen_roles: dict[str, str] = {}
    width = max((len(cells) for cells in grid.rows), default=0)
    for col in range(1, width + 1):
        if col in (id_col, name_col):
            continue
        head = grid.cell(1, col)
        rid = head.text
        if not rid:
            filled = [grid.cell(n, col) for n, _ in grid.data_rows() if not grid.cell(n, col).blank]
            if filled:  # letters nobody can attribute would silently vanish from the analysis
                out.error(head.ref, f"RACI letters in a column with no Role ID ({len(filled)} cells, first "
                          f"{filled[0].ref})", "", "the Role ID in row 1")
            continue
        if role_ids is not None and rid not in role_ids and rid.upper() in role_ids:
            rid = rid.upper()  # "planner" for PLANNER, as a Reports to cell is read
        if role_ids is not None and rid not in role_ids:
            out.error(head.ref, f"unknown Role ID {rid} in the RACI header", rid, "a Role ID from the Roles sheet")
            continue
        if rid in seen_roles:
            out.error(head.ref, f"duplicate RACI column for {rid} (first at {seen_roles[rid]})", rid,
                      "one column per role")
            continue
        seen_roles[rid] = head.ref
        role_columns[col] = rid
    standard = set(bank.responsibility_ids())
    rows, assignments, seen = [], [], {}
    for number, cells in grid.data_rows():
        id_cell = grid.cell(number, id_col)
        resp = id_cell.text
        usable = False  # as for Roles: a bad ID drops the row, and its letters are still checked
        if not resp:
            out.error(id_cell.ref, "RACI row without a Responsibility ID", expected="a Responsibility ID")
        elif resp in seen:
            out.error(id_cell.ref, f"duplicate Responsibility ID {resp} (first at {seen[resp]})", resp,
                      "each responsibility once")
        else:
            seen[resp] = id_cell.ref
            usable = True
            if resp not in standard:
                out.warn(id_cell.ref, f"responsibility {resp} is not in the standard catalogue; kept as the "
                         "client's own", resp)
            rows.append(ResponsibilityRow(resp, _text(grid.cell(number, name_col), out), id_cell.ref, resp in standard))
        name = resp or f"row {number}"
        end = len(cells)
        for col, rid in role_columns.items():  # the row's own cells: a RACI has a thousand, most of them blank
            if col > end:
                continue
            cell = cells[col - 1]
            if cell is None or cell.blank:
                continue
            if cell.formula:
                out.error(cell.ref, "formula where a RACI letter is expected", cell.value, "R, A, C, I or A/R")
                continue
            try:
                letters = parse_raci(cell.value)
            except ValueError:
                out.error(cell.ref, f"invalid RACI letter for {rid} on {name}", cell.value, "R, A, C, I or A/R")
                continue
            if usable:
                assignments.append(Assignment(resp, rid, letters, cell.ref))
    if rows and not assignments and not out.errors:
        out.warn(f"{grid.name}!A1", f"{NO_LETTERS}, so no role is read as carrying any "
                 "responsibility (every coverage finding follows from that)", "",
                 "R, A, C, I or A/R where each role takes part in each responsibility")
    return tuple(rows), tuple(assignments), tuple((rid, seen_roles[rid]) for rid in role_columns.values())
