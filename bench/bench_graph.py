"""Issue 4: responsibility graph build and analysis time, and how it grows with the office.

Targets (in-process, synthetic offices built as `Response` objects, no workbook I/O):
- `build_graph` + every metric (`coverage`, `loads`, `conflicts` with an assures map, `escalation`,
  `reporting_cycles`, `idle_roles`) for 30 roles x 60 responsibilities < 20 ms;
- the same for 300 roles x 600 responsibilities < 1 s.
Median of repeated runs after warm-up. For information: 100 x 200 in between, each metric's share,
and how time grows between the sizes (ratio, and the apparent exponent of time ~ size^k).

The synthetic offices are realistic in density: every responsibility has one A (sometimes A/R), one
to three R and some C and I; roles have one to three holders, some people hold two or three roles,
some roles are unheld, a few FTEs are blank; reporting lines form a tree under a few governance
roles with a few lines cut; about 30% of responsibilities are critical and 5% assure others.
"""
from __future__ import annotations

import dataclasses
import gc
import itertools
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from bench_rules import _calibration  # noqa: E402  (the same fixed workload, so the multiples compare)

SIZES = [(30, 60), (100, 200), (300, 600)]
LIMITS = {(30, 60): (20.0, "ms"), (300, 600): (1.0, "s")}
PARTS = ("build_graph", "coverage", "loads", "conflicts", "escalation", "reporting_cycles", "idle_roles")


# -- the synthetic office -------------------------------------------------------------------------

