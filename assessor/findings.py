"""A finding: one small frozen record of something a consultant should act on.

One root cause gives one finding: a rule may group its matches (``group:`` in the
rule file), and the single matches then become the finding's ``details``.
"""
from __future__ import annotations

from dataclasses import dataclass

from assessor.rulebase.facts import Evidence

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
PRIORITIES = 5                       # how many findings lead the summaries
PRIORITY_SEVERITIES = ("critical", "high", "medium", "low")  # info is never a priority


@dataclass(frozen=True)
class Detail:
    """One match of a grouped finding: what exactly is wrong, and where."""
    subject: str
    message: str
    evidence: tuple[Evidence, ...]

    def to_dict(self) -> dict:
        return {"subject": self.subject, "message": self.message, "evidence": [e.to_dict() for e in self.evidence]}


@dataclass(frozen=True)
class Finding:
    id: str
    rule: str
    severity: str
    category: str
    subject: str
    message: str
    recommendation: str
    evidence: tuple[Evidence, ...]
    facts: tuple[int, ...]  # fact ids the rule matched, for the trace
    details: tuple[Detail, ...] = ()
    weight: float = 1.0     # importance within its severity (a group: the rule's weight times its matches)

    def sort_key(self):
        """Priority order: severity, then weight, then a stable tie-break."""
        return (SEVERITY_ORDER.get(self.severity, 9), -self.weight, self.category, self.rule, self.subject, self.id)

    def subjects(self) -> tuple[str, ...]:
        """What the finding is about: its details' subjects when grouped, else its own subject."""
        return tuple(d.subject for d in self.details) or (self.subject,)

    def to_dict(self) -> dict:
        return {"id": self.id, "rule": self.rule, "severity": self.severity, "category": self.category,
                "subject": self.subject, "message": self.message, "recommendation": self.recommendation,
                "weight": self.weight, "evidence": [e.to_dict() for e in self.evidence],
                "details": [d.to_dict() for d in self.details]}


def priorities(findings) -> list[Finding]:
    """The findings that lead every summary: the first few in priority order, info left out."""
    ranked = sorted((f for f in findings if f.severity in PRIORITY_SEVERITIES), key=Finding.sort_key)
    return ranked[:PRIORITIES]
