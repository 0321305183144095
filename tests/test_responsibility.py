"""The responsibility graph and its pure metrics (assessor/responsibility.py) on hand-made offices.

Each test builds a tiny ``Response`` directly from the model dataclasses (no workbook I/O) with
only the roles and RACI rows it needs, so every expected value can be read off the test: who is
Accountable and Responsible, which people carry what load, where independence is broken, which
lines escalate, which form cycles and which roles are idle. Responsibility ids are taken from the
shipped catalogue so that ``critical`` and the function families come from the bank; the
``assures`` map for ``conflicts`` is given explicitly.
"""
from __future__ import annotations

import pytest

from assessor.model import Assignment, Response, ResponsibilityRow, Role, Stamp
from assessor.responsibility import (Conflict, build_graph, conflicts, coverage, escalation, idle_roles, loads,
                                     person_key, reporting_cycles)
from assessor.xlsx import column_letter as _col

GOVERNANCE = {"BOARD", "SPONSOR", "PROJ-BOARD", "AUDITOR"}
# Catalogue facts the tests rely on (asserted in test_catalogue_facts_the_tests_rely_on).
CRITICAL = ("status-reporting", "performance-monitoring", "budget-control", "risk-issue-management")
NOT_CRITICAL = ("forecast-workplan", "pm-reviews", "compliance-audit")


def office(bank, roles, raci=None, extra_responsibilities=()) -> Response:
    """A hand-made office.

    roles: [(role id, holders, fte, reports_to)], in Roles-sheet order from row 2; holders is a
    tuple of names or a "A; B" string (split as the reader does). raci: {(responsibility, role): letters};
    RACI rows follow first appearance, from row 2; role columns follow ``roles`` from column C.
    """
    raci = raci or {}
    role_objs = []
    for row, (rid, holders, fte, reports_to) in enumerate(roles, start=2):
        if isinstance(holders, str):
            holders = tuple(h.strip() for h in holders.split(";") if h.strip())
        spec = next((r for r in bank.roles if r.id == rid), None)
        role_objs.append(Role(rid, spec.name if spec else rid.title(), tuple(holders), fte, True, reports_to,
                              f"Roles!A{row}", spec is not None, f"Roles!C{row}", f"Roles!D{row}",
                              f"Roles!F{row}", f"Roles!E{row}"))
    columns = {rid: _col(i) for i, (rid, *_rest) in enumerate(roles, start=3)}
    resp_ids = list(dict.fromkeys([resp for resp, _ in raci] + list(extra_responsibilities)))
    rows = {resp: i for i, resp in enumerate(resp_ids, start=2)}
    catalogue = {r.id: r for r in bank.responsibilities}
    responsibilities = tuple(ResponsibilityRow(resp, catalogue[resp].name if resp in catalogue else resp,
                                               f"RACI!A{rows[resp]}", resp in catalogue) for resp in resp_ids)
    assignments = tuple(Assignment(resp, role, letters, raci_cell(columns, rows, resp, role))
                        for (resp, role), letters in raci.items())
    return Response("hand-made.xlsx", Stamp(bank.id, bank.version, bank.questions_hash, True), (), (),
                    tuple(role_objs), responsibilities, assignments)


def at(*refs: str) -> tuple[tuple[str, str], ...]:
    """Cells of the hand-made office as the metrics give them: (file, cell)."""
    return tuple(("hand-made.xlsx", ref) for ref in refs)


def raci_cell(columns, rows, resp, role) -> str:
    return f"RACI!{columns[role]}{rows[resp]}"


def graph_of(bank, roles, raci=None, extra_responsibilities=()):
    return build_graph(office(bank, roles, raci, extra_responsibilities), bank)


def by_responsibility(g) -> dict:
    return {c.responsibility: c for c in coverage(g)}


def by_person(g) -> dict:
    return {load.person: load for load in loads(g)}


def test_catalogue_facts_the_tests_rely_on(bank):
    catalogue = {r.id: r for r in bank.responsibilities}
    assert all(catalogue[r].critical for r in CRITICAL)
    assert not any(catalogue[r].critical for r in NOT_CRITICAL)
    assert GOVERNANCE == {r.id for r in bank.roles if r.family == "governance"}


# --- the graph itself ---------------------------------------------------------------------------