def synthetic_office(bank, n_roles: int, n_resps: int, seed: int = 4):
    """A (Response, Bank, assures, governance ids) for an office of the given size.

    The bank is the shipped one with its role and responsibility catalogues replaced by synthetic
    ones, so that families, `critical` and `assures` come from the catalogue as in real use."""
    from assessor.model import Assignment, Response, ResponsibilityRow, Role, Stamp
    from assessor.questionnaire.bank import ResponsibilitySpec, RoleSpec
    from assessor.xlsx import column_letter

    rng = random.Random(seed * 1_000_003 + n_roles)
    n_gov = max(2, n_roles // 15)
    role_ids = [f"GOV-{i:03d}" if i < n_gov else f"ROLE-{i:03d}" for i in range(n_roles)]
    role_families = ("leadership", "portfolio", "programme", "project", "support", "coe")
    specs, roles = [], []
    people: list[str] = []
    roles_of: dict[str, int] = {}
    for i, rid in enumerate(role_ids):
        if i == 0:
            reports_to = None
        elif i < n_gov:
            reports_to = role_ids[0]
        else:
            reports_to = role_ids[rng.randrange(max(0, (i - 1) // 5 - 2), (i - 1) // 5 + 1)] if i > 1 else role_ids[0]
            if rng.random() < 0.03:
                reports_to = None                      # a cut line
        family = "governance" if i < n_gov else rng.choice(role_families)
        specs.append(RoleSpec(rid, f"Role {i}", family, family != "governance", (1, 2, 3, 4),
                              ("supportive", "controlling", "directive"), reports_to, ""))
        holders = []
        if rng.random() < 0.9:                          # 10% of roles unheld
            for _ in range(rng.choices((1, 2, 3), (70, 20, 10))[0]):
                reusable = [p for p in people if roles_of[p] < 3]
                if reusable and rng.random() < 0.2:
                    name = rng.choice(reusable)         # someone who already holds a role
                else:
                    name = f"Person {len(people)}"
                    people.append(name)
                    roles_of[name] = 0
                if name in holders:
                    continue
                roles_of[name] += 1
                holders.append(name.upper() if rng.random() < 0.05 else name)   # same person, other case
        fte = rng.choice((None, 0.2, 0.5, 0.5, 0.8, 1.0, 1.0)) if holders else None
        row = i + 2
        roles.append(Role(rid, f"Role {i}", tuple(holders), fte, family != "governance", reports_to,
                          f"Roles!A{row}", True, f"Roles!C{row}", f"Roles!D{row}", f"Roles!F{row}", f"Roles!E{row}"))
    held = [r.role_id for r in roles if r.holders]
    families = [f for f, _ in bank.families]
    resp_ids = [f"resp-{j:04d}" for j in range(n_resps)]
    columns = {rid: column_letter(i + 3) for i, rid in enumerate(role_ids)}
    resp_specs, rows, assignments = [], [], []
    for j, resp in enumerate(resp_ids):
        row = j + 2
        assures = ()
        if rng.random() < 0.05:
            assures = tuple(rng.sample([r for r in resp_ids if r != resp], rng.randint(1, 4)))
        resp_specs.append(ResponsibilitySpec(resp, f"Responsibility {j}", families[j % len(families)], "project",
                                             (1, 2, 3, 4), ("supportive", "controlling", "directive"),
                                             rng.random() < 0.3, assures, (), ""))
        rows.append(ResponsibilityRow(resp, f"Responsibility {j}", f"RACI!A{row}", True))
        chosen = rng.sample(role_ids, 1 + 3 + 4)
        accountable = rng.choice(held) if rng.random() < 0.95 else chosen[0]
        others = [r for r in chosen if r != accountable]
        letters = {accountable: "A/R" if rng.random() < 0.1 else "A"}
        for rid in others[:rng.randint(1, 3)]:
            letters[rid] = "R"
        for rid in others[3:3 + rng.randint(0, 2)]:
            letters[rid] = "C"
        for rid in others[5:5 + rng.randint(0, 2)]:
            letters[rid] = "I"
        for rid, x in letters.items():
            assignments.append(Assignment(resp, rid, x, f"RACI!{columns[rid]}{row}"))
    synthetic_bank = dataclasses.replace(bank, roles=tuple(specs), responsibilities=tuple(resp_specs))
    response = Response(f"synthetic-{n_roles}x{n_resps}.xlsx", Stamp(bank.id, bank.version, bank.questions_hash, True),
                        (), (), tuple(roles), tuple(rows), tuple(assignments))
    assures = {r.id: r.assures for r in resp_specs if r.assures}
    governance = {s.id for s in specs if s.family == "governance"}
    return response, synthetic_bank, assures, governance


# -- timing --------------------------------------------------------------------------------------

def analyse(response, bank, assures, governance, parts: dict | None = None):
    """build_graph and every metric, as the fact builder runs them; per-part seconds into ``parts``."""
    from assessor.responsibility import (build_graph, conflicts, coverage, escalation, idle_roles, loads,
                                         reporting_cycles)

    clock = time.perf_counter
    t0 = clock()
    g = build_graph(response, bank)
    t1 = clock()
    results = {"coverage": coverage(g)}
    t2 = clock()
    results["loads"] = loads(g)
    t3 = clock()
    results["conflicts"] = conflicts(g, assures)
    t4 = clock()
    results["escalation"] = escalation(g, governance)
    t5 = clock()
    results["reporting_cycles"] = reporting_cycles(g)
    t6 = clock()
    results["idle_roles"] = idle_roles(g)
    t7 = clock()
    if parts is not None:
        for name, a, b in zip(PARTS, (t0, t1, t2, t3, t4, t5, t6), (t1, t2, t3, t4, t5, t6, t7)):
            parts.setdefault(name, []).append(b - a)
    return g, results


def measure(bank, n_roles: int, n_resps: int, runs: int, warm: int) -> dict:
    response, sbank, assures, governance = synthetic_office(bank, n_roles, n_resps)
    g, results = analyse(response, sbank, assures, governance)
    totals, parts, cal = [], {}, []
    for i in range(warm + runs):
        gc.collect()
        c = common.time_call(_calibration)
        p: dict = {}
        start = time.perf_counter()
        analyse(response, sbank, assures, governance, p)
        elapsed = time.perf_counter() - start
        if i >= warm:
            totals.append(elapsed)
            cal.append(c)
            for k, v in p.items():
                parts.setdefault(k, []).extend(v)
    people = results["loads"]
    return {
        "size": (n_roles, n_resps), "totals": totals, "cal": cal,
        "parts": {k: common.median(v) for k, v in parts.items()},
        "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
        "people": len(people), "multi_role": sum(1 for p in people if len(p.roles) > 1),
        "assignments": len(response.assignments), "unheld": sum(1 for r in response.roles if not r.holders),
        "conflicts": len(results["conflicts"]), "escalates": sum(results["escalation"].values()),
        "idle": len(results["idle_roles"]), "cycles": len(results["reporting_cycles"]),
        "overloaded": sum(1 for p in people if p.fte > 1.0),
    }


def label(size) -> str:
    return f"{size[0]} roles x {size[1]} responsibilities"


def report(results: list[dict]) -> None:
    for r in results:
        med = common.median(r["totals"])
        shares = ", ".join(f"{k} {v / med:.0%}" for k, v in sorted(r["parts"].items(), key=lambda kv: -kv[1]))
        per_cal = common.median(t / c for t, c in zip(r["totals"], r["cal"]))
        detail = (f"{common.spread([t * 1000 for t in r['totals']], 'ms')}; {per_cal:.1f}x calibration; "
                  f"graph {r['nodes']} nodes, {r['edges']} edges; "
                  f"{r['people']} people ({r['multi_role']} with 2-3 roles), {r['assignments']} RACI letters, "
                  f"{r['unheld']} unheld roles; found {r['conflicts']} conflicts, {r['idle']} idle roles, "
                  f"{r['overloaded']} overloaded, {r['escalates']} roles escalate; parts: {shares}")
        name = f"graph build + analysis, {label(r['size'])}"
        if tuple(r["size"]) in LIMITS:
            limit, unit = LIMITS[tuple(r["size"])]
            value = med * 1000 if unit == "ms" else med
            common.check(name, value, limit, unit, detail)
        else:
            common.info(name, med * 1000, "ms", detail)
    all_cal = [c * 1000 for r in results for c in r["cal"]]
    common.info("calibration: fixed Python workload (as bench_rules)", common.median(all_cal), "ms",
                f"{common.spread(all_cal, 'ms')}; ~0.7 ms idle on the dev VM; higher = slower machine state")
    pairs = list(itertools.pairwise(results))
    if len(results) > 2:
        pairs.append((results[0], results[-1]))
    for a, b in pairs:
        ta, tb = common.median(a["totals"]), common.median(b["totals"])
        scale = b["size"][0] / a["size"][0]
        elements = (b["nodes"] + b["edges"]) / (a["nodes"] + a["edges"])
        ratio = tb / ta
        common.info(f"growth {a['size'][0]}x{a['size'][1]} -> {b['size'][0]}x{b['size'][1]}", ratio, "x",
                    f"office x{scale:.3g} (nodes+edges x{elements:.1f}): "
                    f"time ~ size^{math.log(ratio) / math.log(scale):.2f} "
                    f"(^{math.log(ratio) / math.log(elements):.2f} in nodes+edges); "
                    f"{ta * 1000:.2f} ms -> {tb * 1000:.2f} ms")


def main() -> int:
    args = common.parse_args(__doc__.splitlines()[0])
    runs = {(30, 60): 60, (100, 200): 20, (300, 600): 9}
    warm = 3
    if args.quick:
        runs = {k: 5 for k in runs}
        warm = 1
    common.header("bench_graph: responsibility graph build and analysis (issue 4)", [
        "in-process, synthetic offices as Response objects (no workbook I/O), shipped bank with synthetic catalogues",
        "timed: build_graph + coverage + loads + conflicts(assures) + escalation + reporting_cycles + idle_roles",
        "median of " + ", ".join(f"{runs[s]} runs for {s[0]}x{s[1]}" for s in SIZES) + f" after {warm} warm-up",
        f"targets: 30x60 < {LIMITS[(30, 60)][0]:g} ms; 300x600 < {LIMITS[(300, 600)][0]:g} s; "
        "growth between sizes reported for information",
    ], args.quick)
    from assessor.questionnaire.bank import load_bank

    bank = load_bank()
    results = [measure(bank, n_roles, n_resps, runs[(n_roles, n_resps)], warm) for n_roles, n_resps in SIZES]
    report(results)
    return common.finish(args)


if __name__ == "__main__":
    sys.exit(main())
