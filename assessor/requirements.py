"""What an office of a given type, tier and size is expected to have: requirement facts.

Requirements are data: each responsibility, role and dimension in the bank and its
catalogues lists the tiers and PMO types that expect it, responsibilities also
the office sizes (questionnaires/*.yaml, or a consultant's own). Tiers are
functions, not a ladder: a portfolio office need not run programmes, a P3MO
holds every function.

Responsibilities are required; roles are recommended (a small office combines
them), so role requirements only say which roles usually carry the work.
"current" requirements are those of the office's own type, tier and size;
"next" are what the next tier up adds. Each requirement says whether a staffed
role covers it, so the rules judge gaps without joining the RACI again, and
whether its whole function (programme management, say) is missing, which the
rules report once, as that root cause, instead of once per family.
"""
from __future__ import annotations

from assessor.questionnaire.bank import SCOPE_NAMES, TIER_NAMES, Bank

TIER_FUNCTIONS = {1: ["project"], 2: ["project", "programme"], 3: ["project", "portfolio"],
                  4: ["project", "programme", "portfolio", "coe"]}
SIZE_SETTINGS = {"small_office_fte": 4, "large_office_fte": 12, "small_office_projects": 15,
                 "large_office_projects": 60}


def office_size(pmo_fte, active_projects, setting) -> str:
    """small, medium or large: from the PMO's headcount, or its active projects when no headcount is
    given; medium when neither is. The bands are settings (rules/coverage.yaml; ``setting`` is
    ``Rulebase.setting``)."""
    def band(value, small, large):
        return "small" if value < small else "large" if value >= large else "medium"

    def get(key):
        return setting(key, SIZE_SETTINGS[key])

    if isinstance(pmo_fte, (int, float)):
        return band(pmo_fte, get("small_office_fte"), get("large_office_fte"))
    if isinstance(active_projects, (int, float)):
        return band(active_projects, get("small_office_projects"), get("large_office_projects"))
    return "medium"


def requirement_facts(bank: Bank, model: str, tier: int, size: str = "medium", coverage: dict | None = None,
                      present: dict[str, set] | None = None, held: set[str] | None = None,
                      tier_functions: dict | None = None) -> list[tuple[str, dict]]:
    """``coverage``: responsibility id -> responsibility.Coverage of its RACI row; ``present``: the
    role and responsibility ids that have a row in the workbook; ``held``: role ids somebody holds;
    ``tier_functions``: tier -> the functions (responsibility scopes) that make it, which alone can
    be "missing" as a whole (a project office is not short of a centre of excellence)."""
    coverage, present, held = coverage or {}, present or {}, held or set()
    tier_functions = {int(k): set(v) for k, v in (tier_functions or TIER_FUNCTIONS).items()}
    families = dict(bank.families)
    roles = {r.id: r for r in bank.roles}
    out, by_function = [], {}
    for attrs in _expected(bank, model, tier, size):
        item, subject = attrs["item"], attrs["subject"]
        rows = present.get(subject)
        facts = {**attrs, "present": rows is None or item in rows}
        if subject == "responsibility":
            c = coverage.get(item)
            facts["covered"] = bool(c and (c.accountable_held or c.responsible_held))
            facts["gap"] = ("no staffed role is Responsible or Accountable for it" if facts["present"]
                            else "it has no row in the RACI sheet")
            typical = facts.pop("_typical", None)
            if typical:
                facts["typical"] = f"{roles[typical].name} ({typical})" if typical in roles else typical
                facts["typical_held"] = typical in held
            facts["family_name"] = families.get(facts["family"], facts["family"])
            by_function.setdefault((facts["scope"], facts["function"]), []).append(facts)
        out.append(facts)
    for (_, function), items in sorted(by_function.items()):
        uncovered = [i for i in items if not i["covered"]]
        # A whole function absent is one root cause; a single responsibility is not a function.
        missing = (function in tier_functions.get(items[0]["tier"], ()) and len(items) >= 2
                   and len(uncovered) == len(items))
        for i in items:
            i["function_missing"] = missing
            i["function_critical"] = any(u["critical"] for u in uncovered)
    return [("requirement", f) for f in out]


