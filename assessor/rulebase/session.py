"""Drive one engine through one assessment: derive until nothing new, then absence rules.

Shared by the durable-rules adapter and the reference evaluator, so both give
the same facts, firings and findings: matches are sorted before they are
interpreted, derived facts get ids in that order, and a conclusion already
known is recorded as extra support rather than asserted twice.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, replace

from assessor.findings import Finding
from assessor.rulebase.facts import PHASE_KIND, Evidence, Fact, normalise
from assessor.rulebase.matching import test_holds
from assessor.rulebase.rules import TEMPLATE_FIELD, Ref, Rule, Rulebase
from assessor.xlsx import cell_order

MAX_ROUNDS = 50  # derivation depth; a rule base needing more is looping


@dataclass(frozen=True)
class Firing:
    rule: str
    bindings: tuple[tuple[str, int], ...]  # (alias, fact id)
    concluded: int | None = None            # derived fact id (new or already known)
    finding: str | None = None              # finding id


@dataclass(frozen=True)
class Outcome:
    facts: tuple[Fact, ...]
    firings: tuple[Firing, ...]
    findings: tuple[Finding, ...]

    def derived(self, kind: str) -> list[Fact]:
        return [f for f in self.facts if f.kind == kind and f.derived_by]


class _Feed:
    """What of each fact goes to the engine: only facts some pattern could accept (judged on its
    literal tests alone, so no possible match is lost), and only the attributes rules test.
    Both engines see the same feed; the full facts stay here for explanations and messages.
    Screens are indexed by an equality test (question, role, level...) so most facts are
    judged by one dictionary look-up: the feed must cost less than the engine time it saves."""

    def __init__(self, rulebase: Rulebase):
        cached = rulebase.__dict__.get("_feed")
        if cached is None:
            cached = _build_feed(rulebase)
            object.__setattr__(rulebase, "_feed", cached)
        self.plans, self.attrs, self.late = cached

    def accepts_late(self, fact: Fact, fed: list[Fact]) -> bool:
        """For facts added after the first derivations settle (requirements): also require, for
        each equality join to a kind no rule concludes, a partner among the facts already fed.
        Such partners cannot arrive later, so nothing that could match is dropped; it saves the
        engine the requirement facts whose role or responsibility is fine (most of them)."""
        if not self.accepts(fact):
            return False
        for screen, probes in self.late.get(fact.kind, ()):
            if not screen(fact.attrs):
                continue
            if all(fact.attrs.get(own, _MISSING) in self._partners(kind, partner, attr, fed)
                   for kind, partner, attr, own in probes):
                return True
        return False

    def _partners(self, kind, screen, attr, fed) -> set:
        """Values of ``attr`` among the fed facts of ``kind`` that pass ``screen`` (cached per batch)."""
        cache = self.__dict__.setdefault("_partner_cache", {})
        key = (id(screen), attr, len(fed))
        if key not in cache:
            by_kind = cache.get(("by_kind", len(fed)))
            if by_kind is None:
                by_kind = {}
                for f in fed:
                    by_kind.setdefault(f.kind, []).append(f)
                cache[("by_kind", len(fed))] = by_kind
            cache[key] = {f.attrs.get(attr) for f in by_kind.get(kind, ()) if screen(f.attrs)}
        return cache[key]

    def accepts(self, fact: Fact) -> bool:
        plan = self.plans.get(fact.kind)
        if plan is None:
            return False
        attrs = fact.attrs
        opens, keyed = plan
        for screen in opens:
            if screen(attrs):
                return True
        for attr, by_value in keyed:
            value = attrs.get(attr)
            if value is None or value is True or value is False:
                continue
            screens = by_value.get(value)
            if screens:
                for screen in screens:
                    if screen(attrs):
                        return True
        return False

    def payload(self, fact: Fact) -> dict:
        wanted = self.attrs.get(fact.kind, ())
        return {"id": fact.id, "kind": fact.kind, **{k: v for k, v in fact.attrs.items() if k in wanted}}


_MISSING = object()


def _build_feed(rulebase: Rulebase):
    open_screens: dict[str, list] = {}
    keyed: dict[str, dict[str, dict]] = {}
    attrs: dict[str, set] = {}
    late: dict[str, list] = {}
    concluded = {r.conclusion.kind for r in rulebase.rules if r.conclusion}
    for rule in rulebase.rules:
        for alt in rule.alternatives:
            for p in alt:
                if p.negated:
                    continue
                probes = []
                for other in alt:
                    if other is p or other.negated or other.kind in concluded:
                        continue
                    for t in other.tests:
                        if isinstance(t.value, Ref) and t.value.alias == p.alias and t.op == "eq":
                            partner = _screen(tuple(x for x in other.tests if not isinstance(x.value, Ref)),
                                              other.any_of)
                            probes.append((other.kind, partner, t.attr, t.value.attr))
                literal = tuple(t for t in p.tests if not isinstance(t.value, Ref))
                late.setdefault(p.kind, []).append((_screen(literal, p.any_of), tuple(probes)))
    for rule in rulebase.rules:
        for alt in rule.alternatives:
            for p in alt:
                literal = tuple(t for t in p.tests if not isinstance(t.value, Ref))
                screen = _screen(literal, p.any_of)
                key = next((t for t in literal if t.op in ("eq", "in") and not isinstance(t.value, bool)), None)
                if key is None:
                    open_screens.setdefault(p.kind, []).append(screen)
                else:
                    slot = keyed.setdefault(p.kind, {}).setdefault(key.attr, {})
                    for value in (key.value if key.op == "in" else (key.value,)):
                        slot.setdefault(value, []).append(screen)
                attrs.setdefault(p.kind, set()).update(t.attr for t in p.tests + tuple(x for g in p.any_of for x in g))
                for other in alt:
                    for t in other.tests:
                        if isinstance(t.value, Ref) and t.value.alias == p.alias:
                            attrs[p.kind].add(t.value.attr)
    # Per fact kind: (open screens, ((key attribute, value -> screens), ...)), as tuples for speed.
    plans = {k: (tuple(open_screens.get(k, ())), tuple(keyed.get(k, {}).items()))
             for k in set(open_screens) | set(keyed)}
    return plans, attrs, late


def _screen(tests, any_of):
    checks = [_literal_check(t) for t in tests]
    groups = [_all(tuple(_literal_check(t) for t in g)) for g in any_of]
    every = _all(tuple(checks))
    if not groups:
        return every
    if len(groups) == 1:
        only = groups[0]
        return lambda a: every(a) and only(a)
    groups = tuple(groups)
    return lambda a: every(a) and any(g(a) for g in groups)


def _all(checks: tuple):
    """One predicate for a conjunction, with as few Python calls as the common sizes allow."""
    if not checks:
        return lambda a: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        c1, c2 = checks
        return lambda a: c1(a) and c2(a)
    if len(checks) == 3:
        c1, c2, c3 = checks
        return lambda a: c1(a) and c2(a) and c3(a)
    return lambda a: all(c(a) for c in checks)


_NUMERIC = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le, "eq": operator.eq,
            "ne": operator.ne}


def _literal_check(test):
    """A fast predicate for one literal test, with the semantics of ``matching.test_holds``."""
    attr, op, value = test.attr, test.op, test.value
    if op == "exists":
        return (lambda a: attr in a) if value else (lambda a: attr not in a)
    if op in _NUMERIC and isinstance(value, (int, float)) and not isinstance(value, bool):
        compare = _NUMERIC[op]
        # A missing attribute, a flag or text never satisfies a numeric test.
        return lambda a: type(a.get(attr)) in (int, float) and compare(a[attr], value)
    if op == "eq":
        return lambda a: a.get(attr, _MISSING) == value and type(a.get(attr)) is type(value)
    if op == "in" and all(isinstance(v, str) for v in value):
        allowed = frozenset(value)
        return lambda a: isinstance(a.get(attr), str) and a[attr] in allowed
    return lambda a: test_holds(test, a, {})


@dataclass
class Evaluation:
    """What the engine concluded, before explanations (cells, messages) are attached."""
    by_id: dict
    firings: list          # (rule id, alternative, bindings, concluded fact id or None), in firing order
    derived: dict          # derived fact id -> (rule id, alternative, bindings) that first concluded it


def run(engine, rulebase: Rulebase, facts: list[Fact], on_settled=None) -> Outcome:
    """Run the rule base over ``facts`` and explain every conclusion down to its cells."""
    return explain(rulebase, evaluate(engine, rulebase, facts, on_settled))


def evaluate(engine, rulebase: Rulebase, facts: list[Fact], on_settled=None) -> Evaluation:
    """The engine run. ``on_settled(facts)``, called once when the first derivations settle, may
    return more facts as (kind, attrs, evidence): the pipeline uses it to add requirement facts
    once the type and tier are decided."""
    by_id = {f.id: f for f in facts}
    feed = _Feed(rulebase)
    firings: list = []
    derived: dict = {}
    known: dict[tuple, int] = {}
    next_id = max(by_id, default=0) + 1
    engine.open()
    try:
        new = [f for f in facts if feed.accepts(f)]
        fed = list(new)
        for _ in range(MAX_ROUNDS):
            if not new and on_settled is not None:
                later, on_settled = on_settled([by_id[i] for i in sorted(by_id)]), None
                fed_so_far = list(fed)
                late_kinds = {kind for kind, _, _ in later}
                for kind, attrs, evidence in later:
                    fact = Fact(next_id, kind, normalise(attrs), tuple(evidence))
                    by_id[next_id] = fact
                    next_id += 1
                    # Partners may be judged only when none of their kind arrive in this batch.
                    partners_final = not (late_kinds - {kind})
                    if (feed.accepts_late(fact, fed_so_far) if partners_final else feed.accepts(fact)):
                        new.append(fact)
            if not new:
                break
            matches = sorted(engine.add([feed.payload(f) for f in new]), key=lambda m: _order(rulebase, m))
            fed.extend(new)
            new = []
            for rule_id, alt, bindings in matches:
                rule = rulebase.rule(rule_id)
                if rule.conclusion is None:
                    firings.append((rule_id, alt, bindings, None))
                    continue
                attrs = normalise({attr: (by_id[dict(bindings)[v.alias]].get(v.attr) if isinstance(v, Ref) else v)
                                   for attr, v in rule.conclusion.values})
                key = (rule.conclusion.kind, tuple(sorted(attrs.items())))
                if key not in known:
                    fact = Fact(next_id, rule.conclusion.kind, attrs, (), rule.id, tuple(fid for _, fid in bindings))
                    by_id[next_id] = fact
                    known[key] = next_id
                    derived[next_id] = (rule_id, alt, bindings)
                    next_id += 1
                    if feed.accepts(fact):
                        new.append(fact)
                firings.append((rule_id, alt, bindings, known[key]))
        else:
            raise RuntimeError(f"rule base still deriving after {MAX_ROUNDS} rounds: a rule loop")
        if any(rule.absence for rule in rulebase.rules):  # no absence rules: no phase round
            phase = Fact(next_id, PHASE_KIND, {"name": "absence"})
            for rule_id, alt, bindings in sorted(engine.add([{"id": phase.id, "kind": PHASE_KIND}]),
                                                 key=lambda m: _order(rulebase, m)):
                firings.append((rule_id, alt, bindings, None))
    finally:
        engine.close()
    return Evaluation(by_id, firings, derived)


def explain(rulebase: Rulebase, evaluation: Evaluation) -> Outcome:
    """Attach to every derived fact the cells it rests on (premises first: ids only grow), then
    turn finding firings into findings with their messages and cells."""
    by_id = dict(evaluation.by_id)
    for fid in sorted(evaluation.derived):
        rule_id, alt, bindings = evaluation.derived[fid]
        bound = {alias: by_id[f] for alias, f in bindings}
        by_id[fid] = replace(by_id[fid], evidence=_evidence(rulebase.rule(rule_id), alt, bound))
    firings: list[Firing] = []
    findings: dict[str, Finding] = {}
    for rule_id, alt, bindings, concluded in evaluation.firings:
        rule = rulebase.rule(rule_id)
        if concluded is not None:
            firings.append(Firing(rule_id, bindings, concluded=concluded))
            continue
        bound = {alias: by_id[f] for alias, f in bindings}
        firings.append(_finding(rule, alt, bindings, bound, findings))
    ordered = sorted(findings.values(), key=Finding.sort_key)
    return Outcome(tuple(by_id[i] for i in sorted(by_id)), tuple(firings), tuple(ordered))


def _order(rulebase: Rulebase, match):
    rule_id, alt, bindings = match
    return (rulebase.rule(rule_id).priority, rule_id, alt, bindings)


def _evidence(rule: Rule, alternative: int, bound: dict[str, Fact]) -> tuple[Evidence, ...]:
    """The cells a firing rests on: of each matched fact, the cells behind the attributes the rule
    looked at (a role's FTE cell only when the rule tested FTE), plus cells behind the whole fact."""
    looked_at = _attributes_used(rule, alternative)
    seen = {}
    for alias, fact in bound.items():
        wanted = looked_at.get(alias, ())
        for e in fact.evidence:
            if not e.attr or e.attr in wanted:
                seen.setdefault((e.file, e.sheet, e.cell, e.respondent), e)
    return tuple(seen[k] for k in sorted(seen, key=_evidence_key))


def _evidence_key(key):
    file, sheet, cell, respondent = key
    return (file, cell_order(f"{sheet}!{cell}"), respondent)


def _attributes_used(rule: Rule, alternative: int) -> dict[str, frozenset]:
    cache = rule.__dict__.get("_used")
    if cache is None:
        cache = {i: _compute_attributes_used(rule, i) for i in range(len(rule.alternatives))}
        object.__setattr__(rule, "_used", cache)  # rules are immutable: compute once
    return cache[alternative]


def _compute_attributes_used(rule: Rule, alternative: int) -> dict[str, frozenset]:
    patterns = rule.alternatives[alternative]
    used: dict[str, set] = {p.alias: set() for p in patterns}
    for p in patterns:
        tests = p.tests + tuple(t for g in p.any_of for t in g)
        if not p.negated:
            used[p.alias].update(t.attr for t in tests)
        for t in tests:
            if isinstance(t.value, Ref):
                used.setdefault(t.value.alias, set()).add(t.value.attr)
    texts = []
    if rule.finding:
        texts = [rule.finding.subject, rule.finding.message, rule.finding.recommendation]
    for text in texts:
        for alias, attr in TEMPLATE_FIELD.findall(text):
            used.setdefault(alias, set()).add(attr)
    if rule.conclusion:
        for _, v in rule.conclusion.values:
            if isinstance(v, Ref):
                used.setdefault(v.alias, set()).add(v.attr)
    return {alias: frozenset(attrs) for alias, attrs in used.items()}


def render(template: str, bound: dict[str, Fact]) -> str:
    def field(m):
        fact = bound.get(m.group(1))
        value = fact.get(m.group(2)) if fact else None
        return "" if value is None else _show(value)

    return TEMPLATE_FIELD.sub(field, template)


def _show(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _finding(rule: Rule, alternative: int, bindings, bound: dict[str, Fact], findings: dict) -> Firing:
    spec = rule.finding
    subject = render(spec.subject, bound)
    base = f"{rule.id}:{subject}" if subject else rule.id
    fid, n = base, 2
    while fid in findings:
        fid, n = f"{base}#{n}", n + 1
    findings[fid] = Finding(fid, rule.id, spec.severity, spec.category, subject, render(spec.message, bound),
                            render(spec.recommendation, bound), _evidence(rule, alternative, bound),
                            tuple(f for _, f in bindings))
    return Firing(rule.id, bindings, finding=fid)
