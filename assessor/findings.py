"""A finding: one small frozen record of something a consultant should act on."""
from __future__ import annotations

from dataclasses import dataclass

from assessor.rulebase.facts import Evidence

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}


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

    def sort_key(self):
        return (SEVERITY_ORDER.get(self.severity, 9), self.category, self.rule, self.subject, self.id)

    def to_dict(self) -> dict:
        return {"id": self.id, "rule": self.rule, "severity": self.severity, "category": self.category,
                "subject": self.subject, "message": self.message, "recommendation": self.recommendation,
                "evidence": [e.to_dict() for e in self.evidence]}
