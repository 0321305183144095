"""The typed model becomes facts for the rule engine, each carrying its workbook cells.

Pure: Submission + Bank -> facts, with sequential ids in a fixed order so that
the same workbooks always give the same facts. Answers are merged over every
respondent (scoring.merge_answers), and so are the Roles and RACI sheets
(organisation.merge_organisation); each disagreement between respondents'
sheets becomes a ``disagreement`` fact. The profile is the primary's: the
first response in the submission's canonical order.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assessor.errors import quote
from assessor.model import Response, Submission
from assessor.organisation import COLUMNS, Organisation, cell_values, merge_organisation
from assessor.questionnaire.bank import SCOPES, Bank
from assessor.requirements import quoted_list
from assessor.responsibility import (build_graph, conflicts, coverage, escalation_paths, loads, located,
                                     reporting_cycles)
from assessor.rulebase.facts import Evidence, Fact, normalise
from assessor.scoring import Criterion, DimensionScore, MergedAnswer, criteria, dimension_scores, merge_answers


@dataclass(frozen=True)
class FactBase:
    facts: tuple[Fact, ...]
    merged: tuple[MergedAnswer, ...]
    criteria: tuple[Criterion, ...]
    dimensions: tuple[DimensionScore, ...]
    primary: Response   # the first response in canonical order: its Profile describes the office
    graph: object  # the networkx responsibility graph (assessor/responsibility.py)
    coverage: tuple = ()  # responsibility.Coverage per RACI row, computed once from the graph
    loads: tuple = ()     # responsibility.Load per person
    organisation: Organisation | None = None  # Roles and RACI merged over the respondents
    cell_values: dict | None = None           # (file, cell) -> what that Roles or RACI cell holds


def _evidence(file: str, ref: str, value="", respondent: str = "", attr: str = "") -> Evidence:
    sheet, _, cell = ref.partition("!")
    return Evidence(file, sheet, cell, "" if value is None else str(value), respondent, attr)


def build_facts(submission: Submission, bank: Bank, size: str = "medium", not_practice: tuple[str, ...] = ()
                ) -> FactBase:
    """``size``: the office's size band; ``not_practice``: dimensions whose answers describe the office's
    remit rather than how established a practice is (authority): they never claim a practice."""
    primary = submission.responses[0]
    merged = merge_answers(submission, bank)
    crits = criteria(merged, bank)
    dims = dimension_scores(merged, bank)
    out: list[Fact] = []

    def add(kind, attrs, evidence=()):
        out.append(Fact(len(out) + 1, kind, normalise(attrs), tuple(evidence)))

    add("profile", {"organisation": primary.profile_value("organisation") or "",
                    "industry": primary.profile_value("industry") or "",
                    "employees": primary.profile_value("employees"),
                    "active_projects": primary.profile_value("active_projects"),
                    "active_programmes": primary.profile_value("active_programmes"),
                    "pmo_fte": primary.profile_value("pmo_fte"),
                    "respondents": len(submission.responses), "size": size},
        [_evidence(primary.source, p.cell, p.value, primary.respondent, p.key) for p in primary.profile
         if p.key in ("organisation", "industry", "employees", "active_projects", "active_programmes", "pmo_fte")])
    answer_evidence = {}
    for m in merged:
        q = m.question
        # a question an older bank did not ask has no cell to point at
        evidence = [_evidence(file, a.cell, a.raw, who) for file, who, a in m.answers if a.cell]
        answer_evidence[q.id] = evidence
        add("answer", {"question": q.id, "dimension": q.dimension, "level": q.level, "weight": q.weight,
                       "responsibility": q.responsibility, "status": m.status, "value": m.value,
                       "low": m.low, "high": m.high, "spread": m.spread,
                       "respondents": sum(a.status == "answered" for _, _, a in m.answers),
                       "has_evidence": m.has_evidence, "action": q.action}, evidence)
    by_level: dict[tuple, list] = {}
    by_dimension: dict[str, list] = {}
    for m in merged:  # each answer's cells once per criterion and dimension, in the bank's question order
        by_level.setdefault((m.question.dimension, m.question.level), []).extend(answer_evidence[m.question.id])
        by_dimension.setdefault(m.question.dimension, []).extend(answer_evidence[m.question.id])
    for c in sorted(crits, key=lambda c: (c.dimension, c.level)):
        evidence = by_level.get((c.dimension, c.level), [])
        add("criterion", {"dimension": c.dimension, "level": c.level, "score": c.score, "applicable": c.applicable,
                          "answered": c.answered, "questions": c.questions, "floor": c.floor, "met": c.met},
            evidence)
    floors = {(c.dimension, c.level): c.floor for c in crits}
    for d in dims:
        evidence = by_dimension.get(d.dimension, [])
        # The five floors ride on the dimension fact: staged-level rules then test one fact
        # instead of joining six, which was a quarter of an assessment's rule time.
        add("dimension", {"dimension": d.dimension, "name": d.name, "score": d.score, "applicable": d.applicable,
                          "questions": d.questions, "answered": d.answered, "not_applicable": d.not_applicable,
                          "dont_know": d.dont_know, "unanswered": d.unanswered,
                          "answered_share": d.answered_share,
                          **{f"floor_{n}": floors[d.dimension, n] for n in range(1, 6)}}, evidence)
    organisation = merge_organisation(submission.responses)
    graph = build_graph(organisation, bank)
    covered = coverage(graph)
    people = loads(graph, covered)
    values = cell_values(submission.responses)
    claimed = [m for m in merged if m.question.dimension not in not_practice]
    _organisation_facts(submission, organisation, bank, graph, covered, people, claimed, values, add)
    return FactBase(tuple(out), tuple(merged), tuple(crits), tuple(dims), primary, graph, tuple(covered),
                    tuple(people), organisation, values)


def _organisation_facts(submission: Submission, organisation: Organisation, bank: Bank, graph, covered_list,
                        people, merged, values: dict, add) -> None:
    names = {r.source: r.respondent for r in submission.responses}

    def ev(file: str, cell: str, value, attr: str = "") -> Evidence:  # _evidence, inlined: called a thousand times
        sheet, _, ref = cell.partition("!")
        return Evidence(file, sheet, ref, "" if value is None else str(value), names.get(file, file), attr)

    families = {r.id: r.family for r in bank.roles}
    # Roles and responsibilities as the workbook names them, else as the catalogue does: the facts' names,
    # and the names findings' messages use (ids stay their subjects)
    role_names = {r.id: r.name for r in bank.roles} | {r.role_id: r.name for r in organisation.roles if r.name}
    duty_names = {r.id: r.name for r in bank.responsibilities} | {
        r.responsibility_id: r.name for r in organisation.responsibilities if r.name}
    held = {r.role_id for r in organisation.roles if r.holders}
    covered = {c.responsibility: c for c in covered_list}
    escalates = escalation_paths(graph, {r.id for r in bank.roles if r.family == "governance"})
    role_letters: dict[str, list[str]] = {}
    for a in organisation.assignments:
        role_letters.setdefault(a.role_id, []).append(a.letters)
    for role in organisation.roles:
        letters = role_letters.get(role.role_id, [])
        add("role", {"role": role.role_id, "name": role_names.get(role.role_id) or role.role_id,
                     "family": families.get(role.role_id, "client"),
                     "held": bool(role.holders), "holders": len(role.holders), "fte": role.fte,
                     "in_pmo": role.in_pmo, "reports_to": role.reports_to, "standard": role.standard,
                     "accountable": sum(x in ("A", "A/R") for x in letters),
                     "responsible": sum(x in ("R", "A/R") for x in letters),
                     "escalates": escalates.get(role.role_id, (False, ()))[0]},
            [ev(role.source, role.cell, role.role_id),
             ev(role.source, role.holder_cell, "; ".join(role.holders), "held"),
             ev(role.source, role.holder_cell, "; ".join(role.holders), "holders"),
             ev(role.fte_source, role.fte_cell, role.fte, "fte"),
             ev(role.in_pmo_source, role.in_pmo_cell, role.in_pmo, "in_pmo"),
             ev(role.reports_to_source, role.reports_to_cell, role.reports_to, "reports_to")]
            + [ev(file, cell, values.get((file, cell), ""), "escalates")
               for file, cell in escalates.get(role.role_id, (False, ()))[1]])
    for role in organisation.roles:
        for person in role.holders:
            add("holding", {"person": person, "role": role.role_id, "fte": role.fte},
                [ev(role.source, role.holder_cell, "; ".join(role.holders)), ev(role.fte_source, role.fte_cell, role.fte)])
    catalogue = {r.id: r for r in bank.responsibilities}
    letters_by_resp: dict[str, list] = {}
    for a in organisation.assignments:
        letters_by_resp.setdefault(a.responsibility_id, []).append(a)
        add("assignment", {"responsibility": a.responsibility_id, "role": a.role_id, "letters": a.letters,
                           "accountable": a.letters in ("A", "A/R"), "responsible": a.letters in ("R", "A/R"),
                           "role_held": a.role_id in held}, [ev(a.source, a.cell, a.letters)])
    claims: dict[str, list[float]] = {}
    claim_cells: dict[str, list] = {}
    for m in merged:
        if m.value is not None:
            for resp in m.question.responsibilities:
                claims.setdefault(resp, []).append(m.value)
                claim_cells.setdefault(resp, []).extend((file, a.cell, a.raw, who_) for file, who_, a in m.answers)
    for row in organisation.responsibilities:
        spec = catalogue.get(row.responsibility_id)
        given = letters_by_resp.get(row.responsibility_id, [])
        c = covered.get(row.responsibility_id)
        claim = claims.get(row.responsibility_id)
        add("responsibility", {"responsibility": row.responsibility_id,
                               "name": duty_names.get(row.responsibility_id) or row.responsibility_id,
                               "family": spec.family if spec else "client",
                               "scope": spec.scope if spec else None, "standard": row.standard,
                               "critical": spec.critical if spec else False,
                               "accountable": sum(a.letters in ("A", "A/R") for a in given),
                               "responsible": sum(a.letters in ("R", "A/R") for a in given),
                               "letters": len(given),
                               "accountable_held": len(c.accountable_held) if c else 0,
                               "responsible_held": len(c.responsible_held) if c else 0,
                               "claim": max(claim) if claim else None},
            [ev(row.source, row.cell, row.responsibility_id)] + [ev(a.source, a.cell, a.letters) for a in given]
            + [_evidence(f, cell, raw, w, "claim") for f, cell, raw, w in claim_cells.get(row.responsibility_id, [])])
    _pmo_functions(organisation, catalogue, ev, add)
    _graph_facts(graph, bank, ev, values, covered_list, people, add, role_names, duty_names)
    for d in organisation.disagreements:
        role_name = role_names.get(d.role) or d.role
        add("disagreement", {"field": d.field, "column": COLUMNS[d.field], "role": d.role,
                             "responsibility": d.responsibility or None, "subject": d.subject,
                             "subject_name": f"“{duty_names.get(d.responsibility) or d.responsibility}” / {role_name}"
                             if d.responsibility else role_name,
                             "values": _votes_text(d), "used": _shown(d.used),
                             "respondents": len(d.votes), "distinct": len({v.value for v in d.votes})},
            [_evidence(v.file, v.cell, v.value, v.respondent) for v in d.votes])


def _pmo_functions(organisation, catalogue: dict, ev, add) -> None:
    """How much of each function (project, programme, portfolio, centre of excellence) the office's own
    staff carry: the tier describes what the office does, not what the organisation around it does."""
    own = {r.role_id: r for r in organisation.roles if r.holders and r.in_pmo}
    for scope in SCOPES:
        rows = [row.responsibility_id for row in organisation.responsibilities
                if (spec := catalogue.get(row.responsibility_id)) and spec.scope == scope]
        carried = [a for a in organisation.assignments if a.responsibility_id in rows and a.role_id in own
                   and a.letters in ("R", "A", "A/R")]
        evidence = [ev(a.source, a.cell, a.letters) for a in carried]
        evidence += [ev(own[r].in_pmo_source, own[r].in_pmo_cell, own[r].in_pmo) for r in
                     sorted({a.role_id for a in carried})]
        count = len({a.responsibility_id for a in carried})
        add("pmo_function", {"function": scope, "rows": len(rows), "carried": count,
                             "share": round(count / len(rows), 4) if rows else 0.0}, evidence)


def _shown(value: str) -> str:
    return quote(value) if value else "blank"


def _votes_text(d) -> str:
    """Each respondent's value and cell, for the finding's message: 'Dana Whitfield gave 'A' (bank.xlsx RACI!G5)'."""
    return "; ".join(f"{v.respondent} gave {_shown(v.value)} ({Path(v.file).name} {v.cell})" for v in d.votes)


def _graph_facts(graph, bank: Bank, ev, values: dict, covered, people, add, role_names: dict,
                 duty_names: dict) -> None:
    def at(cell, attr=""):
        file, ref = cell
        return ev(file, ref, values.get(cell, ""), attr)

    role = lambda r: role_names.get(r) or r  # noqa: E731
    duty = lambda r: f"“{duty_names.get(r) or r}”"  # noqa: E731
    bodies = frozenset(r.id for r in bank.roles if r.body)
    for load in people:
        add("person", {"person": load.person, "fte": load.fte, "roles": len(load.roles),
                       "accountable": load.accountable, "responsible": load.responsible,
                       "sole_critical": len(load.sole_critical), "role_list": ", ".join(load.roles),
                       "sole_list": ", ".join(load.sole_critical),
                       "role_names": "; ".join(role(r) for r in load.roles),  # a role's name may hold a comma
                       "sole_names": quoted_list([duty_names.get(r) or r for r in load.sole_critical]),
                       "body": bool(load.roles) and all(r in bodies for r in load.roles)},
            [at(cell) for cell in load.cells] + [at(cell, "accountable") for cell in load.accountable_cells]
            + [at(cell, "sole_critical") for cell in load.sole_cells])
    assures = {r.id: r.assures for r in bank.responsibilities if r.assures}
    for c in conflicts(graph, assures, covered, bodies):
        add("independence", {"delivered": c.delivered, "assurance": c.assurance, "role_delivery": c.role_delivery,
                             "role_assurance": c.role_assurance, "person": c.person or None,
                             "same_role": not c.person, "delivered_name": duty(c.delivered),
                             "assurance_name": duty(c.assurance), "role_delivery_name": role(c.role_delivery),
                             "role_assurance_name": role(c.role_assurance)},
            [at(cell) for cell in c.cells])
    for cycle in reporting_cycles(graph):
        cells = [located(graph.edges[e]) for e in graph.edges(keys=True)
                 if graph.edges[e].get("kind") == "reports_to" and graph.nodes[e[0]]["id"] in cycle]
        add("reporting_cycle", {"roles": " -> ".join(cycle + (cycle[0],)),
                                "names": " -> ".join(role(r) for r in cycle + (cycle[0],))},
            [at(cell) for cell in sorted(cells, key=lambda c: (c[1], c[0]))])
