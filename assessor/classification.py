"""Turning points of evidence into a PMO type or tier, with confidence and runner-up.

Pure. Rules conclude evidence facts worth points for one class; the rule base
also tells how many points each class could get at most. A class's support is
the share of its possible points that fired. Classes are ordered (degree of
control, or scope), and the award goes to the highest class whose support
reaches the threshold and whose prerequisites also do.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    winner: object
    confidence: float
    runner_up: object | None
    support: dict          # class -> share of its possible points (0..1)


def decide(points: dict, possible: dict, order: list, threshold: float, runner_up_threshold: float,
           requires: dict | None = None, eligible: set | None = None) -> Decision:
    """``requires``: class -> the classes that must qualify with it (a P3MO is a programme office and a
    portfolio office); ``eligible``: the classes whose defining evidence is there (a tier whose function
    rule fired), None for every class. A class qualifies on its support; with none qualified the best
    supported eligible class wins, else the first; only an eligible class is a runner-up."""
    requires = requires or {}
    support = {c: round(points.get(c, 0) / possible[c], 4) if possible.get(c) else 0.0 for c in order}
    allowed = set(order) if eligible is None else set(eligible)

    def qualifies(c, seen=()):
        if support[c] < threshold:
            return False
        return all(qualifies(r, seen + (c,)) for r in requires.get(c, []) if r not in seen)

    qualified = [c for c in order if qualifies(c)]
    candidates = [c for c in order if c in allowed and support[c]]
    if qualified:
        winner = qualified[-1]
    elif candidates:
        winner = max(candidates, key=lambda c: (support[c], -order.index(c)))
    else:
        winner = order[0]
    i = order.index(winner)
    higher = order[i + 1] if i + 1 < len(order) else None
    lower = order[i - 1] if i > 0 else None
    # Evidence for the next class up pulls the award into doubt; none means the support stands.
    confidence = support[winner] * (1 - 0.5 * support[higher]) if higher else support[winner]
    # The runner-up is a class the office could be: "already does some of the work of a P3MO" said of
    # one with a methodology owner in post and no centre of excellence overstated it.
    runner_up = None
    if higher and support[higher] >= runner_up_threshold and higher in allowed:
        runner_up = higher
    elif lower and support[winner] < 0.75 and support[lower] >= runner_up_threshold and lower in allowed:
        runner_up = lower
    return Decision(winner, round(confidence, 2), runner_up, support)


def tier_settings(setting) -> tuple[dict[int, list[int]], dict[int, set[str]]]:
    """(tier_requires, tier_function_rules) of a rule base (``Rulebase.setting``), keyed by tier: the
    tiers each needs beside it, and the rules one of which must fire for its function to be in place."""
    requires = {int(k): [int(x) for x in v] for k, v in (setting("tier_requires", {}) or {}).items()}
    functions = {int(k): set(v) for k, v in (setting("tier_function_rules", {}) or {}).items()}
    return requires, functions

