"""The one pipeline: a validated submission -> facts -> rules -> decisions -> Assessment."""
from __future__ import annotations

from assessor.assessment import Assessment
from assessor.classification import decide, tier_settings
from assessor.factbuilder import build_facts
from assessor.model import Submission
from assessor.questionnaire.bank import PMO_TYPES, TIERS, Bank
from assessor.requirements import office_size, requirement_facts, sole_holder_facts
from assessor.targets import resolve, roadmap
from assessor.rulebase import session
from assessor.rulebase.rules import Rulebase
from assessor.scoring import overall


def evaluate(submission: Submission, bank: Bank, rulebase: Rulebase, engine, targets: dict | None = None) -> Assessment:
    factbase = facts_for(submission, bank, rulebase)
    outcome, model, tier = run_rules(factbase, bank, rulebase, engine)
    setting = rulebase.setting
    excluded = tuple(setting("overall_excluded", ()) or ())
    reached: dict[str, int] = {}
    for fact in outcome.derived("maturity_level"):
        d = fact.get("dimension")
        reached[d] = max(reached.get(d, 0), fact.get("level"))
    # Too little evidence (a data-quality setting) gives no level; with enough, a dimension no staged
    # rule awarded a level (a consultant's pack without MAT-L0, say) is below level 1.
    enough = setting("min_answered_share", 0.6)
    levels = {d.dimension: (reached.get(d.dimension, 0) if d.answered_share >= enough else None)
              if d.applicable else None for d in factbase.dimensions}
    scores = {d.dimension: d.score for d in factbase.dimensions}
    overall_level, overall_score = overall(levels, scores, setting("overall_share", 0.5), excluded)
    goals = resolve(levels, targets or {"default": "next", "targets": {}})
    plan = roadmap(factbase.merged, levels, goals, {d.id: d.name for d in bank.dimensions}, excluded)
    return Assessment(submission, bank, rulebase, factbase, outcome, model, tier, levels, overall_level,
                      overall_score, goals, tuple(plan), engine.name)


def facts_for(submission: Submission, bank: Bank, rulebase: Rulebase):
    """The facts of one assessment as this rule base reads them: the office's size band from its
    settings, and the dimensions that describe the remit rather than a practice (overall_excluded)."""
    profile = submission.responses[0]
    size = office_size(profile.profile_value("pmo_fte"), profile.profile_value("active_projects"), rulebase.setting)
    return build_facts(submission, bank, size, tuple(rulebase.setting("overall_excluded", ()) or ()))


def run_rules(factbase, bank: Bank, rulebase: Rulebase, engine):
    """Rule evaluation and explanation for one assessment."""
    evaluation, model, tier = evaluate_rules(factbase, bank, rulebase, engine)
    return session.explain(rulebase, evaluation), model, tier


def evaluate_rules(factbase, bank: Bank, rulebase: Rulebase, engine):
    """Rule evaluation for one assessment: the engine run, with the requirement facts of the
    decided type and tier joining once the first conclusions settle."""
    decided = {}

    def classified(facts):
        # Type and tier are decided from the evidence rules drew; what that office is expected
        # to have (and what the next tier up adds) then enters as requirement facts.
        decided["model"], decided["tier"] = classify(facts, rulebase)
        present = {"role": {r.role_id for r in factbase.organisation.roles},
                   "responsibility": {r.responsibility_id for r in factbase.organisation.responsibilities}}
        held = {r.role_id for r in factbase.organisation.roles if r.holders}
        size = next(f.get("size") for f in factbase.facts if f.kind == "profile")
        # A requirement rests on its row in the workbook: the RACI row (or Roles row) and its cells.
        rows = {(f.kind, f.get(f.kind)): tuple(e for e in f.evidence if not e.attr) for f in factbase.facts
                if f.kind in ("responsibility", "role")}
        coverage = {c.responsibility: c for c in factbase.coverage}
        required = requirement_facts(bank, decided["model"].winner, decided["tier"].winner, size, coverage, present,
                                     held, rulebase.setting("tier_functions"))
        people = {f.get("person"): f for f in factbase.facts if f.kind == "person"}
        names = {f.get("responsibility"): f.get("name") for f in factbase.facts if f.kind == "responsibility"}
        return [(kind, attrs, rows.get((attrs.get("subject"), attrs.get("item")), ())) for kind, attrs in required] \
            + sole_holder_facts(factbase.loads, people, required, coverage, names)

    evaluation = session.evaluate(engine, rulebase, list(factbase.facts), on_settled=classified)
    return evaluation, decided["model"], decided["tier"]


def classify(facts, rulebase: Rulebase):
    setting = rulebase.setting
    derived = [f for f in facts if f.derived_by]
    model = decide(_points([f for f in derived if f.kind == "type_evidence"], "type"),
                   rulebase.possible_points("type_evidence", "type"),
                   list(setting("type_order", PMO_TYPES)), setting("type_threshold", 0.5),
                   setting("runner_up_threshold", 0.25))
    requires, needs = tier_settings(setting)
    evidence = [f for f in derived if f.kind == "tier_evidence"]
    # A tier is its functions: one whose function rule did not fire, or that of a tier it combines, is no
    # fallback and no runner-up ("already does some of the work of a P3MO" of an office with a methodology
    # owner and no centre of excellence; a P3MO awarded to a centre of excellence that runs no programme
    # or portfolio). One its roles and counts alone qualify is awarded, and the key message says which of
    # its functions is not in place.
    fired = {f.derived_by for f in evidence}

    def in_place(t, seen=()) -> bool:  # its own function and those of the tiers it combines (a P3MO's three)
        return (not needs.get(t) or bool(needs[t] & fired)) and all(
            in_place(r, seen + (t,)) for r in requires.get(t, []) if r not in seen)

    eligible = {t for t in TIERS if in_place(t)}
    tier = decide(_points(evidence, "tier"), rulebase.possible_points("tier_evidence", "tier"), list(TIERS),
                  setting("tier_threshold", 0.5), setting("runner_up_threshold", 0.25), requires, eligible)
    return model, tier


def _points(facts, key: str) -> dict:
    totals: dict = {}
    for f in facts:
        totals[f.get(key)] = totals.get(f.get(key), 0) + (f.get("points") or 0)
    return totals