def test_graph_has_one_node_per_person_role_responsibility_and_family(bank):
    g = graph_of(bank, [("PMO-HEAD", "Alex Morgan", 1.0, "SPONSOR"), ("SPONSOR", "Jordan Lee", 0.2, None),
                        ("PLANNER", (), None, "PMO-HEAD")],
                 {("status-reporting", "PMO-HEAD"): "A", ("status-reporting", "SPONSOR"): "I",
                  ("pm-reviews", "PMO-HEAD"): "A/R"})
    kinds = {}
    for node, data in g.nodes(data=True):
        kinds.setdefault(data["kind"], set()).add(node)
    assert kinds["person"] == {"person:alex morgan", "person:jordan lee"}
    assert kinds["role"] == {"role:PMO-HEAD", "role:SPONSOR", "role:PLANNER"}
    assert kinds["responsibility"] == {"resp:status-reporting", "resp:pm-reviews"}
    assert kinds["family"] == {"family:monitoring"}
    assert g.nodes["family:monitoring"]["label"] == dict(bank.families)["monitoring"]
    assert g.nodes["role:PLANNER"]["held"] is False and g.nodes["role:PMO-HEAD"]["held"] is True
    assert g.nodes["resp:status-reporting"]["critical"] is True
    assert g.nodes["resp:pm-reviews"]["critical"] is False
    assert g.nodes["role:PMO-HEAD"]["cell"] == "Roles!A2"
    edges = {(u, v, d["kind"]) for u, v, d in g.edges(data=True)}
    assert ("person:alex morgan", "role:PMO-HEAD", "holds") in edges
    assert ("role:PMO-HEAD", "role:SPONSOR", "reports_to") in edges
    assert ("role:PLANNER", "role:PMO-HEAD", "reports_to") in edges
    assert ("role:PMO-HEAD", "resp:pm-reviews", "raci") in edges
    assert ("resp:status-reporting", "family:monitoring", "belongs_to") in edges
    holds = g.get_edge_data("person:alex morgan", "role:PMO-HEAD")[0]
    assert (holds["fte"], holds["cell"]) == (1.0, "Roles!C2")
    line = g.get_edge_data("role:PMO-HEAD", "role:SPONSOR")[0]
    assert line["cell"] == "Roles!F2"
    letters = g.get_edge_data("role:PMO-HEAD", "resp:pm-reviews")[0]
    assert (letters["letters"], letters["cell"]) == ("A/R", "RACI!C3")


def test_client_roles_and_responsibilities_go_to_the_client_family(bank):
    g = graph_of(bank, [("CLERK-WORKS", "Dave Pryce", 1.0, None)], {("site-inspections", "CLERK-WORKS"): "A/R"})
    assert g.nodes["role:CLERK-WORKS"]["family"] == "client"
    assert g.nodes["role:CLERK-WORKS"]["standard"] is False
    assert g.nodes["resp:site-inspections"]["family"] == "client"
    assert g.nodes["resp:site-inspections"]["critical"] is False
    assert "family:client" in g


def test_an_assignment_to_a_role_missing_from_the_roles_sheet_is_left_out(bank):
    response = office(bank, [("PMO-HEAD", "Alex Morgan", 1.0, None)], {("status-reporting", "PMO-HEAD"): "A"})
    stray = Assignment("status-reporting", "GHOST", "R", "RACI!Z2")
    g = build_graph(Response(**{**response.__dict__, "assignments": response.assignments + (stray,)}), bank)
    assert "role:GHOST" not in g
    assert by_responsibility(g)["status-reporting"].responsible == ()


# --- coverage ------------------------------------------------------------------------------------

