"""Drive one engine through one assessment: derive until nothing new, then absence rules.

Shared by the durable-rules adapter and the reference evaluator, so both give
the same facts, firings and findings: matches are sorted before they are
interpreted, derived facts get ids in that order, and a conclusion already
known is recorded as extra support rather than asserted twice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assessor.findings import Detail, Finding
from assessor.rulebase.facts import PHASE_KIND, Evidence, Fact, normalise
from assessor.rulebase.feed import Feed
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


@dataclass
class Evaluation:
    """What the engine concluded, before explanations (cells, messages) are attached."""
    by_id: dict
    firings: list          # (rule id, alternative, bindings, concluded fact id or None), in firing order
    derived: dict          # derived fact id -> (rule id, alternative, bindings) that first concluded it


def run(engine, rulebase: Rulebase, facts: list[Fact], on_settled=None) -> Outcome:
    """Run the rule base over ``facts`` and explain every conclusion down to its cells."""
    return explain(rulebase, evaluate(engine, rulebase, facts, on_settled))


def _late(feed: Feed, batch: list[Fact], fed: list[Fact]) -> list[Fact]:
    """The late facts to feed, in their order: each kind pruned on its own (``Feed.select_late``), with
    what the other kinds bring counted as fed (a partner it offers may be pruned itself: that only
    keeps a fact that could have gone, never loses one that could match)."""
    kinds = list(dict.fromkeys(f.kind for f in batch))
    if len(kinds) < 2:
        return feed.select_late(batch, fed)
    keep = set()
    for kind in kinds:
        others = feed.select([f for f in batch if f.kind != kind])
        keep.update(f.id for f in feed.select_late([f for f in batch if f.kind == kind], fed + others))
    return [f for f in batch if f.id in keep]


def evaluate(engine, rulebase: Rulebase, facts: list[Fact], on_settled=None) -> Evaluation:
    """The engine run. ``on_settled(derived)``, called once with the facts derived so far when the
    first derivations settle, may return more facts as (kind, attrs, evidence): the pipeline uses
    it to add requirement facts once the type and tier are decided."""
    by_id = {f.id: f for f in facts}
    feed = Feed.of(rulebase)
    firings: list = []
    derived: dict = {}
    known: dict[tuple, int] = {}
    next_id = max(by_id, default=0) + 1
    engine.open()
    try:
        new = feed.select(facts)
        fed = list(new)
        for _ in range(MAX_ROUNDS):
            if not new and on_settled is not None:
                later, on_settled = on_settled([by_id[i] for i in sorted(derived)]), None
                batch = []
                for kind, attrs, evidence in later:
                    fact = Fact(next_id, kind, normalise(attrs), tuple(evidence))
                    by_id[next_id] = fact
                    batch.append(fact)
                    next_id += 1
                new = _late(feed, batch, fed)
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
        by_id[fid] = by_id[fid]._replace(evidence=_evidence(rulebase.rule(rule_id), alt, bound))
    firings: list[Firing] = []
    findings: dict[str, Finding] = {}
    groups: dict[str, list] = {}
    for rule_id, alt, bindings, concluded in evaluation.firings:
        rule = rulebase.rule(rule_id)
        if concluded is not None:
            firings.append(Firing(rule_id, bindings, concluded=concluded))
            continue
        bound = {alias: by_id[f] for alias, f in bindings}
        firings.append(_finding(rule, alt, bindings, bound, findings, groups))
    for gid, matches in groups.items():
        findings[gid] = _grouped(gid, matches)
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
        if rule.finding.group:
            texts += [rule.finding.group.by, rule.finding.group.subject, rule.finding.group.message,
                      rule.finding.group.recommendation, rule.finding.group.item]
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


def _finding(rule: Rule, alternative: int, bindings, bound: dict[str, Fact], findings: dict, groups: dict) -> Firing:
    spec = rule.finding
    subject = render(spec.subject, bound)
    one = Finding("", rule.id, spec.severity, spec.category, subject, render(spec.message, bound),
                  render(spec.recommendation, bound), _evidence(rule, alternative, bound),
                  tuple(f for _, f in bindings), weight=spec.weight)
    if spec.group is not None:
        key = render(spec.group.by, bound)
        gid = f"{rule.id}:{key}" if key else rule.id
        groups.setdefault(gid, []).append((one, bound, rule))
        return Firing(rule.id, bindings, finding=gid)
    base = f"{rule.id}:{subject}" if subject else rule.id
    fid, n = base, 2
    while fid in findings:
        fid, n = f"{base}#{n}", n + 1
    findings[fid] = replace(one, id=fid)
    return Firing(rule.id, bindings, finding=fid)


GROUP_FIELD = re.compile(r"\{(count|items)\}|" + TEMPLATE_FIELD.pattern)
MAX_ITEMS_SHOWN = 8  # a grouped message names this many of its matches; the details list them all


def _grouped(gid: str, matches: list) -> Finding:
    """The matches of one root cause as one finding; a group of one reads like the match itself."""
    matches = sorted(matches, key=lambda m: (m[0].subject, m[0].message))
    spec = matches[0][2].finding
    details, names, seen = [], [], set()
    for one, b, _ in matches:
        if (one.subject, one.message) not in seen:
            seen.add((one.subject, one.message))
            details.append(Detail(one.subject, one.message, one.evidence))
            # one name per detail, so {items} always lists {count} things; a blank name (its fields empty,
            # whatever quotes surround them) shows the subject
            fields = "".join(m.group(0) for m in TEMPLATE_FIELD.finditer(spec.group.item or ""))
            blank = not fields or not render(fields, b).strip()
            names.append(one.subject if blank else render(spec.group.item, b).strip())
    first, bound, rule = matches[0]
    evidence = {(e.file, e.sheet, e.cell, e.respondent): e for one, _, _ in matches for e in one.evidence}
    evidence = tuple(evidence[k] for k in sorted(evidence, key=_evidence_key))
    facts = tuple(sorted({f for one, _, _ in matches for f in one.facts}))
    weight = spec.weight * len(details)
    if len(details) == 1:
        return replace(first, id=gid, evidence=evidence, facts=facts, details=tuple(details), weight=weight)
    shown = ", ".join(names[:MAX_ITEMS_SHOWN]) + (f" and {len(names) - MAX_ITEMS_SHOWN} more"
                                                  if len(names) > MAX_ITEMS_SHOWN else "")

    extra = {"count": str(len(details)), "items": shown}

    def text(template: str) -> str:
        # One pass over the template: text that came from a workbook is never read as a placeholder.
        return GROUP_FIELD.sub(lambda m: extra[m.group(1)] if m.group(1) else render(m.group(0), bound), template)

    return Finding(gid, rule.id, spec.severity, spec.category, text(spec.group.subject), text(spec.group.message),
                   text(spec.group.recommendation), evidence, facts, tuple(details), weight)
