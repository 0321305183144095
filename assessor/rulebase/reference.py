"""A plain-Python evaluator of the rule files, beside the durable-rules one.

It exists so tests can check both engines reach identical conclusions; it is
also the fallback a developer can read to see what a rule means. Same contract
as the durable adapter: ``add(facts)`` returns the matches that adding those
facts completes, each rule firing once per distinct combination of facts.
"""
from __future__ import annotations

from assessor.rulebase.facts import PHASE_KIND
from assessor.rulebase.matching import pattern_holds
from assessor.rulebase.rules import Pattern, Rulebase

Match = tuple  # (rule id, alternative index, ((alias, fact id), ...))


class ReferenceEngine:
    name = "reference"

    def __init__(self, rulebase: Rulebase):
        self.rulebase = rulebase
        self._facts: dict[str, list[dict]] = {}
        self._fired: set = set()
        self._absence_open = False

    def open(self) -> None:
        self._facts, self._fired, self._absence_open = {}, set(), False

    def close(self) -> None:
        self._facts, self._fired = {}, set()

    def add(self, facts: list[dict]) -> list[Match]:
        for fact in facts:
            if fact["kind"] == PHASE_KIND:
                self._absence_open = True
            else:
                self._facts.setdefault(fact["kind"], []).append(fact)
        matches = []
        for rule in self.rulebase.rules:
            if rule.absence and not self._absence_open:
                continue
            for index, patterns in enumerate(rule.alternatives):
                for bindings in self._solve(patterns, 0, {}):
                    key = (rule.id, index, tuple(sorted((a, f["id"]) for a, f in bindings.items())))
                    if key not in self._fired:
                        self._fired.add(key)
                        matches.append(key)
        return matches

    def _solve(self, patterns: tuple[Pattern, ...], i: int, bound: dict):
        if i == len(patterns):
            yield dict(bound)
            return
        pattern = patterns[i]
        candidates = self._facts.get(pattern.kind, ())
        if pattern.negated:
            if not any(pattern_holds(pattern, f, bound) for f in candidates):
                yield from self._solve(patterns, i + 1, bound)
            return
        taken = {id(f) for f in bound.values()}
        for fact in candidates:
            # As in durable-rules, one fact fills at most one pattern of a match.
            if id(fact) not in taken and pattern_holds(pattern, fact, bound):
                bound[pattern.alias] = fact
                yield from self._solve(patterns, i + 1, bound)
                del bound[pattern.alias]