def test_coverage_lists_each_letter_and_separates_held_from_unheld_roles(bank):
    roles = [("PMO-HEAD", "Alex Morgan", 1.0, None), ("PMO-ANALYST", "Sam Patel; Kim Chow", 0.5, "PMO-HEAD"),
             ("RISK-MGR", (), None, "PMO-HEAD"), ("PM", "Project managers (12)", 1.0, None),
             ("SPONSOR", "Jordan Lee", 0.2, None), ("PROJ-BOARD", (), None, None)]
    raci = {("status-reporting", "PMO-HEAD"): "A", ("status-reporting", "PMO-ANALYST"): "R",
            ("status-reporting", "RISK-MGR"): "R", ("status-reporting", "PM"): "C",
            ("status-reporting", "SPONSOR"): "I", ("status-reporting", "PROJ-BOARD"): "I"}
    c = by_responsibility(graph_of(bank, roles, raci))["status-reporting"]
    assert c.accountable == ("PMO-HEAD",)
    assert c.responsible == ("PMO-ANALYST", "RISK-MGR")
    assert c.consulted == ("PM",)
    assert c.informed == ("PROJ-BOARD", "SPONSOR")
    assert c.accountable_held == ("PMO-HEAD",)
    assert c.responsible_held == ("PMO-ANALYST",)        # RISK-MGR has no holder
    assert c.people == ("Alex Morgan", "Kim Chow", "Sam Patel")  # R or A through a held role; not C or I
    assert set(c.cells) == set(at("RACI!C2", "RACI!D2", "RACI!E2", "RACI!F2", "RACI!G2", "RACI!H2"))


def test_a_over_r_counts_as_both_accountable_and_responsible(bank):
    g = graph_of(bank, [("PMO-HEAD", "Alex Morgan", 1.0, None)], {("pm-reviews", "PMO-HEAD"): "A/R"})
    c = by_responsibility(g)["pm-reviews"]
    assert (c.accountable, c.responsible) == (("PMO-HEAD",), ("PMO-HEAD",))
    assert (c.accountable_held, c.responsible_held) == (("PMO-HEAD",), ("PMO-HEAD",))
    assert c.people == ("Alex Morgan",)


def test_several_accountables_are_all_listed(bank):
    g = graph_of(bank, [("PM", "Aisha Khan", 1.0, None), ("COMMS", "Tariq Aziz", 0.5, None)],
                 {("stakeholder-engagement", "PM"): "A", ("stakeholder-engagement", "COMMS"): "A"})
    c = by_responsibility(g)["stakeholder-engagement"]
    assert c.accountable == ("COMMS", "PM")
    assert c.responsible == ()
    assert c.people == ("Aisha Khan", "Tariq Aziz")


def test_accountable_only_on_an_unheld_role_has_no_people(bank):
    g = graph_of(bank, [("PORT-MGR", (), None, None), ("PORT-ANALYST", (), None, None)],
                 {("portfolio-reporting", "PORT-MGR"): "A", ("portfolio-reporting", "PORT-ANALYST"): "R"})
    c = by_responsibility(g)["portfolio-reporting"]
    assert c.accountable == ("PORT-MGR",) and c.accountable_held == ()
    assert c.responsible == ("PORT-ANALYST",) and c.responsible_held == ()
    assert c.people == ()


def test_a_row_without_letters_is_covered_by_nobody(bank):
    g = graph_of(bank, [("PMO-HEAD", "Alex Morgan", 1.0, None)], {("status-reporting", "PMO-HEAD"): "A"},
                 extra_responsibilities=["contract-tracking"])
    c = by_responsibility(g)["contract-tracking"]
    assert c == type(c)("contract-tracking", (), (), (), (), (), (), (), ())


def test_coverage_is_one_record_per_responsibility_row(bank):
    g = graph_of(bank, [("PMO-HEAD", "Alex Morgan", 1.0, None)],
                 {("status-reporting", "PMO-HEAD"): "A", ("pm-reviews", "PMO-HEAD"): "A/R"},
                 extra_responsibilities=["contract-tracking"])
    assert sorted(c.responsibility for c in coverage(g)) == ["contract-tracking", "pm-reviews", "status-reporting"]


# --- loads ---------------------------------------------------------------------------------------

def test_load_sums_fte_over_a_persons_roles_and_blank_fte_counts_zero(bank):
    g = graph_of(bank, [("PSO", "Sam Hughes", 1.0, None), ("DATA-ADMIN", "Sam Hughes", 0.5, None),
                        ("PLANNER", "Sam Hughes", None, None), ("PMO-HEAD", "Ellen Marsh", None, None)])
    people = by_person(g)
    assert people["Sam Hughes"].roles == ("DATA-ADMIN", "PLANNER", "PSO")
    assert people["Sam Hughes"].fte == 1.5
    assert people["Ellen Marsh"].fte == 0          # blank FTE is no time, not an error
    assert set(people["Sam Hughes"].cells) == set(at("Roles!A2", "Roles!C2", "Roles!D2", "Roles!A3", "Roles!C3",
                                                     "Roles!D3", "Roles!A4", "Roles!C4", "Roles!D4"))


