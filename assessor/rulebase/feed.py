"""What of each fact goes to the engine: the one feed both engines see.

Only facts some pattern could accept go in, judged on the pattern's literal tests
alone (joins are the engine's work), so no possible match is lost; and of each,
only the attributes rules test. The full facts stay with the session for
explanations and messages. Screening must cost less than the engine time it
saves, so each fact kind's screens are compiled once per rule base into one
predicate: duplicate screens merged, screens another one already covers
dropped, and the rest indexed by an equality test (question, role, level...) so
that most facts are judged by one dictionary look-up.
"""
from __future__ import annotations

from dataclasses import dataclass

from assessor.rulebase.facts import Fact
from assessor.rulebase.matching import test_holds
from assessor.rulebase.rules import Pattern, Ref, Rulebase, Test

_MISSING = object()


class Feed:
    """The compiled feed of one rule base (built once, shared by every assessment)."""

    def __init__(self, rulebase: Rulebase):
        screens: dict[str, list[_Screen]] = {}
        negated: dict[str, list[_Screen]] = {}
        late: dict[str, list] = {}
        wanted: dict[str, set] = {}
        concluded = {r.conclusion.kind for r in rulebase.rules if r.conclusion}
        for rule in rulebase.rules:
            for alt in rule.alternatives:
                for p in alt:
                    screen = _Screen.of(p)
                    screens.setdefault(p.kind, []).append(screen)
                    wanted.setdefault(p.kind, set()).update(
                        t.attr for t in p.tests + tuple(x for g in p.any_of for x in g))
                    for other in alt:
                        for t in other.tests:
                            if isinstance(t.value, Ref) and t.value.alias == p.alias:
                                wanted[p.kind].add(t.value.attr)
                    if p.negated:
                        negated.setdefault(p.kind, []).append(screen)
                    else:
                        late.setdefault(p.kind, []).append((screen, _probes(p, alt, concluded)))
        self._accept = {kind: _predicate(found) for kind, found in screens.items()}
        self._attrs = {kind: frozenset(attrs) for kind, attrs in wanted.items()}
        self._late = {kind: _late_plan(entries) for kind, entries in late.items()}
        # A fact an absence (`not`) pattern could see blocks that rule: never pruned for partners.
        self._absence = {kind: _predicate(found) for kind, found in negated.items()}

    @classmethod
    def of(cls, rulebase: Rulebase) -> Feed:
        cached = rulebase.__dict__.get("_compiled_feed")
        if cached is None:
            cached = cls(rulebase)
            object.__setattr__(rulebase, "_compiled_feed", cached)  # rule bases are immutable: compile once
        return cached

    def accepts(self, fact: Fact) -> bool:
        accept = self._accept.get(fact.kind)
        return accept is not None and accept(fact.attrs)

    def select(self, facts) -> list[Fact]:
        """The facts some pattern could accept, in their order."""
        accept = self._accept
        out = []
        for fact in facts:
            check = accept.get(fact.kind)
            if check is not None and check(fact.attrs):
                out.append(fact)
        return out

    def select_late(self, facts: list[Fact], fed: list[Fact]) -> list[Fact]:
        """For facts added after the first derivations settle (requirements): of those ``select``
        keeps, also require, for each equality join to a kind no rule concludes, a partner among
        the facts already fed or in this batch. Such partners cannot arrive later, so nothing that
        could match is dropped; it saves the engine the requirement facts whose role or
        responsibility is fine (most of them). A batch of several kinds is not pruned, nor is a fact
        an absence (`not`) pattern could see."""
        kept = self.select(facts)
        if len({f.kind for f in facts}) != 1:  # partners may still arrive in this batch
            return kept
        kind = facts[0].kind
        keys, by_value, opens = self._late.get(kind, ((), {}, ()))
        wanted = {k for _, probes in (*opens, *(e for v in by_value.values() for e in v)) for k, *_ in probes}
        by_kind: dict[str, list] = {k: [] for k in wanted}
        for f in (*fed, *kept):  # this batch's own facts may partner each other
            if f.kind in by_kind:
                by_kind[f.kind].append(f.attrs)
        partners: dict = {}

        def resolve(entries):
            tests = []
            for check, probes in entries:
                lookups = []
                for partner_kind, screen, attr, own in probes:
                    if (partner_kind, screen, attr) not in partners:
                        partners[partner_kind, screen, attr] = frozenset(
                            a.get(attr) for a in by_kind[partner_kind] if screen(a))
                    lookups.append((own, partners[partner_kind, screen, attr]))
                tests.append(_with_partners(check, tuple(lookups)))
            return tuple(tests)

        open_tests = resolve(opens)
        keyed_tests = {v: resolve(e) for v, e in by_value.items()}
        absent = self._absence.get(kind, _never)
        out = []
        for fact in kept:  # _late_plan keys every screen, or (no shared key) none
            attrs = fact.attrs
            if absent(attrs):
                out.append(fact)
                continue
            for test in (keyed_tests.get(tuple(map(attrs.get, keys)), ()) if keys else open_tests):
                if test(attrs):
                    out.append(fact)
                    break
        return out

    def payload(self, fact: Fact) -> dict:
        wanted = self._attrs.get(fact.kind, ())
        return {"id": fact.id, "kind": fact.kind, **{k: v for k, v in fact.attrs.items() if k in wanted}}


