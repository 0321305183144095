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
    for subject, items in (("role", bank.roles), ("responsibility", bank.responsibilities)):
        rows = present.get(subject)
        for item in items:
            if model not in item.types:
                continue
            if tier in item.tiers:
                scope, at = "current", tier
            elif tier < 4 and tier + 1 in item.tiers:
                scope, at = "next", tier + 1
            else:
                continue
            out.append(("requirement", {"subject": subject, "item": item.id, "name": item.name, "scope": scope,
                                        "tier": at, "type": model, "present": rows is None or item.id in rows,
                                        "reason": f"a {model} {TIER_NAMES[at]} (tier {at})"}))
    return out