def test_load_rounds_away_float_noise(bank):
    g = graph_of(bank, [("PSO", "Kim Chow", 0.7, None), ("DATA-ADMIN", "Kim Chow", 0.2, None),
                        ("PLANNER", "Kim Chow", 0.1, None)])
    assert by_person(g)["Kim Chow"].fte == 1.0      # 0.7 + 0.2 + 0.1 is 0.9999999999999999 in floats


def test_every_holder_of_a_shared_row_carries_the_rows_fte(bank):
    g = graph_of(bank, [("PMO-ANALYST", "Sam Patel; Kim Chow", 0.5, None)])
    people = by_person(g)
    assert people["Sam Patel"].fte == people["Kim Chow"].fte == 0.5
    assert people["Sam Patel"].roles == people["Kim Chow"].roles == ("PMO-ANALYST",)


def test_load_counts_distinct_accountable_and_responsible_responsibilities(bank):
    roles = [("PMO-HEAD", "Alex Morgan", 0.6, None), ("PORT-MGR", "Alex Morgan", 0.6, None),
             ("PLANNER", "Riya Shah", 0.5, None)]
    raci = {("status-reporting", "PMO-HEAD"): "A", ("status-reporting", "PORT-MGR"): "A",  # one responsibility
            ("pm-reviews", "PMO-HEAD"): "A/R",
            ("forecast-workplan", "PORT-MGR"): "R", ("forecast-workplan", "PLANNER"): "A",
            ("performance-monitoring", "PMO-HEAD"): "C", ("performance-monitoring", "PLANNER"): "I"}
    people = by_person(graph_of(bank, roles, raci))
    assert people["Alex Morgan"].accountable == 2   # status-reporting (through two roles) and pm-reviews
    assert people["Alex Morgan"].responsible == 2   # pm-reviews (A/R) and forecast-workplan
    assert people["Riya Shah"].accountable == 1
    assert people["Riya Shah"].responsible == 0     # C and I count for nothing


def test_sole_critical_lists_critical_responsibilities_with_one_r_or_a_person(bank):
    roles = [("PMO-HEAD", "Dana Whitfield", 1.0, None), ("PMO-ANALYST", "Ruth Adeyemi", 1.0, None),
             ("SPONSOR", "Victor Hale", 0.2, None), ("RISK-MGR", (), None, None)]
    raci = {
        # Dana alone (A and the R role is unheld): counts
        ("status-reporting", "PMO-HEAD"): "A", ("status-reporting", "RISK-MGR"): "R",
        # Dana A/R alone: counts
        ("performance-monitoring", "PMO-HEAD"): "A/R", ("performance-monitoring", "SPONSOR"): "I",
        # Dana A, Ruth R: two people, not sole
        ("risk-issue-management", "PMO-HEAD"): "A", ("risk-issue-management", "PMO-ANALYST"): "R",
        # Dana alone but not critical: does not count
        ("pm-reviews", "PMO-HEAD"): "A/R",
        # Victor alone on a critical one
        ("budget-control", "SPONSOR"): "A",
    }
    people = by_person(graph_of(bank, roles, raci))
    assert people["Dana Whitfield"].sole_critical == ("performance-monitoring", "status-reporting")
    assert people["Victor Hale"].sole_critical == ("budget-control",)
    assert people["Ruth Adeyemi"].sole_critical == ()


def test_a_shared_row_is_not_a_single_point_of_failure(bank):
    g = graph_of(bank, [("PMO-ANALYST", "Sam Patel; Kim Chow", 0.5, None)],
                 {("status-reporting", "PMO-ANALYST"): "A/R"})
    assert all(load.sole_critical == () for load in loads(g))


# --- one person however the name is written --------------------------------------------------------

@pytest.mark.parametrize("variant", ["sam hughes", "SAM HUGHES", "  Sam   Hughes ", "Sam\u00a0Hughes", "Sam\tHughes"])
def test_person_key_ignores_case_and_spacing(variant):
    assert person_key(variant) == person_key("Sam Hughes") == "sam hughes"


