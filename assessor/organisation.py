"""One organisation's Roles and RACI, merged over its respondents' workbooks.

Pure: responses (in the submission's canonical order) -> one ``Organisation``:
the roles, RACI rows and assignments the respondents together describe, plus
every ``Disagreement`` between them. Answers are merged per question by the
median (assessor/scoring.py); the two sheets are merged field by field:

* A respondent votes on the Roles sheet only if they named at least one
  Holder, and on the RACI only if they gave at least one letter: someone who
  left a sheet as the template had it has no view to count. When nobody filled
  a sheet, everyone's counts (it is what the workbooks hold).
* Rows are the union over the voters, in the order they first appear. A voter
  votes on the rows their sheet has: a blank Holder on a prefilled row is a
  vote for "nobody holds it"; a row a client added counts only for those who
  have it. A RACI cell counts for the voters whose sheet has both its row and
  its role's column; blank is a vote for "no involvement".
* Holders (a set of people, names compared by ``name_key``), In PMO, Reports
  to and every RACI cell take the value most voters gave; on a tie, the value
  of the voter who comes first in the canonical order. FTE is the median of
  the non-blank FTEs.
* A RACI row every voter gave exactly one Accountable keeps exactly one (``_one_accountable``):
  the role most of them name, on a tie the first voter's.
* Each merged record names the file (``source``) of the cells it shows: those
  of the first voter who gave the value used (for FTE, the voter nearest the
  median).

Reporting lines taken from different voters can form a cycle no single
workbook has; the COV-CYCLE rule reports it.
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, replace

from assessor.model import Assignment, Response, ResponsibilityRow, Role, name_key

# What a disagreement is about, and the column the respondents filled differently.
HOLDER, FTE, IN_PMO, REPORTS_TO, RACI = "holder", "fte", "in_pmo", "reports_to", "raci"
COLUMNS = {HOLDER: "Holder", FTE: "FTE", IN_PMO: "In PMO", REPORTS_TO: "Reports to", RACI: "RACI letter"}


@dataclass(frozen=True)
class Vote:
    """What one respondent's cell says about one field."""
    file: str
    respondent: str
    cell: str          # "Roles!C5"
    value: str         # as the cell reads; "" when blank


@dataclass(frozen=True)
class Disagreement:
    """Voters gave different values for one field of a role, or for one RACI cell."""
    field: str                   # HOLDER, FTE, IN_PMO, REPORTS_TO or RACI
    role: str
    responsibility: str          # "" for a field of the Roles sheet
    votes: tuple[Vote, ...]      # every voter's cell, in canonical order
    used: str                    # the merged value, shown like a vote's value

    @property
    def subject(self) -> str:
        return f"{self.responsibility} / {self.role}" if self.responsibility else self.role


@dataclass(frozen=True)
class Organisation:
    """The Roles and RACI sheets as the respondents together describe them."""
    roles: tuple[Role, ...]
    responsibilities: tuple[ResponsibilityRow, ...]
    assignments: tuple[Assignment, ...]
    disagreements: tuple[Disagreement, ...]
    role_voters: tuple[str, ...]     # files whose Roles sheet counted
    raci_voters: tuple[str, ...]     # files whose RACI sheet counted

    @property
    def files(self) -> tuple[str, ...]:
        """Every file a merged value comes from, sorted."""
        found = {f for r in self.roles for f in (r.source, r.fte_source, r.in_pmo_source, r.reports_to_source)}
        found |= {r.source for r in self.responsibilities} | {a.source for a in self.assignments}
        return tuple(sorted(found - {""}))


def merge_organisation(responses) -> Organisation:
    """The merged Roles and RACI of ``responses`` (a Submission's, in its canonical order)."""
    responses = [_with_sources(r) for r in responses]
    role_voters = [r for r in responses if any(role.holders for role in r.roles)] or responses
    raci_voters = [r for r in responses if r.assignments] or responses
    disagreements: list[Disagreement] = []
    roles = [_merge_role(rows, disagreements) for rows in _rows(role_voters, "roles", "role_id")]
    responsibilities, assignments = _merge_raci(raci_voters, disagreements)
    roles += _roles_only_the_raci_names(roles, assignments, raci_voters)
    return Organisation(tuple(roles), tuple(responsibilities), tuple(assignments), tuple(disagreements),
                        tuple(r.source for r in role_voters), tuple(r.source for r in raci_voters))


def cell_values(responses) -> dict[tuple[str, str], str]:
    """(file, cell) -> what each Roles and RACI cell of each workbook holds, so evidence shows the
    value with the cell; keyed by file because every respondent's workbook has the same cells."""
    values = {}
    for r in responses:
        for role in r.roles:
            file = role.source or r.source
            values[file, role.cell] = role.role_id
            values[file, role.holder_cell] = "; ".join(role.holders)
            values[file, role.fte_cell] = _fte(role.fte)
            values[file, role.in_pmo_cell] = _yes_no(role.in_pmo)
            values[file, role.reports_to_cell] = role.reports_to or ""
        for a in r.assignments:
            values[a.source or r.source, a.cell] = a.letters
    return values


