"""What an office of a given type and tier is expected to have: requirement facts.

Requirements are data: each role and responsibility in the catalogues lists the
tiers and PMO types that expect it (questionnaires/roles.yaml and
responsibilities.yaml, or a consultant's own catalogues). "current" requirements
are those of the office's own type and tier; "next" are the ones the next tier
up adds, which is what the office lacks to grow.
"""
from __future__ import annotations

from assessor.questionnaire.bank import TIER_NAMES, Bank


def requirement_facts(bank: Bank, model: str, tier: int, present: dict[str, set] | None = None
                      ) -> list[tuple[str, dict]]:
    """``present``: the role and responsibility ids that have a row in the workbook; a requirement
    says whether its row exists, so "missing from the sheet" needs no absence rule (cheaper)."""
    present = present or {}
    out = []
    for attrs in _expected(bank, model, tier):
        rows = present.get(attrs["subject"])
        out.append(("requirement", {**attrs, "present": rows is None or attrs["item"] in rows}))
    return out


def _expected(bank: Bank, model: str, tier: int) -> tuple[dict, ...]:
    """What the catalogues expect of this type and tier (and the next tier up), worked out once
    per bank: the same few combinations recur across every assessment a bank is used for."""
    cache = bank.__dict__.setdefault("_expected", {})
    if (model, tier) not in cache:
        cache[model, tier] = tuple(_work_out(bank, model, tier))
    return cache[model, tier]


def _work_out(bank: Bank, model: str, tier: int):
    for subject, items in (("role", bank.roles), ("responsibility", bank.responsibilities)):
        for item in items:
            if model not in item.types:
                continue
            if tier in item.tiers:
                scope, at = "current", tier
            elif tier < 4 and tier + 1 in item.tiers:
                scope, at = "next", tier + 1
            else:
                continue
            yield {"subject": subject, "item": item.id, "name": item.name, "scope": scope, "tier": at,
                   "type": model, "reason": f"a {model} {TIER_NAMES[at]} (tier {at})"}
