"""What an office of a given type and tier is expected to have: requirement facts.

Requirements are data: each role and responsibility in the catalogues lists the
tiers and PMO types that expect it (questionnaires/roles.yaml and
responsibilities.yaml, or a consultant's own catalogues). "current" requirements
are those of the office's own type and tier; "next" are the ones the next tier
up adds, which is what the office lacks to grow.
"""
from __future__ import annotations

from assessor.questionnaire.bank import TIER_NAMES, Bank


def requirement_facts(bank: Bank, model: str, tier: int) -> list[tuple[str, dict]]:
    out = []
    for subject, items in (("role", bank.roles), ("responsibility", bank.responsibilities)):
        for item in items:
            if model not in item.types:
                continue
            if tier in item.tiers:
                out.append(("requirement", {"subject": subject, "item": item.id, "name": item.name, "scope": "current",
                                            "tier": tier, "type": model,
                                            "reason": f"a {model} {TIER_NAMES[tier]} (tier {tier})"}))
            elif tier < 4 and tier + 1 in item.tiers:
                out.append(("requirement", {"subject": subject, "item": item.id, "name": item.name, "scope": "next",
                                            "tier": tier + 1, "type": model,
                                            "reason": f"a {model} {TIER_NAMES[tier + 1]} (tier {tier + 1})"}))
    return out