# --- the merge ---------------------------------------------------------------------------------------

def _with_sources(r: Response) -> Response:
    """Every record names its file (inside a Response the reader leaves that to Response.source)."""
    def role(x: Role) -> Role:
        s = x.source or r.source
        return _copy(x, source=s, fte_source=x.fte_source or s, in_pmo_source=x.in_pmo_source or s,
                     reports_to_source=x.reports_to_source or s)

    return replace(r, roles=tuple(role(x) for x in r.roles),
                   responsibilities=tuple(_copy(x, source=x.source or r.source) for x in r.responsibilities),
                   assignments=tuple(_copy(x, source=x.source or r.source) for x in r.assignments))


def _copy(record, **changes):
    """``dataclasses.replace`` for our plain frozen records (no __post_init__, no slots, every field
    set by __init__), at a tenth of its cost: an assessment copies a few hundred of them."""
    copied = object.__new__(type(record))
    copied.__dict__.update(record.__dict__, **changes)
    return copied


def _rows(voters, sheet: str, key: str) -> list[list[tuple[Response, object]]]:
    """Per row id, in order of first appearance over the voters: each voter's (response, row)."""
    by_id: dict[str, list] = {}
    for r in voters:
        for row in getattr(r, sheet):
            by_id.setdefault(getattr(row, key), []).append((r, row))
    return list(by_id.values())


def _pick(rows, value_of) -> int:
    """Index of the row whose value is used: the value most rows give; on a tie, the first row's."""
    values = [value_of(x) for _, x in rows]
    counts = Counter(values)
    best = max(counts.values())
    return next(i for i, v in enumerate(values) if counts[v] == best)


def _people(role: Role) -> frozenset:
    return frozenset(name_key(h) for h in role.holders)


# field, the value compared, the value shown, its cell, its file
ROLE_FIELDS = (
    (HOLDER, _people, lambda x: "; ".join(x.holders), lambda x: x.holder_cell, lambda x: x.source),
    (FTE, lambda x: x.fte, lambda x: _fte(x.fte), lambda x: x.fte_cell, lambda x: x.fte_source),
    (IN_PMO, lambda x: x.in_pmo, lambda x: _yes_no(x.in_pmo), lambda x: x.in_pmo_cell, lambda x: x.in_pmo_source),
    (REPORTS_TO, lambda x: x.reports_to, lambda x: x.reports_to or "", lambda x: x.reports_to_cell,
     lambda x: x.reports_to_source),
)


def _merge_role(rows: list[tuple[Response, Role]], disagreements: list) -> Role:
    if len(rows) == 1:  # one voter: its row is the merged role, and nothing can disagree
        return rows[0][1]
    base = rows[_pick(rows, _people)][1]
    pmo = rows[_pick(rows, lambda x: x.in_pmo)][1]
    line = rows[_pick(rows, lambda x: x.reports_to)][1]
    given = [(role.fte, i) for i, (_, role) in enumerate(rows) if role.fte is not None]
    fte, fte_row = None, base
    if given:
        fte = statistics.median(v for v, _ in given)
        fte_row = rows[min(given, key=lambda g: (abs(g[0] - fte), g[1]))[1]][1]
    merged = replace(base, name=base.name or next((role.name for _, role in rows if role.name), ""),
                     fte=fte, fte_cell=fte_row.fte_cell, fte_source=fte_row.fte_source,
                     in_pmo=pmo.in_pmo, in_pmo_cell=pmo.in_pmo_cell, in_pmo_source=pmo.in_pmo_source,
                     reports_to=line.reports_to, reports_to_cell=line.reports_to_cell,
                     reports_to_source=line.reports_to_source)
    for field, compared, shown, cell, file in ROLE_FIELDS:
        _note(disagreements, field, merged.role_id, "", rows, compared, shown, cell, file, shown(merged))
    return merged


def _note(disagreements: list, field: str, role: str, responsibility: str, rows, compared, shown, cell, file,
          used: str) -> None:
    """Record a disagreement when two voters' values differ; agreement is kept silently."""
    if len({compared(x) for _, x in rows}) > 1:
        votes = tuple(Vote(file(x), r.respondent, cell(x), shown(x)) for r, x in rows)
        disagreements.append(Disagreement(field, role, responsibility, votes, used))