def test_names_differing_in_case_or_spacing_are_one_person(bank):
    roles = [("PSO", "Sam Hughes", 1.0, None), ("DATA-ADMIN", "sam  HUGHES", 0.5, None),
             ("PLANNER", " Sam Hughes ", 0.25, None)]
    raci = {("status-reporting", "PSO"): "A", ("status-reporting", "DATA-ADMIN"): "R"}
    g = graph_of(bank, roles, raci)
    people = [n for n, d in g.nodes(data=True) if d["kind"] == "person"]
    assert people == ["person:sam hughes"]
    assert g.nodes["person:sam hughes"]["label"] == "Sam Hughes"   # as first written
    (load,) = loads(g)
    assert (load.person, load.roles, load.fte) == ("Sam Hughes", ("DATA-ADMIN", "PLANNER", "PSO"), 1.75)
    assert by_responsibility(g)["status-reporting"].people == ("Sam Hughes",)
    assert load.sole_critical == ("status-reporting",)


# --- conflicts (independence) --------------------------------------------------------------------

ASSURES = {"quality-assurance": ("project-delivery",), "compliance-audit": ("budget-control", "project-planning")}


def test_one_role_accountable_for_delivery_and_its_assurance(bank):
    g = graph_of(bank, [("PROJ-BOARD", "Waterfront Project Board", 0.1, None), ("PM", "Priya Nair", 1.0, None)],
                 {("project-delivery", "PROJ-BOARD"): "A", ("project-delivery", "PM"): "R",
                  ("quality-assurance", "PROJ-BOARD"): "A"})
    assert conflicts(g, ASSURES) == [Conflict("project-delivery", "quality-assurance", "PROJ-BOARD", "PROJ-BOARD",
                                              "", at("RACI!C3", "RACI!C2"))]


def test_a_over_r_on_both_is_a_conflict_too(bank):
    g = graph_of(bank, [("SPONSOR", "Jordan Lee", 0.2, None)],
                 {("budget-control", "SPONSOR"): "A/R", ("compliance-audit", "SPONSOR"): "A/R"})
    (c,) = conflicts(g, ASSURES)
    assert (c.delivered, c.assurance, c.role_delivery, c.person) == \
        ("budget-control", "compliance-audit", "SPONSOR", "")


def test_one_person_accountable_for_delivery_and_assurance_through_two_roles(bank):
    # The same person written two ways is still one person.
    g = graph_of(bank, [("SPONSOR", "Alex Morgan", 0.2, None), ("PMO-HEAD", "alex  MORGAN", 0.8, None)],
                 {("budget-control", "SPONSOR"): "A", ("compliance-audit", "PMO-HEAD"): "A"})
    assert conflicts(g, ASSURES) == [Conflict("budget-control", "compliance-audit", "SPONSOR", "PMO-HEAD",
                                              "Alex Morgan", at("RACI!D3", "RACI!C2"))]


def test_one_conflict_per_shared_person(bank):
    g = graph_of(bank, [("SPONSOR", "Ann; Bob", 0.2, None), ("PMO-HEAD", "Bob; Ann; Cy", 0.8, None)],
                 {("budget-control", "SPONSOR"): "A", ("compliance-audit", "PMO-HEAD"): "A"})
    assert sorted(c.person for c in conflicts(g, ASSURES)) == ["Ann", "Bob"]


@pytest.mark.parametrize("assurance_letters", ["R", "C", "I"])
def test_no_conflict_when_the_assurance_is_not_accountable(bank, assurance_letters):
    g = graph_of(bank, [("SPONSOR", "Jordan Lee", 0.2, None), ("AUDITOR", "Group Internal Audit", 0.2, None)],
                 {("budget-control", "SPONSOR"): "A", ("compliance-audit", "SPONSOR"): assurance_letters,
                  ("compliance-audit", "AUDITOR"): "A"})
    assert conflicts(g, ASSURES) == []


def test_no_conflict_when_assurance_is_independent(bank):
    g = graph_of(bank, [("PROJ-BOARD", "Scheme boards", 0.1, None), ("QA", "Paul Greene", 1.0, None),
                        ("PM", "Project managers (210)", 1.0, None)],
                 {("project-delivery", "PROJ-BOARD"): "A", ("project-delivery", "PM"): "R",
                  ("quality-assurance", "QA"): "A/R", ("quality-assurance", "PM"): "C"})
    assert conflicts(g, ASSURES) == []