def _late_plan(entries: list) -> tuple:
    """(key attributes, key values -> ((check, probes), ...), ()): the late screens indexed by the
    text equalities all of them share (``subject`` and ``scope`` for requirements), so a fact meets
    only the screens of its own combination; with no such shared test, every screen is open."""
    entries = list(dict.fromkeys((s, probes) for s, probes in entries))
    shared = None
    for s, _ in entries:
        texts = {t.attr for t in s.tests if t.op == "eq" and isinstance(t.value, str)}
        shared = texts if shared is None else shared & texts
    keys = tuple(sorted(shared or ()))
    if not keys:
        return keys, {}, tuple((s.check, probes) for s, probes in entries)
    by_value: dict = {}
    for s, probes in entries:
        keyed = {t.attr: t for t in s.tests if t.attr in keys and t.op == "eq" and isinstance(t.value, str)}
        by_value.setdefault(tuple(keyed[k].value for k in keys), []).append((s.without(tuple(keyed.values())), probes))
    return keys, {v: tuple(e) for v, e in by_value.items()}, ()


def _with_partners(screen, lookups: tuple):
    """``screen``, and each (own attribute, partner values) look-up finds a partner."""
    if not lookups:
        return screen
    if len(lookups) == 1:
        (own, values), = lookups
        return lambda a: screen(a) and a.get(own, _MISSING) in values
    return lambda a: screen(a) and all(a.get(own, _MISSING) in values for own, values in lookups)


def _probes(pattern: Pattern, alternative, concluded: set) -> tuple:
    """Each equality join from a pattern of a kind no rule concludes to ``pattern``:
    (partner kind, partner's literal screen, partner attribute, own attribute)."""
    probes = []
    for other in alternative:
        if other is pattern or other.negated or other.kind in concluded:
            continue
        for t in other.tests:
            if isinstance(t.value, Ref) and t.value.alias == pattern.alias and t.op == "eq":
                probes.append((other.kind, _Screen.of(other).check, t.attr, t.value.attr))
    return tuple(probes)


@dataclass(frozen=True)
class _Screen:
    """A pattern's literal tests (joins left out): all of ``tests`` and, when there are groups,
    all of one group. ``key`` identifies equal screens (values typed, so 1 is not True)."""
    tests: tuple[Test, ...]
    groups: tuple[tuple[Test, ...], ...]
    key: tuple
    check: object  # the compiled predicate over a fact's attributes

    @classmethod
    def of(cls, pattern: Pattern) -> _Screen:
        cache = pattern.__dict__.get("_screen")
        if cache is None:
            tests = tuple(t for t in pattern.tests if not isinstance(t.value, Ref))
            groups = tuple(pattern.any_of)
            key = (frozenset(map(_typed, tests)), frozenset(frozenset(map(_typed, g)) for g in groups))
            cache = cls(tests, groups, key, _compile(tests, groups))
            object.__setattr__(pattern, "_screen", cache)
        return cache

    def without(self, known: tuple) -> object:
        """The check of the tests not in ``known`` (which a dictionary look-up has already proved)."""
        return _compile(tuple(t for t in self.tests if t not in known), self.groups)

    def covers(self, other: _Screen) -> bool:
        """Whether this screen accepts every fact ``other`` accepts (a sufficient condition)."""
        tests, groups = self.key
        return tests <= other.key[0] and (not groups or groups == other.key[1])


def _typed(test: Test) -> tuple:
    value = test.value
    if isinstance(value, tuple):
        value = tuple((type(v), v) for v in value)
    return test.attr, test.op, type(value), value