def _merge_raci(voters, disagreements: list):
    columns = {r.source: _raci_columns(r) for r in voters}
    letters = {r.source: {(a.responsibility_id, a.role_id): a for a in r.assignments} for r in voters}
    order: dict[str, None] = {}
    for r in voters:
        order.update(dict.fromkeys(columns[r.source]))
    rows, assignments = [], []
    for given in _rows(voters, "responsibilities", "responsibility_id"):
        first = given[0][1]
        resp = first.responsibility_id
        rows.append(replace(first, name=first.name or next((row.name for _, row in given if row.name), "")))
        if len(given) == 1:  # one voter: its letters, in column order, and nothing to weigh
            mine = letters[given[0][0].source]
            assignments.extend(found for role in order if (found := mine.get((resp, role))) and found.letters)
            continue
        merged = []
        for role in order:
            seen = [(r, row, letters[r.source].get((resp, role))) for r, row in given
                    if role in columns[r.source]]  # a voter whose RACI has no column for the role has no view of it
            if not seen:
                continue
            if len({found.letters if found else "" for _, _, found in seen}) == 1:
                if seen[0][2] is not None and seen[0][2].letters:  # every voter agrees: the first one's cell
                    merged.append(seen[0][2])
                continue
            cells = [(r, found or Assignment(resp, role, "", _cell(columns[r.source][role], row.cell), r.source))
                     for r, row, found in seen]
            chosen = cells[_pick(cells, lambda a: a.letters)][1]
            if chosen.letters:
                merged.append(chosen)
            _note(disagreements, RACI, role, resp, cells, lambda a: a.letters, lambda a: a.letters,
                  lambda a: a.cell, lambda a: a.source, chosen.letters)
        final = _one_accountable(merged, [r for r, _ in given], letters, resp, order)
        if final is not merged:  # a disagreement says the value used: the row's, as it now stands
            now = {a.role_id: a.letters for a in final}
            disagreements[:] = [replace(d, used=now.get(d.role, "")) if d.field == RACI and d.responsibility == resp
                                else d for d in disagreements]
        assignments.extend(final)
    return rows, assignments


def _one_accountable(merged: list[Assignment], voters, letters: dict, resp: str, columns) -> list[Assignment]:
    """A row every voter gave exactly one Accountable keeps one, however they split: merged cell by cell,
    three respondents each naming a different role A made a row nobody answers for (a gap none of them
    drew, reported as one). The role most of them name is Accountable (on a tie, the first voter's), as
    that voter's cell shows it; the split stays a disagreement of each cell."""
    said = {r.source: [a for (row, _), a in letters[r.source].items() if row == resp and a.letters] for r in voters}
    said = {source: cells for source, cells in said.items() if cells}  # a voter with no letter here has no view
    named = {source: [a for a in cells if a.letters in ("A", "A/R")] for source, cells in said.items()}
    if len(said) < 2 or any(len(a) != 1 for a in named.values()) or \
            sum(a.letters in ("A", "A/R") for a in merged) == 1:
        return merged
    counts = Counter(a[0].role_id for a in named.values())
    first = {}  # each role's first voter to name it Accountable, in canonical order
    for r in voters:
        if r.source in named:
            first.setdefault(named[r.source][0].role_id, named[r.source][0])
    top = max(counts.values())
    winner = next(a for a in first.values() if counts[a.role_id] == top)
    out = []
    for a in merged:
        if a.role_id == winner.role_id:
            continue
        if a.letters in ("A", "A/R"):  # another role a tie made Accountable: it keeps its part in the work
            if a.letters == "A/R":
                out.append(replace(a, letters="R"))
            continue
        out.append(a)
    does = any(a.role_id == winner.role_id and a.letters in ("R", "A/R") for a in merged)
    out.append(replace(winner, letters="A/R" if does else "A"))
    position = {role: i for i, role in enumerate(columns)}  # the row's cells in column order, as merged
    return sorted(out, key=lambda a: position.get(a.role_id, len(position)))


def _column(ref: str) -> str:
    """The column letters of ``Sheet!AB12``."""
    return ref.partition("!")[2].rstrip("0123456789")


def _cell(column: str, row_cell: str) -> str:
    """The cell of ``column`` on the row of ``row_cell`` (a RACI row's Responsibility ID cell)."""
    sheet, _, cell = row_cell.partition("!")
    return f"{sheet}!{column}{cell[len(_column(row_cell)):]}"


def _raci_columns(r: Response) -> dict[str, str]:
    """Role ID -> column letters of one voter's RACI sheet, in column order."""
    if r.raci_columns:
        return {role: _column(ref) for role, ref in r.raci_columns}
    # A Response built in code may not list its columns: the columns its letters are in will do.
    found = {a.role_id: _column(a.cell) for a in r.assignments}
    return dict(sorted(found.items(), key=lambda kv: (len(kv[1]), kv[1])))


def _roles_only_the_raci_names(roles: list[Role], assignments: list[Assignment], raci_voters) -> list[Role]:
    """A role only a RACI voter's sheets name (a client role added by someone who named no holder at
    all): kept, unheld, so that its letters are not dropped from the graph."""
    known = {r.role_id for r in roles}
    extra = []
    for role_id in dict.fromkeys(a.role_id for a in assignments if a.role_id not in known):
        found = next((role for r in raci_voters for role in r.roles if role.role_id == role_id), None)
        if found is not None:
            extra.append(found)
    return extra


def _fte(value) -> str:
    return "" if value is None else f"{value:g}"


def _yes_no(value) -> str:
    return "" if value is None else ("Yes" if value else "No")