def test_no_conflict_for_unheld_different_roles(bank):
    g = graph_of(bank, [("SPONSOR", (), None, None), ("PMO-HEAD", (), None, None)],
                 {("budget-control", "SPONSOR"): "A", ("compliance-audit", "PMO-HEAD"): "A"})
    assert conflicts(g, ASSURES) == []


def test_assurance_of_something_not_in_the_raci_is_ignored(bank):
    g = graph_of(bank, [("QA", "Paul Greene", 1.0, None)], {("quality-assurance", "QA"): "A"})
    assert conflicts(g, ASSURES) == []
    assert conflicts(g, {"no-such-assurance": ("quality-assurance",)}) == []


# --- escalation ----------------------------------------------------------------------------------

def test_escalation_reaches_a_governance_role(bank):
    g = graph_of(bank, [("PM", "Priya Nair", 1.0, "PROJ-BOARD"), ("PROJ-BOARD", "Board", 0.1, "SPONSOR"),
                        ("SPONSOR", "Marcus Okafor", 0.1, None)])
    result = escalation(g, GOVERNANCE)
    assert result["PM"] is True
    assert result["PROJ-BOARD"] is True
    assert set(result) == {"PM", "PROJ-BOARD", "SPONSOR"}


def test_a_cut_line_does_not_escalate(bank):
    g = graph_of(bank, [("PM", "Priya Nair", 1.0, None), ("PROJ-BOARD", "Board", 0.1, "SPONSOR"),
                        ("SPONSOR", "Marcus Okafor", 0.1, None)])
    assert escalation(g, GOVERNANCE)["PM"] is False


def test_escalation_follows_a_chain_through_several_roles(bank):
    chain = [("PM", "Project managers (38)", 1.0, "PLANNER"), ("PLANNER", "Sergei Ivanov", 1.0, "PMO-ANALYST"),
             ("PMO-ANALYST", "Ruth Adeyemi", 1.0, "PMO-HEAD"), ("PMO-HEAD", "Dana Whitfield", 0.6, "SPONSOR"),
             ("SPONSOR", "Victor Hale", 0.2, None)]
    assert escalation(graph_of(bank, chain), GOVERNANCE)["PM"] is True


def test_a_chain_cut_high_up_does_not_escalate(bank):
    chain = [("PM", "Project managers (38)", 1.0, "PLANNER"), ("PLANNER", "Sergei Ivanov", 1.0, "PMO-HEAD"),
             ("PMO-HEAD", "Dana Whitfield", 0.6, None), ("SPONSOR", "Victor Hale", 0.2, None)]
    result = escalation(graph_of(bank, chain), GOVERNANCE)
    assert (result["PM"], result["PLANNER"], result["PMO-HEAD"]) == (False, False, False)


def test_a_line_to_a_role_missing_from_the_roles_sheet_does_not_escalate(bank):
    g = graph_of(bank, [("PM", "Priya Nair", 1.0, "PROJ-BOARD")])   # PROJ-BOARD has no row
    assert escalation(g, GOVERNANCE)["PM"] is False


def test_escalation_targets_are_whatever_the_caller_says(bank):
    g = graph_of(bank, [("PM", "Priya Nair", 1.0, "PMO-HEAD"), ("PMO-HEAD", "Ellen Marsh", 0.5, None)])
    assert escalation(g, GOVERNANCE)["PM"] is False
    assert escalation(g, {"PMO-HEAD"})["PM"] is True


def test_escalation_stops_on_a_cycle(bank):
    g = graph_of(bank, [("PM", "Priya Nair", 1.0, "PMO-HEAD"), ("PMO-HEAD", "Ellen Marsh", 0.5, "PLANNER"),
                        ("PLANNER", "Tom Reilly", 0.5, None), ("SPONSOR", "Marcus Okafor", 0.1, None)])
    g.add_edge("role:PLANNER", "role:PMO-HEAD", kind="reports_to", cell="Roles!F4")  # import refuses this
    result = escalation(g, GOVERNANCE)       # must terminate
    assert (result["PM"], result["PMO-HEAD"], result["PLANNER"]) == (False, False, False)


# --- reporting cycles ------------------------------------------------------------------------------

def _rotation_free(cycles) -> set:
    out = set()
    for cycle in cycles:
        i = cycle.index(min(cycle))
        out.add(tuple(cycle[i:] + cycle[:i]))
    return out


