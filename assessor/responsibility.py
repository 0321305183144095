"""The responsibility graph: people hold roles, roles carry R/A/C/I on responsibilities,
responsibilities belong to function families, roles report to roles.

This module owns the networkx graph. ``build_graph`` is the only place that
creates it; the metric functions below are pure (graph in, plain records out)
and their results enter the rule base as facts, so every judgement about a
gap lives in rules/coverage.yaml.

Node ids: ``person:<name>``, ``role:<ID>``, ``resp:<id>``, ``family:<id>``.
Edge kinds: ``holds`` (person -> role, fte), ``raci`` (role -> resp, letters),
``belongs_to`` (resp -> family), ``reports_to`` (role -> role).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assessor.model import Response
from assessor.questionnaire.bank import Bank
from assessor.xlsx import cell_order

ACCOUNTABLE = ("A", "A/R")
RESPONSIBLE = ("R", "A/R")


def person_key(name: str) -> str:
    """One person however their name is spaced or capitalised across rows."""
    return re.sub(r"\s+", " ", name).strip().casefold()


def build_graph(response: Response, bank: Bank):
    """The graph of one organisation (the primary respondent's Roles and RACI sheets)."""
    import networkx as nx

    g = nx.MultiDiGraph()
    families = dict(bank.families)
    catalogue = {r.id: r for r in bank.responsibilities}
    role_specs = {r.id: r for r in bank.roles}
    for role in response.roles:
        spec = role_specs.get(role.role_id)
        g.add_node(f"role:{role.role_id}", kind="role", id=role.role_id, label=role.name or role.role_id,
                   held=bool(role.holders), fte=role.fte, in_pmo=role.in_pmo, standard=role.standard,
                   family=spec.family if spec else "client", cell=role.cell, reports_to_cell=role.reports_to_cell)
        for name in role.holders:
            node = f"person:{person_key(name)}"
            if node not in g:
                g.add_node(node, kind="person", id=person_key(name), label=name)
            g.add_edge(node, f"role:{role.role_id}", kind="holds", fte=role.fte, cell=role.holder_cell,
                       fte_cell=role.fte_cell)
    for role in response.roles:
        if role.reports_to and f"role:{role.reports_to}" in g:
            g.add_edge(f"role:{role.role_id}", f"role:{role.reports_to}", kind="reports_to",
                       cell=role.reports_to_cell)
    for row in response.responsibilities:
        spec = catalogue.get(row.responsibility_id)
        family = spec.family if spec else "client"
        g.add_node(f"resp:{row.responsibility_id}", kind="responsibility", id=row.responsibility_id,
                   label=row.name or row.responsibility_id, family=family, scope=spec.scope if spec else "",
                   critical=bool(spec and spec.critical), standard=row.standard, cell=row.cell)
        if f"family:{family}" not in g:
            g.add_node(f"family:{family}", kind="family", id=family, label=families.get(family, family))
        g.add_edge(f"resp:{row.responsibility_id}", f"family:{family}", kind="belongs_to")
    for a in response.assignments:
        if f"resp:{a.responsibility_id}" in g and f"role:{a.role_id}" in g:
            g.add_edge(f"role:{a.role_id}", f"resp:{a.responsibility_id}", kind="raci", letters=a.letters, cell=a.cell)
    return g


# --- pure metrics over the graph ----------------------------------------------------------------

@dataclass(frozen=True)
class Coverage:
    """Who carries one responsibility."""
    responsibility: str
    accountable: tuple[str, ...]        # role ids with A or A/R
    responsible: tuple[str, ...]        # role ids with R or A/R
    consulted: tuple[str, ...]
    informed: tuple[str, ...]
    accountable_held: tuple[str, ...]   # of those, roles somebody holds
    responsible_held: tuple[str, ...]
    people: tuple[str, ...]             # people who are R or A through a held role
    cells: tuple[str, ...]              # the RACI cells of the row


@dataclass(frozen=True)
class Load:
    """What one person carries."""
    person: str                         # the name as first written
    roles: tuple[str, ...]
    fte: float                          # sum of their roles' FTE (blank FTE counts 0)
    accountable: int                    # responsibilities they are Accountable for
    responsible: int
    sole_critical: tuple[str, ...]      # critical responsibilities where they are the only R/A person
    cells: tuple[str, ...]              # their Role ID, Holder and FTE cells
    accountable_cells: tuple[str, ...] = ()   # the RACI cells making them Accountable
    sole_cells: tuple[str, ...] = ()          # the RACI cells of the critical responsibilities they carry alone


@dataclass(frozen=True)
class Conflict:
    """One role (or person) answers for delivering something and for assuring it."""
    delivered: str
    assurance: str
    role_delivery: str
    role_assurance: str
    person: str                         # "" when the conflict is within one role
    cells: tuple[str, ...]


def _raci_edges(g, resp_node):
    return [(u, d) for u, _, d in g.in_edges(resp_node, data=True) if d.get("kind") == "raci"]


def _holders(g, role_node) -> list[str]:
    return [u for u, _, d in g.in_edges(role_node, data=True) if d.get("kind") == "holds"]


def coverage(g) -> list[Coverage]:
    out = []
    for node, data in sorted(g.nodes(data=True)):
        if data.get("kind") != "responsibility":
            continue
        edges = _raci_edges(g, node)
        by = {letter: sorted(g.nodes[u]["id"] for u, d in edges if d["letters"] in letters)
              for letter, letters in (("A", ACCOUNTABLE), ("R", RESPONSIBLE), ("C", ("C",)), ("I", ("I",)))}
        held = {g.nodes[u]["id"] for u, _ in edges if g.nodes[u].get("held")}
        people = sorted({g.nodes[p]["label"] for u, d in edges if d["letters"] in ACCOUNTABLE + RESPONSIBLE
                         for p in _holders(g, u)})
        out.append(Coverage(data["id"], tuple(by["A"]), tuple(by["R"]), tuple(by["C"]), tuple(by["I"]),
                            tuple(r for r in by["A"] if r in held), tuple(r for r in by["R"] if r in held),
                            tuple(people), tuple(d["cell"] for _, d in sorted(edges, key=lambda e: e[1]["cell"]))))
    return out


def loads(g, covered: list[Coverage] | None = None) -> list[Load]:
    covered = coverage(g) if covered is None else covered
    critical = {g.nodes[n]["id"] for n, d in g.nodes(data=True) if d.get("kind") == "responsibility" and d["critical"]}
    sole: dict[str, list[str]] = {}
    for c in covered:
        if c.responsibility in critical and len(c.people) == 1:
            sole.setdefault(c.people[0], []).append(c.responsibility)
    out = []
    for node, data in sorted(g.nodes(data=True)):
        if data.get("kind") != "person":
            continue
        holds = [(v, d) for _, v, d in g.out_edges(node, data=True) if d.get("kind") == "holds"]
        roles = sorted(g.nodes[v]["id"] for v, _ in holds)
        fte = round(float(sum(d.get("fte") or 0 for _, d in holds)), 4)
        resp_a, resp_r, a_cells, r_cells = set(), set(), set(), {}
        for role_node, _ in holds:
            for _, resp, d in g.out_edges(role_node, data=True):
                if d.get("kind") == "raci":
                    if d["letters"] in ACCOUNTABLE:
                        resp_a.add(resp)
                        a_cells.add(d["cell"])
                    if d["letters"] in ACCOUNTABLE + RESPONSIBLE:
                        r_cells.setdefault(g.nodes[resp]["id"], []).append(d["cell"])
                    if d["letters"] in RESPONSIBLE:
                        resp_r.add(resp)
        cells = {d["cell"] for _, d in holds} | {d.get("fte_cell") for _, d in holds if d.get("fte_cell")} \
            | {g.nodes[v]["cell"] for v, _ in holds}
        mine = sorted(sole.get(data["label"], []))
        out.append(Load(data["label"], tuple(roles), fte, len(resp_a), len(resp_r), tuple(mine),
                        tuple(sorted(cells, key=cell_order)), tuple(sorted(a_cells, key=cell_order)),
                        tuple(sorted((c for r in mine for c in r_cells.get(r, ())), key=cell_order))))
    return out


def conflicts(g, assures: dict[str, tuple[str, ...]], covered: list[Coverage] | None = None,
              bodies: frozenset[str] = frozenset()) -> list[Conflict]:
    """Independence: whoever is Accountable for assuring X must not be Accountable for delivering X.

    ``assures`` maps an assurance responsibility to what it assures (from the catalogue).
    ``bodies`` are roles that are boards or committees: their members answer for the body's
    decisions together, so a board member who also sponsors a project is not personally
    Accountable for both sides; a body Accountable for both sides itself still is."""
    accountable = {}
    for c in (coverage(g) if covered is None else covered):
        accountable[c.responsibility] = c
    out = []
    for assurance, targets in sorted(assures.items()):
        if assurance not in accountable:
            continue
        for delivered in targets:
            if delivered not in accountable:
                continue
            for ra in accountable[assurance].accountable:
                for rd in accountable[delivered].accountable:
                    cells = _cells(g, ra, assurance) + _cells(g, rd, delivered)
                    if ra == rd:
                        out.append(Conflict(delivered, assurance, rd, ra, "", cells))
                        continue
                    if ra in bodies or rd in bodies:
                        continue
                    shared = sorted({g.nodes[p]["label"] for p in _holders(g, f"role:{ra}")}
                                    & {g.nodes[p]["label"] for p in _holders(g, f"role:{rd}")})
                    for person in shared:
                        out.append(Conflict(delivered, assurance, rd, ra, person, cells))
    return out


def _cells(g, role: str, resp: str) -> tuple[str, ...]:
    data = g.get_edge_data(f"role:{role}", f"resp:{resp}") or {}
    return tuple(d["cell"] for d in data.values() if d.get("kind") == "raci")


def escalation(g, targets: set[str]) -> dict[str, bool]:
    """For every role: does following 'reports to' reach a staffed governance role (sponsor, board)?"""
    return {role: reaches for role, (reaches, _) in escalation_paths(g, targets).items()}


def escalation_paths(g, targets: set[str]) -> dict[str, tuple[bool, tuple[str, ...]]]:
    """``escalation`` with the Reports to cells followed, so a cut line can be shown."""
    result = {}
    for node, data in g.nodes(data=True):
        if data.get("kind") != "role":
            continue
        seen, current, reaches, cells = set(), node, False, []
        while current is not None and current not in seen:
            seen.add(current)
            ups = [(v, d) for _, v, d in g.out_edges(current, data=True) if d.get("kind") == "reports_to"]
            cells.append(ups[0][1]["cell"] if ups else _reports_cell(g, current))
            current = ups[0][0] if ups else None
            if current is not None and g.nodes[current]["id"] in targets and g.nodes[current].get("held"):
                reaches = True
                break
        result[data["id"]] = (reaches, tuple(c for c in cells if c))
    return result


def _reports_cell(g, role_node) -> str:
    return g.nodes[role_node].get("reports_to_cell", "")


def reporting_cycles(g) -> list[tuple[str, ...]]:
    """Cycles in reporting lines (role ids); import refuses them, API users may not."""
    import networkx as nx

    lines = nx.DiGraph((u, v) for u, v, d in g.edges(data=True) if d.get("kind") == "reports_to")
    return sorted(tuple(g.nodes[n]["id"] for n in cycle) for cycle in nx.simple_cycles(lines))


def idle_roles(g) -> list[str]:
    """Held roles that are neither R nor A anywhere (possibly redundant)."""
    out = []
    for node, data in sorted(g.nodes(data=True)):
        if data.get("kind") == "role" and data.get("held"):
            letters = [d["letters"] for _, _, d in g.out_edges(node, data=True) if d.get("kind") == "raci"]
            if not any(x in ACCOUNTABLE + RESPONSIBLE for x in letters):
                out.append(data["id"])
    return out
