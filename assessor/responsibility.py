"""The responsibility graph: people hold roles, roles carry R/A/C/I on responsibilities,
responsibilities belong to function families, roles report to roles.

This module owns the networkx graph. ``build_graph`` is the only place that
creates it; the metric functions below are pure (graph in, plain records out)
and their results enter the rule base as facts, so every judgement about a
gap lives in rules/coverage.yaml.

Node ids: ``person:<name>``, ``role:<ID>``, ``resp:<id>``, ``family:<id>``.
Edge kinds: ``holds`` (person -> role, fte), ``raci`` (role -> resp, letters),
``belongs_to`` (resp -> family), ``reports_to`` (role -> role).

Every workbook cell on a node or edge (``cell``, ``fte_cell``, ``reports_to_cell``)
has its file beside it (``file``, ``fte_file``, ``reports_to_file``): a merged
organisation takes cells from several respondents' workbooks, whose cells have
the same names. The metrics therefore give cells as ``(file, "Sheet!A1")`` pairs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from assessor.model import name_key
from assessor.questionnaire.bank import Bank
from assessor.xlsx import cell_order

ACCOUNTABLE = ("A", "A/R")
RESPONSIBLE = ("R", "A/R")


def person_key(name: str) -> str:
    """One person however their name is spaced or capitalised across rows."""
    return name_key(name)


def build_graph(organisation, bank: Bank):
    """The graph of one organisation: anything with ``roles``, ``responsibilities`` and
    ``assignments`` (the merged ``organisation.Organisation``, or one ``Response``)."""
    from assessor.graph_views import ResponsibilityGraph

    default = getattr(organisation, "source", "")  # a Response's records leave their file to it
    g = ResponsibilityGraph()
    families = dict(bank.families)
    catalogue = {r.id: r for r in bank.responsibilities}
    role_specs = {r.id: r for r in bank.roles}
    for role in organisation.roles:
        spec = role_specs.get(role.role_id)
        file = role.source or default
        g.add_node(f"role:{role.role_id}", kind="role", id=role.role_id, label=role.name or role.role_id,
                   held=bool(role.holders), fte=role.fte, in_pmo=role.in_pmo, standard=role.standard,
                   family=spec.family if spec else "client", cell=role.cell, file=file,
                   reports_to_cell=role.reports_to_cell, reports_to_file=role.reports_to_source or file)
        for name in role.holders:
            node = f"person:{person_key(name)}"
            if node not in g:
                g.add_node(node, kind="person", id=person_key(name), label=name)
            g.add_edge(node, f"role:{role.role_id}", kind="holds", fte=role.fte, cell=role.holder_cell, file=file,
                       fte_cell=role.fte_cell, fte_file=role.fte_source or file)
    for role in organisation.roles:
        if role.reports_to and f"role:{role.reports_to}" in g:
            g.add_edge(f"role:{role.role_id}", f"role:{role.reports_to}", kind="reports_to",
                       cell=role.reports_to_cell, file=role.reports_to_source or role.source or default)
    for row in organisation.responsibilities:
        spec = catalogue.get(row.responsibility_id)
        family = spec.family if spec else "client"
        g.add_node(f"resp:{row.responsibility_id}", kind="responsibility", id=row.responsibility_id,
                   label=row.name or row.responsibility_id, family=family, scope=spec.scope if spec else "",
                   critical=bool(spec and spec.critical), standard=row.standard, cell=row.cell,
                   file=row.source or default)
        if f"family:{family}" not in g:
            g.add_node(f"family:{family}", kind="family", id=family, label=families.get(family, family))
        g.add_edge(f"resp:{row.responsibility_id}", f"family:{family}", kind="belongs_to")
    for a in organisation.assignments:
        if f"resp:{a.responsibility_id}" in g and f"role:{a.role_id}" in g:
            g.add_edge(f"role:{a.role_id}", f"resp:{a.responsibility_id}", kind="raci", letters=a.letters, cell=a.cell,
                       file=a.source or default)
    return g


FILE_OF = {"cell": "file", "fte_cell": "fte_file", "reports_to_cell": "reports_to_file"}


def located(data: dict, key: str = "cell") -> tuple[str, str]:
    """(file, cell) of a node's or edge's cell attribute (``cell``, ``fte_cell`` or ``reports_to_cell``)."""
    return (data.get(FILE_OF[key], ""), data.get(key, ""))


def cell_key(cell: tuple[str, str]):
    """Sort key for a (file, cell) pair: as a reader scans a sheet, then by file."""
    return (cell_order(cell[1]), cell[0])


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
    cells: tuple[tuple[str, str], ...]  # the RACI cells of the row, (file, "RACI!G5")


@dataclass(frozen=True)
class Load:
    """What one person carries."""
    person: str                         # the name as first written
    roles: tuple[str, ...]
    fte: float                          # sum of their roles' FTE (blank FTE counts 0)
    accountable: int                    # responsibilities they are Accountable for
    responsible: int
    sole_critical: tuple[str, ...]      # critical responsibilities where they are the only R/A person
    cells: tuple[tuple[str, str], ...]  # their Role ID, Holder and FTE cells, (file, cell)
    accountable_cells: tuple[tuple[str, str], ...] = ()   # the RACI cells making them Accountable
    sole_cells: tuple[tuple[str, str], ...] = ()          # the RACI cells of the critical responsibilities they carry alone


@dataclass(frozen=True)
class Conflict:
    """One role (or person) answers for delivering something and for assuring it."""
    delivered: str
    assurance: str
    role_delivery: str
    role_assurance: str
    person: str                         # "" when the conflict is within one role
    cells: tuple[tuple[str, str], ...]  # (file, cell)


def _holders(g, role_node) -> list[str]:
    return [u for u, _, d in g.in_edges(role_node, data=True) if d.get("kind") == "holds"]


def _by_kind(g) -> dict:
    """The RACI and holding edges, bucketed in one pass over the graph (the metrics below read each
    many times; asking networkx for a node's edges each time was most of their cost). Each metric
    sorts what it returns, so the buckets' order does not show."""
    raci_in, raci_out, holders, holds = {}, {}, {}, {}
    for u, v, d in g.edges(data=True):
        kind = d.get("kind")
        if kind == "raci":
            raci_in.setdefault(v, []).append((u, d))
            raci_out.setdefault(u, []).append((v, d))
        elif kind == "holds":
            holders.setdefault(v, []).append(u)
            holds.setdefault(u, []).append((v, d))
    return {"raci_in": raci_in, "raci_out": raci_out, "holders": holders, "holds": holds}


def coverage(g) -> list[Coverage]:
    out = []
    edges_of = _by_kind(g)
    raci_in, holders_of = edges_of["raci_in"], edges_of["holders"]
    nodes = dict(g.nodes(data=True))  # node -> its attributes: plain lookups in the loops below
    holders: dict[str, list[str]] = {}  # role node -> its people's labels, looked up once per role
    for node, data in sorted(nodes.items()):
        if data.get("kind") != "responsibility":
            continue
        edges = raci_in.get(node, [])
        by = {"A": [], "R": [], "C": [], "I": []}
        for u, d in edges:
            letters, rid = d["letters"], nodes[u]["id"]
            if letters in ACCOUNTABLE:
                by["A"].append(rid)
            if letters in RESPONSIBLE:
                by["R"].append(rid)
            if letters in ("C", "I"):
                by[letters].append(rid)
        for ids in by.values():
            ids.sort()
        held = {nodes[u]["id"] for u, _ in edges if nodes[u].get("held")}
        for u, d in edges:
            if u not in holders and d["letters"] in ACCOUNTABLE + RESPONSIBLE:
                holders[u] = [nodes[p]["label"] for p in holders_of.get(u, ())]
        people = sorted({label for u, d in edges if d["letters"] in ACCOUNTABLE + RESPONSIBLE for label in holders[u]})
        out.append(Coverage(data["id"], tuple(by["A"]), tuple(by["R"]), tuple(by["C"]), tuple(by["I"]),
                            tuple(r for r in by["A"] if r in held), tuple(r for r in by["R"] if r in held),
                            tuple(people), tuple(sorted((located(d) for _, d in edges), key=lambda c: (c[1], c[0])))))
    return out


def loads(g, covered: list[Coverage] | None = None) -> list[Load]:
    covered = coverage(g) if covered is None else covered
    edges_of = _by_kind(g)
    nodes = dict(g.nodes(data=True))
    critical = {d["id"] for d in nodes.values() if d.get("kind") == "responsibility" and d["critical"]}
    sole: dict[str, list[str]] = {}
    for c in covered:
        if c.responsibility in critical and len(c.people) == 1:
            sole.setdefault(c.people[0], []).append(c.responsibility)
    out = []
    for node, data in sorted(nodes.items()):
        if data.get("kind") != "person":
            continue
        holds = edges_of["holds"].get(node, [])
        roles = sorted(nodes[v]["id"] for v, _ in holds)
        fte = round(math.fsum(d.get("fte") or 0 for _, d in holds), 4)
        resp_a, resp_r, a_cells, r_cells = set(), set(), set(), {}
        for role_node, _ in holds:
            for resp, d in edges_of["raci_out"].get(role_node, ()):
                if d["letters"] in ACCOUNTABLE:
                    resp_a.add(resp)
                    a_cells.add(located(d))
                if d["letters"] in ACCOUNTABLE + RESPONSIBLE:
                    r_cells.setdefault(nodes[resp]["id"], []).append(located(d))
                if d["letters"] in RESPONSIBLE:
                    resp_r.add(resp)
        cells = {located(d) for _, d in holds} | {located(d, "fte_cell") for _, d in holds if d.get("fte_cell")} \
            | {located(nodes[v]) for v, _ in holds}
        mine = sorted(sole.get(data["label"], []))
        out.append(Load(data["label"], tuple(roles), fte, len(resp_a), len(resp_r), tuple(mine),
                        tuple(sorted(cells, key=cell_key)), tuple(sorted(a_cells, key=cell_key)),
                        tuple(sorted((c for r in mine for c in r_cells.get(r, ())), key=cell_key))))
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


def _cells(g, role: str, resp: str) -> tuple[tuple[str, str], ...]:
    data = g.get_edge_data(f"role:{role}", f"resp:{resp}") or {}
    return tuple(located(d) for d in data.values() if d.get("kind") == "raci")


def escalation(g, targets: set[str]) -> dict[str, bool]:
    """For every role: does following 'reports to' reach a staffed governance role (sponsor, board)?"""
    return {role: reaches for role, (reaches, _) in escalation_paths(g, targets).items()}


def escalation_paths(g, targets: set[str]) -> dict[str, tuple[bool, tuple[tuple[str, str], ...]]]:
    """``escalation`` with the Reports to cells followed, (file, cell), so a cut line can be shown."""
    up = {}  # role node -> its first reporting line (target node, edge data), found once
    for u, v, d in g.edges(data=True):
        if d.get("kind") == "reports_to" and u not in up:
            up[u] = (v, d)
    result = {}
    for node, data in g.nodes(data=True):
        if data.get("kind") != "role":
            continue
        seen, current, reaches, cells = set(), node, False, []
        while current is not None and current not in seen:
            seen.add(current)
            line = up.get(current)
            cells.append(located(line[1]) if line else located(g.nodes[current], "reports_to_cell"))
            current = line[0] if line else None
            if current is not None and g.nodes[current]["id"] in targets and g.nodes[current].get("held"):
                reaches = True
                break
        result[data["id"]] = (reaches, tuple(c for c in cells if c[1]))
    return result


def reporting_cycles(g) -> list[tuple[str, ...]]:
    """Cycles in reporting lines (role ids); import refuses them, API users may not."""
    lines: dict[str, list[str]] = {}
    for u, v, d in g.edges(data=True):
        if d.get("kind") == "reports_to":
            lines.setdefault(u, []).append(v)
    if all(len(ups) == 1 for ups in lines.values()) and not _loops(lines):
        return []  # one line each and no loop (the usual case): no graph library needed to say so
    import networkx as nx

    cycles = []
    for cycle in nx.simple_cycles(nx.DiGraph((u, v) for u, ups in lines.items() for v in ups)):
        ids = [g.nodes[n]["id"] for n in cycle]
        start = ids.index(min(ids))  # networkx may start a cycle anywhere (hash order): name it one way
        cycles.append(tuple(ids[start:] + ids[:start]))
    return sorted(cycles)


def _loops(lines: dict[str, list[str]]) -> bool:
    """Whether following each node's one line ever comes back round."""
    done: set[str] = set()
    for start in lines:
        path, node = set(), start
        while node in lines and node not in done:
            if node in path:
                return True
            path.add(node)
            node = lines[node][0]
        done |= path
    return False


def idle_roles(g) -> list[str]:
    """Held roles that are neither R nor A anywhere (possibly redundant)."""
    out = []
    for node, data in sorted(g.nodes(data=True)):
        if data.get("kind") == "role" and data.get("held"):
            letters = [d["letters"] for _, _, d in g.out_edges(node, data=True) if d.get("kind") == "raci"]
            if not any(x in ACCOUNTABLE + RESPONSIBLE for x in letters):
                out.append(data["id"])
    return out