def test_no_cycles_in_a_tree_of_lines(bank):
    g = graph_of(bank, [("PM", "Priya Nair", 1.0, "PROJ-BOARD"), ("PROJ-BOARD", "Board", 0.1, "SPONSOR"),
                        ("SPONSOR", "Marcus Okafor", 0.1, None), ("PSO", "Sam Hughes", 1.0, "PM")])
    assert reporting_cycles(g) == []


def test_a_two_role_cycle_made_in_the_graph(bank):
    g = graph_of(bank, [("PM", "Priya Nair", 1.0, "PMO-HEAD"), ("PMO-HEAD", "Ellen Marsh", 0.5, None)])
    g.add_edge("role:PMO-HEAD", "role:PM", kind="reports_to", cell="Roles!F3")
    assert _rotation_free(reporting_cycles(g)) == {("PM", "PMO-HEAD")}


def test_a_three_role_cycle_and_a_separate_tree(bank):
    g = graph_of(bank, [("PM", "Priya Nair", 1.0, "PLANNER"), ("PLANNER", "Tom Reilly", 0.5, "PMO-HEAD"),
                        ("PMO-HEAD", "Ellen Marsh", 0.5, None), ("PSO", "Sam Hughes", 1.0, "SPONSOR"),
                        ("SPONSOR", "Marcus Okafor", 0.1, None)])
    g.add_edge("role:PMO-HEAD", "role:PM", kind="reports_to", cell="Roles!F4")
    cycles = reporting_cycles(g)
    assert len(cycles) == 1
    assert _rotation_free(cycles) == _rotation_free([("PM", "PLANNER", "PMO-HEAD")])  # in line order
    # the cycle follows the lines: each role reports to the next
    (cycle,) = cycles
    for a, b in zip(cycle, cycle[1:] + cycle[:1]):
        assert any(d["kind"] == "reports_to" for d in g.get_edge_data(f"role:{a}", f"role:{b}").values())


def test_raci_edges_are_not_reporting_lines(bank):
    g = graph_of(bank, [("PM", "Priya Nair", 1.0, None), ("PMO-HEAD", "Ellen Marsh", 0.5, None)],
                 {("status-reporting", "PMO-HEAD"): "A", ("status-reporting", "PM"): "R"})
    g.add_edge("resp:status-reporting", "role:PM", kind="raci", letters="R", cell="RACI!C2")  # not a line
    assert reporting_cycles(g) == []


# --- idle roles ----------------------------------------------------------------------------------

def test_idle_roles_are_held_roles_with_no_r_and_no_a(bank):
    roles = [("PMO-HEAD", "Ellen Marsh", 0.5, None), ("PLANNER", "Tom Reilly", 0.5, None),
             ("CLERK-WORKS", "Dave Pryce", 1.0, None), ("RISK-MGR", (), None, None),
             ("PSO", "Sam Hughes", 1.0, None), ("SPONSOR", "Marcus Okafor", 0.1, None)]
    raci = {("status-reporting", "PMO-HEAD"): "A", ("status-reporting", "PLANNER"): "C",
            ("status-reporting", "SPONSOR"): "I", ("pm-reviews", "PSO"): "R",
            ("forecast-workplan", "RISK-MGR"): "C"}
    # PLANNER (C only), CLERK-WORKS (nothing) and SPONSOR (I only) are idle; RISK-MGR has no holder.
    assert idle_roles(graph_of(bank, roles, raci)) == ["CLERK-WORKS", "PLANNER", "SPONSOR"]


def test_a_held_role_with_only_an_a_is_not_idle(bank):
    g = graph_of(bank, [("SPONSOR", "Jordan Lee", 0.2, None)], {("budget-control", "SPONSOR"): "A"})
    assert idle_roles(g) == []


def test_a_dropped_assessment_leaves_no_garbage_for_the_collector():
    """A batch assesses thousands of offices in one process: each assessment, graph and explanations
    included, must go when it is dropped, not wait for the cyclic collector (memory between passes)."""
    import gc
    from pathlib import Path

    from assessor.api import Assessor

    assessor = Assessor()
    sample = Path(__file__).resolve().parent.parent / "samples" / "meridian-bank.xlsx"
    assessment = assessor.assess([sample])
    assessment.to_dict()
    assessment.factbase.graph.edges(data=True)  # the views a report asks for
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        del assessment
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []
