"""The typed model becomes facts for the rule engine, each carrying its workbook cells.

Pure: Submission + Bank -> facts, with sequential ids in a fixed order so that
the same workbooks always give the same facts. Roles and the RACI come from the
first workbook given (the primary respondent); answers from all of them.
"""
from __future__ import annotations

from dataclasses import dataclass

from assessor.model import Response, Submission
from assessor.questionnaire.bank import Bank
from assessor.responsibility import build_graph, conflicts, coverage, escalation_paths, loads, reporting_cycles
from assessor.rulebase.facts import Evidence, Fact, normalise
from assessor.scoring import Criterion, DimensionScore, MergedAnswer, criteria, dimension_scores, merge_answers


@dataclass(frozen=True)
class FactBase:
    facts: tuple[Fact, ...]
    merged: tuple[MergedAnswer, ...]
    criteria: tuple[Criterion, ...]
    dimensions: tuple[DimensionScore, ...]
    primary: Response
    graph: object  # the networkx responsibility graph (assessor/responsibility.py)
    coverage: tuple = ()  # responsibility.Coverage per RACI row, computed once from the graph
    loads: tuple = ()     # responsibility.Load per person


def _evidence(file: str, ref: str, value="", respondent: str = "", attr: str = "") -> Evidence:
    sheet, _, cell = ref.partition("!")
    return Evidence(file, sheet, cell, "" if value is None else str(value), respondent, attr)


def build_facts(submission: Submission, bank: Bank, size: str = "medium") -> FactBase:
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
        evidence = [_evidence(file, a.cell, a.raw, who) for file, who, a in m.answers]
        answer_evidence[q.id] = evidence
        add("answer", {"question": q.id, "dimension": q.dimension, "level": q.level, "weight": q.weight,
                       "responsibility": q.responsibility, "status": m.status, "value": m.value,
                       "low": m.low, "high": m.high, "spread": m.spread,
                       "respondents": sum(a.status == "answered" for _, _, a in m.answers),
                       "has_evidence": m.has_evidence, "action": q.action}, evidence)
    for c in sorted(crits, key=lambda c: (c.dimension, c.level)):
        evidence = [e for m in merged if (m.question.dimension, m.question.level) == (c.dimension, c.level)
                    for e in answer_evidence[m.question.id]]
        add("criterion", {"dimension": c.dimension, "level": c.level, "score": c.score, "applicable": c.applicable,
                          "answered": c.answered, "questions": c.questions, "floor": c.floor, "met": c.met},
            evidence)
    floors = {(c.dimension, c.level): c.floor for c in crits}
    for d in dims:
        evidence = [e for m in merged if m.question.dimension == d.dimension for e in answer_evidence[m.question.id]]
        # The five floors ride on the dimension fact: staged-level rules then test one fact
        # instead of joining six, which was a quarter of an assessment's rule time.
        add("dimension", {"dimension": d.dimension, "name": d.name, "score": d.score, "applicable": d.applicable,
                          "questions": d.questions, "answered": d.answered, "not_applicable": d.not_applicable,
                          "dont_know": d.dont_know, "unanswered": d.unanswered,
                          "answered_share": d.answered_share,
                          **{f"floor_{n}": floors[d.dimension, n] for n in range(1, 6)}}, evidence)
    graph = build_graph(primary, bank)
    covered = coverage(graph)
    people = loads(graph, covered)
    _organisation_facts(primary, bank, graph, covered, people, merged, add)
    return FactBase(tuple(out), tuple(merged), tuple(crits), tuple(dims), primary, graph, tuple(covered),
                    tuple(people))


def _organisation_facts(primary: Response, bank: Bank, graph, covered_list, people, merged, add) -> None:
    src, who = primary.source, primary.respondent
    values = _cell_values(primary)
    families = {r.id: r.family for r in bank.roles}
    held = {r.role_id for r in primary.roles if r.holders}
    covered = {c.responsibility: c for c in covered_list}
    escalates = escalation_paths(graph, {r.id for r in bank.roles if r.family == "governance"})
    role_letters: dict[str, list[str]] = {}
    for a in primary.assignments:
        role_letters.setdefault(a.role_id, []).append(a.letters)
    for role in primary.roles:
        letters = role_letters.get(role.role_id, [])
        add("role", {"role": role.role_id, "name": role.name, "family": families.get(role.role_id, "client"),
                     "held": bool(role.holders), "holders": len(role.holders), "fte": role.fte,
                     "in_pmo": role.in_pmo, "reports_to": role.reports_to, "standard": role.standard,
                     "accountable": sum(x in ("A", "A/R") for x in letters),
                     "responsible": sum(x in ("R", "A/R") for x in letters),
                     "escalates": escalates.get(role.role_id, (False, ()))[0]},
            [_evidence(src, role.cell, role.role_id, who),
             _evidence(src, role.holder_cell, "; ".join(role.holders), who, "held"),
             _evidence(src, role.holder_cell, "; ".join(role.holders), who, "holders"),
             _evidence(src, role.fte_cell, role.fte, who, "fte"),
             _evidence(src, role.in_pmo_cell, role.in_pmo, who, "in_pmo"),
             _evidence(src, role.reports_to_cell, role.reports_to, who, "reports_to")]
            + [_evidence(src, cell, values.get(cell, ""), who, "escalates")
               for cell in escalates.get(role.role_id, (False, ()))[1]])
    for role in primary.roles:
        for person in role.holders:
            add("holding", {"person": person, "role": role.role_id, "fte": role.fte},
                [_evidence(src, role.holder_cell, "; ".join(role.holders), who), _evidence(src, role.fte_cell, role.fte, who)])
    catalogue = {r.id: r for r in bank.responsibilities}
    letters_by_resp: dict[str, list] = {}
    for a in primary.assignments:
        letters_by_resp.setdefault(a.responsibility_id, []).append(a)
        add("assignment", {"responsibility": a.responsibility_id, "role": a.role_id, "letters": a.letters,
                           "accountable": a.letters in ("A", "A/R"), "responsible": a.letters in ("R", "A/R"),
                           "role_held": a.role_id in held}, [_evidence(src, a.cell, a.letters, who)])
    claims: dict[str, list[float]] = {}
    claim_cells: dict[str, list] = {}
    for m in merged:
        if m.value is not None:
            claims.setdefault(m.question.responsibility, []).append(m.value)
            claim_cells.setdefault(m.question.responsibility, []).extend(
                (file, a.cell, a.raw, who_) for file, who_, a in m.answers)
    for row in primary.responsibilities:
        spec = catalogue.get(row.responsibility_id)
        given = letters_by_resp.get(row.responsibility_id, [])
        c = covered.get(row.responsibility_id)
        claim = claims.get(row.responsibility_id)
        add("responsibility", {"responsibility": row.responsibility_id, "name": row.name or (spec.name if spec else ""),
                               "family": spec.family if spec else "client",
                               "scope": spec.scope if spec else None, "standard": row.standard,
                               "critical": spec.critical if spec else False,
                               "accountable": sum(a.letters in ("A", "A/R") for a in given),
                               "responsible": sum(a.letters in ("R", "A/R") for a in given),
                               "letters": len(given),
                               "accountable_held": len(c.accountable_held) if c else 0,
                               "responsible_held": len(c.responsible_held) if c else 0,
                               "claim": max(claim) if claim else None},
            [_evidence(src, row.cell, row.responsibility_id, who)] + [_evidence(src, a.cell, a.letters, who) for a in given]
            + [_evidence(f, cell, raw, w, "claim") for f, cell, raw, w in claim_cells.get(row.responsibility_id, [])])
    _graph_facts(graph, bank, src, who, covered_list, people, add, values)


def _cell_values(primary: Response) -> dict[str, str]:
    """What each Roles and RACI cell holds, so graph-based evidence shows the value as well as the cell."""
    values = {}
    for role in primary.roles:
        values[role.cell] = role.role_id
        values[role.holder_cell] = "; ".join(role.holders)
        values[role.fte_cell] = "" if role.fte is None else f"{role.fte:g}"
        values[role.reports_to_cell] = role.reports_to or ""
    for a in primary.assignments:
        values[a.cell] = a.letters
    return values


def _graph_facts(graph, bank: Bank, src: str, who: str, covered, people, add, values: dict) -> None:
    def ev(cell, attr=""):
        return _evidence(src, cell, values.get(cell, ""), who, attr)

    for load in people:
        add("person", {"person": load.person, "fte": load.fte, "roles": len(load.roles),
                       "accountable": load.accountable, "responsible": load.responsible,
                       "sole_critical": len(load.sole_critical), "role_list": ", ".join(load.roles),
                       "sole_list": ", ".join(load.sole_critical)},
            [ev(cell) for cell in load.cells] + [ev(cell, "accountable") for cell in load.accountable_cells]
            + [ev(cell, "sole_critical") for cell in load.sole_cells])
    assures = {r.id: r.assures for r in bank.responsibilities if r.assures}
    bodies = frozenset(r.id for r in bank.roles if r.body)
    for c in conflicts(graph, assures, covered, bodies):
        add("independence", {"delivered": c.delivered, "assurance": c.assurance, "role_delivery": c.role_delivery,
                             "role_assurance": c.role_assurance, "person": c.person or None,
                             "same_role": not c.person},
            [ev(cell) for cell in c.cells])
    for cycle in reporting_cycles(graph):
        cells = [graph.edges[e]["cell"] for e in graph.edges(keys=True) if graph.edges[e].get("kind") == "reports_to"
                 and graph.nodes[e[0]]["id"] in cycle]
        add("reporting_cycle", {"roles": " -> ".join(cycle + (cycle[0],))},
            [ev(cell) for cell in sorted(cells)])