def _expected(bank: Bank, model: str, tier: int, size: str) -> tuple[dict, ...]:
    """What the catalogues expect of this type, tier and size (and the next tier up), worked out once
    per bank: the same few combinations recur across every assessment a bank is used for."""
    cache = bank.__dict__.setdefault("_expected", {})
    if (model, tier, size) not in cache:
        cache[model, tier, size] = tuple(_work_out(bank, model, tier, size))
    return tuple(dict(a) for a in cache[model, tier, size])


def _scope(tiers, tier: int):
    if tier in tiers:
        return "current", tier
    if tier < 4 and tier + 1 in tiers:
        return "next", tier + 1
    return None, None


def _work_out(bank: Bank, model: str, tier: int, size: str):
    for dim in bank.dimensions:
        if tier in dim.tiers:
            yield {"subject": "dimension", "item": dim.id, "name": dim.name, "scope": "current", "tier": tier,
                   "type": model, "reason": f"a {model} {TIER_NAMES[tier]} (tier {tier})"}
    for role in bank.roles:
        scope, at = _scope(role.tiers, tier)
        if model in role.types and scope:
            yield {"subject": "role", "item": role.id, "name": role.name, "scope": scope, "tier": at,
                   "type": model, "reason": f"a {model} {TIER_NAMES[at]} (tier {at})"}
    for resp in bank.responsibilities:
        scope, at = _scope(resp.tiers, tier)
        if model not in resp.types or not scope or size not in resp.sizes:
            continue
        accountable = next((r for r, v in resp.typical_raci(model) if v in ("A", "A/R")), None)
        yield {"subject": "responsibility", "item": resp.id, "name": resp.name, "scope": scope, "tier": at,
               "type": model, "reason": f"a {model} {TIER_NAMES[at]} (tier {at})",
               "critical": resp.critical, "function": resp.scope, "function_name": SCOPE_NAMES.get(resp.scope, resp.scope),
               "family": resp.family, "size": size,
               "_typical": accountable}


def sole_holder_facts(people, person_facts: dict, requirements: list[tuple[str, dict]], coverage: dict,
                      names: dict[str, str]) -> list[tuple[str, dict, tuple]]:
    """One fact per person who is the only Responsible or Accountable person for critical responsibilities
    this office's own type and tier expect (a single point of failure is high only for what the office
    is there to do: an office was faulted for carrying capacity planning alone, which its tier does not
    expect). ``people``: responsibility.Load per person; ``person_facts``: name -> its person fact, whose
    cells the fact rests on (the holder's, and the RACI cells of those responsibilities); ``names``:
    responsibility id -> its name as the facts give it."""
    expected = {a["item"] for kind, a in requirements
                if kind == "requirement" and a["subject"] == "responsibility" and a["scope"] == "current"
                and a.get("critical")}
    out = []
    for load in people:
        mine = [r for r in load.sole_critical if r in expected]
        person = person_facts.get(load.person)
        if not mine or person is None:
            continue
        rows = {cell for r in mine for cell in (coverage[r].cells if r in coverage else ())}
        # the holder's cells, and the RACI cells that make this fact's count (its `critical`)
        evidence = tuple(e if not e.attr else e._replace(attr="critical") for e in person.evidence
                         if not e.attr or (e.attr == "sole_critical" and (e.file, e.ref) in rows))
        out.append(("sole_holder", {"person": load.person, "body": person.get("body", False), "critical": len(mine),
                                    "list": ", ".join(mine), "names": quoted_list([names.get(r) or r for r in mine])},
                    evidence))
    return out


def quoted_list(names: list[str]) -> str:
    """“Plan capacity”, “Fund the portfolio” and “Report on it”: names in a sentence, whatever their grammar."""
    quoted = [f"“{n}”" for n in names]
    if len(quoted) < 2:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + f" and {quoted[-1]}"

