"""The durable-rules adapter: the only module that imports the engine.

Compiles validated rules to durable-rules rulesets and runs one assessment at a
time, synchronously and completely. The traps it avoids (each reproduced on
this machine, see shared/docs/durable-rules.md):
- ``durable.lang`` keeps one global host: we make our own ``Host``;
- every Host starts timer threads that run actions in the background: ``_run``
  is overridden, so actions only ever run inside our own ``assert_facts`` call;
- a fact no rule matches raises, and action errors are swallowed: the session
  only sends facts some pattern accepts (``session._Feed``), and our action
  wrapper records every exception and fails the run loudly;
- deleting the state of a session in which no action ever ran crashes the
  process (reproduced: ``free(): invalid pointer`` with one fact half-matching a
  two-pattern rule): every session starts with a marker fact that one internal
  rule takes and answers, and a session nothing was asserted into is not deleted;
- facts without an id get a colliding 32-bit hash id: every fact has an explicit one;
- ``$not`` is checked only when the positive side arrives: absence rules wait for
  a phase fact asserted after derivations settle;
- each live session holds memory until ``delete_state``: called in ``finally``.
"""
from __future__ import annotations

import itertools

from durable import engine as _durable

from assessor.rulebase.facts import PHASE_KIND
from assessor.rulebase.rules import Pattern, Ref, Rule, Rulebase, Test

RULESET = "pmo"
PHASE_ALIAS = "_phase"
BATCH = 10000  # matches per action call at most
SESSION_KIND = "$session"
SESSION_RULE = "$session"
_ids = itertools.count(1)


class EngineFailure(RuntimeError):
    """An action raised inside the engine: a bug, never silently a rule that did not fire."""


class _SynchronousHost(_durable.Host):
    def _run(self):  # no timer threads: actions run only inside our calls
        pass


def compile_rules(rulebase: Rulebase, on_match) -> dict:
    """durable-rules ruleset definition; ``on_match(rule_id, alternative, closure)`` is every rule's action."""
    rules = {}
    for rule in rulebase.rules:
        for index, patterns in enumerate(rule.alternatives):
            name = f"{rule.id}#{index}"
            body = [_pattern(p) for p in patterns]
            if rule.absence:
                body.insert(0, {PHASE_ALIAS: {"kind": PHASE_KIND}})
            # cap: hand every match waiting for this rule to one action call (a batch) instead of one
            # call per match: the engine's per-call overhead was most of an assessment's time.
            rules[name] = {"all": body, "pri": rule.priority, "cap": BATCH, "run": _action(on_match, rule, index)}
    # Fires once per session on the marker fact (see the module docstring); its action does nothing.
    rules[SESSION_RULE] = {"all": [{"s": {"kind": SESSION_KIND}}], "run": _ignore}
    return {RULESET: rules}


def _ignore(c):
    pass


def _action(on_match, rule: Rule, index: int):
    # One closure per rule: durable-rules rejects partials and default-argument tricks.
    def action(c):
        if c.m is None:  # a single match
            on_match(rule, index, c._m)
            return
        for match in c.m:  # a batch (rules carry "cap")
            on_match(rule, index, match._d)

    return action


def _pattern(pattern: Pattern) -> dict:
    # Joins must come before any "$or" term: durable-rules 2.0.28 ignores a join that
    # follows an "$or" inside the same "$and" (reproduced; tests/test_engines_agree.py
    # catches it). Rule lint keeps joins out of `any:` groups for the same reason.
    joins = [t for t in pattern.tests if isinstance(t.value, Ref)]
    plain = [t for t in pattern.tests if not isinstance(t.value, Ref) and t.op != "in"]
    choices = [t for t in pattern.tests if t.op == "in"]
    terms = [{"kind": pattern.kind}] + [_test(t) for t in joins + plain + choices]
    if pattern.any_of:
        groups = [_and([_test(t) for t in group]) for group in pattern.any_of]
        terms.append(groups[0] if len(groups) == 1 else {"$or": groups})
    key = f"{pattern.alias}$not" if pattern.negated else pattern.alias
    return {key: _and(terms)}


def _and(terms: list[dict]) -> dict:
    if not terms:
        return {"$ex": {"kind": 1}}
    return terms[0] if len(terms) == 1 else {"$and": terms}


def _test(test: Test) -> dict:
    value = {test.value.alias: test.value.attr} if isinstance(test.value, Ref) else test.value
    if test.op == "eq":
        return {test.attr: value}
    if test.op == "in":
        return _or([{test.attr: v} for v in value])
    if test.op == "exists":
        return {"$ex" if value else "$nex": {test.attr: 1}}
    op = {"ne": "$neq", "gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}[test.op]
    return {op: {test.attr: value}}


def _or(terms: list[dict]) -> dict:
    return terms[0] if len(terms) == 1 else {"$or": terms}


class DurableEngine:
    """One compiled rule base, reused for any number of assessments (one at a time)."""

    name = "durable"

    def __init__(self, rulebase: Rulebase):
        self.rulebase = rulebase
        self._host = _SynchronousHost()
        self._host.set_rulesets(compile_rules(rulebase, self._on_match))
        self._sid = None
        self._matches: list = []
        self._errors: list = []

    def _on_match(self, rule: Rule, index: int, message: dict) -> None:
        try:
            self._record(rule, index, message)
        except BaseException as exc:  # durable-rules would swallow it: keep it and fail the run
            self._errors.append(exc)

    def _record(self, rule: Rule, index: int, message: dict) -> None:
        bindings = tuple(sorted((alias, fact["id"]) for alias, fact in message.items() if alias != PHASE_ALIAS))
        self._matches.append((rule.id, index, bindings))

    def open(self) -> None:
        self._sid = str(next(_ids))
        self.last_sid = self._sid
        self._matches, self._errors = [], []
        self._asserted = False

    def add(self, facts: list[dict]) -> list:
        if not facts:
            return []
        for fact in facts:  # the session builds fresh payload dicts for every call
            fact["sid"] = self._sid
        if not self._asserted:
            facts = [{"id": 0, "kind": SESSION_KIND, "sid": self._sid}] + list(facts)
        try:
            self._host.assert_facts(RULESET, facts)
        except _durable.MessageNotHandledException as exc:
            raise EngineFailure(f"a fact no rule can take reached the engine: {exc}") from None
        self._asserted = True
        if self._errors:
            raise EngineFailure(f"rule action failed: {self._errors[0]!r}")
        matches, self._matches = self._matches, []
        return matches

    def close(self) -> None:
        if self._sid is not None:
            try:
                if self._asserted:  # durable-rules has no state for a session nothing was asserted into
                    self._host.delete_state(RULESET, self._sid)
            finally:
                self._sid = None

    def release(self) -> None:
        """Free the compiled C ruleset (throwaway engines otherwise leak it)."""
        ruleset = self._host.get_ruleset(RULESET)
        handle = getattr(ruleset, "_handle", None)
        if handle is not None:
            try:
                _durable.durable_rules_engine.delete_ruleset(handle)
            finally:
                ruleset._handle = None