def _predicate(screens: list[_Screen]):
    """One predicate for a fact kind: true when any of ``screens`` accepts the attributes."""
    distinct = list({s.key: s for s in screens}.values())
    kept = [s for s in distinct if not any(o is not s and o.covers(s) for o in distinct)]
    if any(not s.tests and not s.groups for s in kept):
        return _always
    opens: list = []
    keyed: dict[str, dict] = {}
    for s in kept:
        key = next((t for t in s.tests if t.op in ("eq", "in") and _plain_key(t.value)), None)
        if key is None:
            opens.append(s.check)
            continue
        # The look-up has proved a text key equal: test only the rest (numbers keep their test,
        # since 1 and 1.0 share a dictionary slot).
        rest = s.without((key,)) if key.op == "eq" and isinstance(key.value, str) else s.check
        slot = keyed.setdefault(key.attr, {})
        for value in (key.value if key.op == "in" else (key.value,)):
            slot.setdefault(value, []).append(rest)
    opens_t = tuple(opens)
    keyed_t = tuple((attr, {v: tuple(c) for v, c in slots.items()}) for attr, slots in keyed.items())
    # A value of another type never passes a keyed check (True finds the slot of 1, say, but the
    # numeric test there rejects a flag), so the look-ups need no type guard.
    if not keyed_t:
        def accept(attrs) -> bool:
            for check in opens_t:
                if check(attrs):
                    return True
            return False
    elif not opens_t and len(keyed_t) == 1:
        (attr, by_value), = keyed_t

        def accept(attrs) -> bool:
            for check in by_value.get(attrs.get(attr), ()):
                if check(attrs):
                    return True
            return False
    else:
        def accept(attrs) -> bool:
            for check in opens_t:
                if check(attrs):
                    return True
            for attr, by_value in keyed_t:
                for check in by_value.get(attrs.get(attr), ()):
                    if check(attrs):
                        return True
            return False

    return accept


def _plain_key(value) -> bool:
    """Usable as a dictionary key without confusing True with 1."""
    values = value if isinstance(value, tuple) else (value,)
    return all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values)


def _always(attrs) -> bool:
    return True


def _never(attrs) -> bool:
    return False


def _compile(tests: tuple, groups: tuple):
    every = _all(tuple(_literal_check(t) for t in tests))
    alternatives = tuple(_all(tuple(_literal_check(t) for t in g)) for g in groups)
    if not alternatives:
        return every
    if len(alternatives) == 1:
        only = alternatives[0]
        return lambda a: every(a) and only(a)
    if len(alternatives) == 2:
        g1, g2 = alternatives
        return lambda a: every(a) and (g1(a) or g2(a))
    return lambda a: every(a) and any(g(a) for g in alternatives)


def _all(checks: tuple):
    """One predicate for a conjunction, with as few Python calls as the common sizes allow."""
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        c1, c2 = checks
        return lambda a: c1(a) and c2(a)
    if len(checks) == 3:
        c1, c2, c3 = checks
        return lambda a: c1(a) and c2(a) and c3(a)
    return lambda a: all(c(a) for c in checks)


_NUMERIC = ("gt", "gte", "lt", "lte", "eq")  # "ne" is true of text too: the general path
_NUMBERS = frozenset((int, float))


def _literal_check(test: Test):
    """A fast predicate for one literal test, with the semantics of ``matching.test_holds``."""
    attr, op, value = test.attr, test.op, test.value
    if op == "exists":
        return (lambda a: attr in a) if value else (lambda a: attr not in a)
    if op in _NUMERIC and isinstance(value, (int, float)) and not isinstance(value, bool):
        # A missing attribute, a flag or text never satisfies a numeric test. One lambda per
        # operator: these run some 800 times per assessment.
        if op == "gte":
            return lambda a: type(x := a.get(attr)) in _NUMBERS and x >= value
        if op == "gt":
            return lambda a: type(x := a.get(attr)) in _NUMBERS and x > value
        if op == "lte":
            return lambda a: type(x := a.get(attr)) in _NUMBERS and x <= value
        if op == "lt":
            return lambda a: type(x := a.get(attr)) in _NUMBERS and x < value
        return lambda a: type(x := a.get(attr)) in _NUMBERS and x == value
    if op == "eq" and isinstance(value, str):
        return lambda a: a.get(attr) == value and type(a[attr]) is str
    if op == "eq" and isinstance(value, bool):
        return lambda a: a.get(attr, _MISSING) is value
    if op == "eq":
        return lambda a: a.get(attr, _MISSING) == value and type(a.get(attr)) is type(value)
    if op == "in" and all(isinstance(v, str) for v in value):
        allowed = frozenset(value)
        return lambda a: isinstance(a.get(attr), str) and a[attr] in allowed
    return lambda a: test_holds(test, a, {})
