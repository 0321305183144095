"""The plain-Python engine: the rule files evaluated without durable-rules.

A first-class engine beside the durable-rules adapter, used where durable-rules cannot be
installed (it does not build on Python 3.13 and later) and readable by anyone who wants to see what
a rule means. Same contract as the durable adapter: ``add(facts)`` returns the matches that adding
those facts completes, each rule firing once per distinct combination of facts; tests check the two
engines reach identical conclusions.

It is a small forward-chaining matcher in two ideas borrowed from Rete:
- alpha memories: when a fact arrives, each pattern of its kind checks its literal tests once, and
  the fact joins that pattern's memory if they hold; joins only re-check the tests that refer to
  another alias;
- semi-naive evaluation: a match ``add`` can complete contains at least one new fact in a positive
  pattern (a ``not`` only gets harder to satisfy as facts arrive), so for every positive pattern j
  that took new facts, pattern j ranges over the new facts, the positive patterns before it over the
  old ones, and the rest over all: each new match is enumerated once, nothing old is revisited.
Absence rules (with a ``not``) wait for the phase fact, as in durable-rules, and then see every fact.
"""
from __future__ import annotations

from dataclasses import dataclass

from assessor.rulebase.facts import PHASE_KIND
from assessor.rulebase.matching import test_holds
from assessor.rulebase.rules import Pattern, Ref, Rulebase, Test

Match = tuple  # (rule id, alternative index, ((alias, fact id), ...))


@dataclass(frozen=True)
class _Slot:
    """One pattern of one rule alternative, split into what a fact alone decides and what needs a join."""
    slot: int                                   # index of its alpha memory
    pattern: Pattern
    literal: tuple[Test, ...]                   # tests against literals: checked once per fact
    literal_any: tuple[tuple[Test, ...], ...]   # `any:` groups when none refers to an alias
    joins: tuple[Test, ...]                     # tests against another alias's attribute
    join_any: tuple[tuple[Test, ...], ...]      # `any:` groups when one of them refers to an alias

    def admits(self, attrs: dict) -> bool:
        if not all(test_holds(t, attrs, {}) for t in self.literal):
            return False
        return not self.literal_any or any(all(test_holds(t, attrs, {}) for t in g) for g in self.literal_any)

    def joins_with(self, attrs: dict, bound: dict) -> bool:
        if not all(test_holds(t, attrs, bound) for t in self.joins):
            return False
        return not self.join_any or any(all(test_holds(t, attrs, bound) for t in g) for g in self.join_any)


def _is_join(test: Test) -> bool:
    return isinstance(test.value, Ref)


def _slot(index: int, pattern: Pattern) -> _Slot:
    joined_any = any(_is_join(t) for group in pattern.any_of for t in group)
    return _Slot(index, pattern,
                 tuple(t for t in pattern.tests if not _is_join(t)),
                 () if joined_any else pattern.any_of,
                 tuple(t for t in pattern.tests if _is_join(t)),
                 pattern.any_of if joined_any else ())


class PythonEngine:
    name = "python"

    def __init__(self, rulebase: Rulebase):
        self.rulebase = rulebase
        self._plans: list[tuple] = []           # (rule, alternative index, slots, absence)
        self._by_kind: dict[str, list[_Slot]] = {}
        count = 0
        for rule in rulebase.rules:
            for index, patterns in enumerate(rule.alternatives):
                slots = []
                for pattern in patterns:
                    slot = _slot(count, pattern)
                    count += 1
                    slots.append(slot)
                    self._by_kind.setdefault(pattern.kind, []).append(slot)
                self._plans.append((rule, index, tuple(slots), rule.absence))
        self._slots = count
        self.open()

    def open(self) -> None:
        self._memory: list[list[dict]] = [[] for _ in range(self._slots)]
        self._fired: set = set()
        self._absence_open = False

    def close(self) -> None:
        self._memory, self._fired = [[] for _ in range(self._slots)], set()

    def add(self, facts: list[dict]) -> list[Match]:
        before = [len(m) for m in self._memory]
        opens_absence = False
        for fact in facts:
            if fact["kind"] == PHASE_KIND:
                opens_absence = True
                continue
            for slot in self._by_kind.get(fact["kind"], ()):
                if slot.admits(fact):
                    self._memory[slot.slot].append(fact)
        if opens_absence:
            self._absence_open = True
        matches: list[Match] = []
        for rule, index, slots, absence in self._plans:
            if absence and not self._absence_open:
                continue
            if absence and opens_absence:
                self._collect(rule.id, index, slots, [(0, len(self._memory[s.slot])) for s in slots], matches)
                continue
            for j, slot in enumerate(slots):
                if slot.pattern.negated or before[slot.slot] == len(self._memory[slot.slot]):
                    continue
                ranges = []
                for i, other in enumerate(slots):
                    size = len(self._memory[other.slot])
                    if i == j:
                        ranges.append((before[other.slot], size))
                    elif i < j and not other.pattern.negated:
                        ranges.append((0, before[other.slot]))
                    else:
                        ranges.append((0, size))
                self._collect(rule.id, index, slots, ranges, matches)
        return matches

    def _collect(self, rule_id: str, index: int, slots, ranges, matches: list) -> None:
        for bindings in self._solve(slots, ranges, 0, {}):
            key = (rule_id, index, tuple(sorted((a, f["id"]) for a, f in bindings.items())))
            if key not in self._fired:
                self._fired.add(key)
                matches.append(key)

    def _solve(self, slots, ranges, i: int, bound: dict):
        if i == len(slots):
            yield dict(bound)
            return
        slot = slots[i]
        start, stop = ranges[i]
        memory = self._memory[slot.slot]
        taken = [id(f) for f in bound.values()]
        if slot.pattern.negated:
            # As in durable-rules, a fact this match has already bound does not count against a `not`.
            if not any(id(memory[k]) not in taken and slot.joins_with(memory[k], bound) for k in range(stop)):
                yield from self._solve(slots, ranges, i + 1, bound)
            return
        alias = slot.pattern.alias
        for k in range(start, stop):
            fact = memory[k]
            # As in durable-rules, one fact fills at most one pattern of a match.
            if id(fact) not in taken and slot.joins_with(fact, bound):
                bound[alias] = fact
                yield from self._solve(slots, ranges, i + 1, bound)
                del bound[alias]
