"""One finished assessment and its ``to_dict()``: the stable machine contract.

Everything reporters show comes from ``to_dict()`` (builtin types only). The
JSON form is documented in README.md and versioned by ``SCHEMA_VERSION``; add
fields freely, but rename or remove only with a new major version.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from assessor import __version__
from assessor.classification import Decision, tier_settings
from assessor.factbuilder import FactBase
from assessor.model import Submission
from assessor.questionnaire.bank import TIER_NAMES, Bank
from assessor.rulebase.facts import Evidence, Fact
from assessor.rulebase.rules import Rulebase
from assessor.rulebase.session import Outcome

SCHEMA_VERSION = "1.0"
COVERAGE_CATEGORIES = ("coverage", "capacity", "resilience", "independence", "governance", "consistency",
                       "next-tier")


@dataclass(frozen=True)
class Assessment:
    submission: Submission
    bank: Bank
    rulebase: Rulebase
    factbase: FactBase
    outcome: Outcome
    model: Decision
    tier: Decision
    levels: dict            # dimension id -> staged level (None when not applicable)
    overall_level: int
    overall_score: float | None
    targets: dict = None    # dimension id -> target level (None when not applicable)
    roadmap: tuple = ()     # items from assessor.targets.roadmap
    engine: str = "durable"  # the rule engine that ran (both reach the same conclusions)

    def to_dict(self) -> dict:
        from assessor.summary import key_messages

        facts = {f.id: f for f in self.outcome.facts}
        data = {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "pmo-assess", "version": __version__, "engine": self.engine},
            "questionnaire": {"id": self.bank.id, "version": self.bank.version, "title": self.bank.title},
            "rulebase": {"files": [_short(f) for f in self.rulebase.files], "rules": len(self.rulebase.rules),
                         "fingerprint": self.rulebase.fingerprint},
            "organisation": self._organisation(),
            "respondents": [self._respondent(r) for r in self.submission.responses],
            "classification": self._classification(facts),
            "maturity": self._maturity(facts),
            "coverage": self._coverage(),
            "roadmap": self._roadmap(),
            "priorities": self._priorities(),
            "findings": [f.to_dict() for f in self.outcome.findings],
            "trace": [self._firing(x, facts) for x in self.outcome.firings],
            "warnings": [{"file": w.file, "location": w.location, "message": w.message, "found": w.found}
                         for w in self.submission.warnings],
        }
        # the key messages read the rest, and come first after who was assessed
        head = ("schema_version", "tool", "questionnaire", "rulebase", "organisation", "respondents")
        return {**{k: data[k] for k in head}, "summary": key_messages(data),
                **{k: v for k, v in data.items() if k not in head}}

    def _organisation(self) -> dict:
        primary = self.factbase.primary
        keys = ("organisation", "pmo_name", "industry", "employees", "active_projects", "active_programmes",
                "pmo_fte", "pmo_head_reports_to", "assessment_date")
        return {k: primary.profile_value(k) for k in keys}

    @staticmethod
    def _respondent(response) -> dict:
        return {"file": response.source, "respondent": response.profile_value("respondent"),
                "role": response.profile_value("respondent_role"),
                "date": response.profile_value("assessment_date"),
                "template_version": response.stamp.version or None}

    def _because(self, facts_of_kind: list[Fact]) -> list[dict]:
        return [{"rule": f.derived_by, "conclusion": f.kind, "reason": f.get("reason", ""),
                 "class": f.get("type", f.get("tier")), "points": f.get("points"),
                 "evidence": [e.to_dict() for e in f.evidence]}
                for f in sorted(facts_of_kind, key=lambda f: (-(f.get("points") or 0), f.derived_by))]

    def _classification(self, facts) -> dict:
        type_facts = self.outcome.derived("type_evidence")
        tier_facts = self.outcome.derived("tier_evidence")
        chosen = [f for f in type_facts if f.get("type") == self.model.winner] + \
                 [f for f in tier_facts if f.get("tier") == self.tier.winner]
        return {
            "model": self.model.winner,
            "tier": self.tier.winner,
            "tier_name": TIER_NAMES[self.tier.winner],
            "confidence": {"model": self.model.confidence, "tier": self.tier.confidence},
            "runner_up": {"model": self.model.runner_up, "tier": self.tier.runner_up,
                          "tier_name": TIER_NAMES.get(self.tier.runner_up)},
            "support": {"model": dict(self.model.support),
                        "tier": {str(k): v for k, v in self.tier.support.items()}},
            "size": next((f.get("size") for f in self.factbase.facts if f.kind == "profile"), None),
            # awarded on its roles and counts: the functions of the tier the office does not run itself
            "functions_not_run": self._functions_to_take_on(self.tier.winner),
            "because": self._because(chosen),
            "evidence": {"model": self._because(type_facts), "tier": self._because(tier_facts)},
        }

    def _maturity(self, facts) -> dict:
        from assessor.scoring import caps

        by_dimension = {}
        for f in self.outcome.derived("maturity_level"):
            by_dimension.setdefault(f.get("dimension"), []).append(f)
        crit = {}
        for c in self.factbase.criteria:
            crit.setdefault(c.dimension, []).append(c)
        dimensions = []
        for d in self.factbase.dimensions:
            levels = sorted(by_dimension.get(d.dimension, []), key=lambda f: f.get("level"))
            top = levels[-1] if levels else None
            level, target = self.levels[d.dimension], (self.targets or {}).get(d.dimension)
            status = "not applicable" if not d.applicable else "insufficient evidence" if level is None else "assessed"
            capped = caps(list(self.factbase.merged), d.dimension, level) if level is not None else []
            dimensions.append({
                "id": d.dimension, "name": d.name, "level": level, "score": d.score, "status": status,
                "target": target, "gap": (target - level) if level is not None and target is not None else None,
                "applicable": d.applicable, "questions": d.questions, "answered": d.answered,
                "not_applicable": d.not_applicable, "dont_know": d.dont_know, "unanswered": d.unanswered,
                "criteria": [{"level": c.level, "score": c.score, "applicable": c.applicable, "answered": c.answered,
                              "floor": c.floor, "met": c.met}
                             for c in sorted(crit.get(d.dimension, []), key=lambda c: c.level)],
                "next_level": level + 1 if level is not None and level < 5 else None,
                "capped_by": [_cap(m) for m in capped],
                "because": {"rule": top.derived_by if top else None,
                            "evidence": [e.to_dict() for e in top.evidence] if top else []},
            })
        answers = [{"question": m.question.id, "dimension": m.question.dimension, "level": m.question.level,
                    "text": m.question.text, "status": m.status, "value": m.value, "low": m.low, "high": m.high,
                    "weight": m.question.weight, "action": m.question.action,
                    "responses": [{"file": file, "respondent": who, "cell": a.cell, "answer": a.raw,
                                   "status": a.status, "value": a.value, "evidence": a.evidence,
                                   "evidence_cell": a.evidence_cell} for file, who, a in m.answers if a.cell]}
                   for m in self.factbase.merged]
        return {"overall": self._overall(dimensions), "dimensions": dimensions, "answers": answers}

    def _overall(self, dimensions: list[dict]) -> dict:
        excluded = set(self.rulebase.setting("overall_excluded", ()) or ())
        counted = [d for d in dimensions if d["level"] is not None and d["id"] not in excluded]
        lowest = min((d["level"] for d in counted), default=None)
        highest = max((d["level"] for d in counted), default=None)
        share = self.rulebase.setting("overall_share", 0.5)
        return {"level": self.overall_level, "score": self.overall_score,
                "method": "median" if share == 0.5 else f"the level at least {share:.0%} of them reach",
                "dimensions": len(counted),
                "weakest": {"level": lowest, "dimensions": [d["id"] for d in counted if d["level"] == lowest]},
                "strongest": {"level": highest, "dimensions": [d["id"] for d in counted if d["level"] == highest]},
                "not_assessed": [d["id"] for d in dimensions if d["status"] == "insufficient evidence"
                                 and d["id"] not in excluded]}

    def _priorities(self) -> list[dict]:
        from assessor.findings import priorities

        return [{"rank": rank, "finding": f.id, "rule": f.rule, "title": self.rulebase.rule(f.rule).title,
                 "severity": f.severity, "category": f.category,
                 "subject": f.subject, "message": f.message, "recommendation": f.recommendation}
                for rank, f in enumerate(priorities(self.outcome.findings), start=1)]

    @cached_property
    def phased(self) -> tuple[list[dict], list[dict]]:
        """(roadmap items in order, phases): ``assessor.roadmap.plan`` over this assessment."""
        from assessor.roadmap import plan

        requirements = [f.attrs for f in self.outcome.facts if f.kind == "requirement"]
        staffed = frozenset(r.role_id for r in self.factbase.organisation.roles if r.holders)
        accountable = {c.responsibility: c.accountable_held for c in self.factbase.coverage}
        return plan(list(self.roadmap), self.factbase.merged, requirements, self.bank, self.model.winner,
                    self.rulebase.setting("roadmap"), TIER_NAMES.get(self.tier.winner + 1), staffed, accountable,
                    {r.role_id: r.name for r in self.factbase.organisation.roles if r.name})

    def _roadmap(self) -> dict:
        tier = self.tier.winner
        needs = sorted(self.outcome.derived("next_tier_need"), key=lambda f: (f.get("function", ""), f.get("item")))
        # the name is quoted: "Plan capacity against demand" and "Benefits management" both read well
        missing = [{"rule": f.derived_by, "subject": f.get("item"), "name": f.get("name"), "function": f.get("function"),
                    "message": f"To operate as {f.get('reason')}, the office needs an owner for “{f.get('name')}” "
                               f"({f.get('item')}): nobody covers it today.",
                    "recommendation": f"Plan who will be Accountable and Responsible for {f.get('item')} "
                                      "before moving up a tier."}
                   for f in needs]
        items, phases = self.phased
        return {"items": items, "phases": phases,
                "next_tier": {"tier": tier + 1 if tier < 4 else None,
                              "tier_name": TIER_NAMES.get(tier + 1), "missing": missing,
                              "functions": self._functions_to_take_on(tier + 1)}}

    def _functions_to_take_on(self, tier: int) -> list[dict]:
        """The function rules (tier_function_rules) of ``tier`` and of the tiers it requires that did not
        fire: what the office would have to run, not only staff, to be that tier."""
        requires, needs = tier_settings(self.rulebase.setting)
        fired = {f.derived_by for f in self.outcome.derived("tier_evidence")}
        tiers, todo = [], [tier] if tier <= 4 else []
        while todo:
            t = todo.pop(0)
            if t not in tiers:
                tiers.append(t)
                todo += requires.get(t, [])
        # a level none could be given for want of answers (not one that does not apply: that function is absent)
        levelled = {f.get("dimension") for f in self.outcome.derived("maturity_level")} | {
            d.dimension for d in self.factbase.dimensions if not d.applicable}
        out = []
        for t in sorted(tiers):
            rules = needs.get(t, set())
            if rules and not fired & rules:
                out += [{"rule": r, "tier": t, "title": self.rulebase.rule(r).title,
                         "judged": not _unlevelled(self.rulebase.rule(r), levelled)} for r in sorted(rules)]
        return out

    def _coverage(self) -> dict:
        organisation = self.factbase.organisation
        names = {r.responsibility_id: r.name for r in organisation.responsibilities}
        required = {}
        for f in self.outcome.facts:
            if f.kind == "requirement":
                required[(f.get("subject"), f.get("item"))] = f.get("scope")
        flagged: dict[str, list[str]] = {}
        for finding in self.outcome.findings:
            if finding.category in COVERAGE_CATEGORIES:
                for subject in finding.subjects():
                    flagged.setdefault(subject, []).append(finding.rule)
        rows = []
        for c in self.factbase.coverage:
            if len(c.accountable) > 1:
                status = "several accountable"
            elif c.accountable_held and c.responsible_held:
                status = "covered"
            elif c.accountable_held:
                status = "accountable does the work"
            elif c.accountable:
                status = "accountable role not held"
            elif c.responsible or c.consulted or c.informed:
                status = "no accountable"
            else:
                status = "not assigned"
            rows.append({"id": c.responsibility, "name": names.get(c.responsibility, ""),
                         "required": required.get(("responsibility", c.responsibility)),
                         "accountable": list(c.accountable), "responsible": list(c.responsible),
                         "consulted": list(c.consulted), "informed": list(c.informed),
                         "people": list(c.people), "status": status,
                         "findings": sorted(set(flagged.get(c.responsibility, []))),
                         "cells": [ref for _, ref in c.cells], "evidence": self._cells(c.cells)})
        people = [{"person": load.person, "roles": list(load.roles), "fte": load.fte, "accountable": load.accountable,
                   "responsible": load.responsible, "sole_critical": list(load.sole_critical),
                   "findings": sorted(set(flagged.get(load.person, []))), "cells": [ref for _, ref in load.cells],
                   "evidence": self._cells(load.cells)}
                  for load in self.factbase.loads]
        roles = [{"id": r.role_id, "name": r.name, "holders": list(r.holders), "fte": r.fte, "in_pmo": r.in_pmo,
                  "reports_to": r.reports_to, "required": required.get(("role", r.role_id)),
                  "findings": sorted(set(flagged.get(r.role_id, []))), "cell": r.cell, "file": r.source}
                 for r in organisation.roles]
        return {"responsibilities": rows, "people": people, "roles": roles}

    @cached_property
    def _respondents(self) -> dict[str, str]:
        return {r.source: r.respondent for r in self.submission.responses}

    def _cells(self, cells) -> list[dict]:
        """(file, cell) pairs as evidence items: with Roles and RACI merged over several respondents,
        ``cells`` alone does not say whose workbook a cell is in."""
        values = self.factbase.cell_values or {}
        names = self._respondents
        out = []
        for file, ref in cells:
            sheet, _, cell = ref.partition("!")
            out.append(Evidence(file, sheet, cell, values.get((file, ref), ""), names.get(file, file)).to_dict())
        return out

    @staticmethod
    def _firing(firing, facts) -> dict:
        return {"rule": firing.rule,
                "matched": [{"as": alias, "fact": fid, "label": facts[fid].label(),
                             "cells": [f"{e.file} {e.ref}" for e in facts[fid].evidence]}
                            for alias, fid in firing.bindings],
                "concluded": facts[firing.concluded].label() if firing.concluded else None,
                "finding": firing.finding}


def _cap(m) -> dict:
    """One practice that stops its dimension's next level, with the cells that say so."""
    return {"question": m.question.id, "level": m.question.level, "text": m.question.text, "status": m.status,
            "value": m.value, "cells": [{"file": file, "cell": a.cell, "answer": a.raw} for file, _, a in m.answers
                                        if a.cell]}


def _short(path: str) -> str:
    from pathlib import Path

    p = Path(path)
    return f"{p.parent.name}/{p.name}" if p.parent.name else p.name


def _unlevelled(rule, levelled: set) -> list[str]:
    """The dimensions a function rule asks a staged level of that have none for too little evidence
    (``levelled``: those with a level, or not applicable): the rule could not fire for want of answers,
    so whether the function is in place is not known."""
    wanted = {t.value for alternative in rule.alternatives for p in alternative
              if p.kind == "maturity_level" and not p.negated for t in p.tests if t.attr == "dimension" and t.op == "eq"}
    return sorted(d for d in wanted if d not in levelled)
