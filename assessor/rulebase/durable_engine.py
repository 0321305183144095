"""The durable-rules adapter: the only module that imports the engine.

Compiles validated rules to a durable-rules ruleset and runs one assessment at a
time, synchronously and completely. It drives the engine's C core directly
(``durable_rules_engine``): durable-rules' own Python layer (``durable.engine``)
adds, per action, a closure, a JSON round-trip of the session state and an
``update_state`` call that our rules never use, which was a third of an
assessment's time. The traps it avoids (each reproduced on this machine, see
shared/docs/durable-rules.md):
- ``durable.lang`` keeps one global host, and every ``Host`` starts timer
  threads that run actions in the background: there is no host here, and actions
  only ever run inside our own ``add`` call;
- a fact no rule matches is refused, and durable-rules' Python layer swallows
  action errors: the session only sends facts some pattern accepts
  (``feed.Feed``), a refused fact fails the run, and an error in our action
  code propagates after the engine's action is abandoned;
- deleting the state of a session in which no action ever ran crashes the
  process (reproduced: ``free(): invalid pointer`` with one fact half-matching a
  two-pattern rule): every session starts with a marker fact that one internal
  rule takes and answers, and a session nothing was asserted into is not deleted;
- facts without an id get a colliding 32-bit hash id: every fact has an explicit one;
- ``$not`` is checked only when the positive side arrives: absence rules wait for
  a phase fact asserted after derivations settle;
- each live session holds memory until ``delete_state``: called in ``close``,
  which the session calls in ``finally``;
- each session allocates about 2 MB in the core (fixed-size index tables per
  rete node, a 9 KB record per fact) and frees it at ``delete_state``; under
  glibc's default thresholds (which glibc adjusts by itself only after some
  patterns of frees, so it depended on the process's history) that memory went
  back to the kernel every time and was faulted in again by the next session
  (measured: about 450 page faults and over 1 ms of system time per assessment).
  The first engine sets glibc's mmap and trim thresholds so the heap keeps that
  memory for the next session (``_keep_session_memory``).
"""
from __future__ import annotations

import ctypes
import itertools
import json
import sys

import durable_rules_engine as _core

from assessor.rulebase.facts import PHASE_KIND
from assessor.rulebase.rules import Pattern, Ref, Rule, Rulebase, Test

RULESET = "pmo"
PHASE_ALIAS = "_phase"
BATCH = 10000  # matches per action call at most
SESSION_KIND = "$session"
SESSION_RULE = "$session"
_NOT_HANDLED, _OBSERVED = 1, 2  # the core's result codes for a refused and a repeated fact
_ids = itertools.count(1)
# Compact JSON: less text for the core to scan. Payloads are plain dicts of str/int/float/bool.
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode


# glibc mallopt parameters, and what the engine's sessions need: big blocks from the heap, not
# from fresh mappings, and freed heap kept rather than handed back after every assessment.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD = 32 * 1024 * 1024   # glibc's own ceiling for this setting on 64-bit
_TRIM_THRESHOLD = 64 * 1024 * 1024   # free heap above this is still returned to the kernel
_memory_kept = False


def _keep_session_memory() -> None:
    """Once per process, on glibc only: the allocator settings above (see the module docstring).
    Process-wide by nature; it changes when memory goes back to the kernel, never what is allocated."""
    global _memory_kept
    if _memory_kept or not sys.platform.startswith("linux"):
        return
    _memory_kept = True
    try:
        mallopt = ctypes.CDLL(None).mallopt  # absent outside glibc (musl, for one): nothing to tune
    except (AttributeError, OSError):
        return
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
    mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)


class EngineFailure(RuntimeError):
    """The engine refused a fact, or an action failed: a bug, never silently a rule that did not fire."""


def compile_rules(rulebase: Rulebase) -> tuple[dict, dict]:
    """The durable-rules ruleset definition, and for each compiled rule name its (rule, alternative)."""
    definition, actions = {}, {}
    for rule in rulebase.rules:
        for index, patterns in enumerate(rule.alternatives):
            name = f"{rule.id}#{index}"
            body = [_pattern(p) for p in patterns]
            if rule.absence:
                body.insert(0, {PHASE_ALIAS: {"kind": PHASE_KIND}})
            # cap: hand every match waiting for this rule over in one action (a batch) instead of
            # one action per match: the per-action round-trip was most of an assessment's time.
            definition[name] = {"all": body, "pri": rule.priority, "cap": BATCH}
            actions[name] = (rule, index)
    # Fires once per session on the marker fact (see the module docstring); its action does nothing.
    definition[SESSION_RULE] = {"all": [{"s": {"kind": SESSION_KIND}}]}
    return definition, actions


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
        _keep_session_memory()
        definition, self._actions = compile_rules(rulebase)
        self._handle = _core.create_ruleset(RULESET, _encode(definition))
        self._sid = None
        self.last_sid = None
        self._asserted = False

    def open(self) -> None:
        self._sid = str(next(_ids))
        self.last_sid = self._sid
        self._asserted = False

    def add(self, facts: list[dict]) -> list:
        """Assert ``facts`` (payload dicts, each with an id) into this session and run every action
        they make ready; returns the matches as (rule id, alternative, ((alias, fact id), ...))."""
        if not facts:
            return []
        sid = self._sid
        for fact in facts:  # the session builds fresh payload dicts for every call
            fact["sid"] = sid
        if not self._asserted:
            facts = [{"id": 0, "kind": SESSION_KIND, "sid": sid}, *facts]
        code, state = _core.assert_facts(self._handle, _encode(facts))
        self._asserted = True
        # Run what the batch made ready even when the engine refused part of it: deleting a session
        # whose first actions never ran is the crash described in the module docstring.
        # durable-rules fires once per group of a pattern's `any:` that holds; a rule fires once
        # per set of facts, so identical matches collapse (the reference evaluator agrees).
        matches = list(dict.fromkeys(self._run_actions(state)))
        if code == _NOT_HANDLED:
            kinds = sorted({f["kind"] for f in facts} - {SESSION_KIND})
            raise EngineFailure(f"a fact no rule can take reached the engine (kinds in the batch: {', '.join(kinds)})")
        if code == _OBSERVED:
            raise EngineFailure("a fact reached the engine twice (fact ids must be unique)")
        return matches

    def _run_actions(self, state: int) -> list:
        matches: list = []
        started = _core.start_action_for_state(self._handle, state)
        text = started[1] if started else None
        while text:
            try:
                for name, found in json.loads(text).items():
                    if name != SESSION_RULE:
                        self._record(*self._actions[name], found if isinstance(found, list) else [found], matches)
            except Exception as exc:  # our action code: a bug, never a rule that silently did not fire
                _core.abandon_action(self._handle, state)
                raise EngineFailure(f"rule action failed: {exc!r}") from exc
            text = _core.complete_and_start_action(self._handle, state)
        return matches

    def _record(self, rule: Rule, index: int, found: list, matches: list) -> None:
        for match in found:
            bindings = tuple(sorted((alias, fact["id"]) for alias, fact in match.items() if alias != PHASE_ALIAS))
            matches.append((rule.id, index, bindings))

    def close(self) -> None:
        if self._sid is not None:
            try:
                if self._asserted:  # durable-rules has no state for a session nothing was asserted into
                    _core.delete_state(self._handle, self._sid)
            finally:
                self._sid = None

    def has_session(self, sid: str) -> bool:
        """Whether the engine still holds state for session ``sid`` (tests: none is left behind)."""
        try:
            _core.get_state(self._handle, sid)
        except _core.error:
            return False
        return True

    def release(self) -> None:
        """Free the compiled C ruleset (throwaway engines otherwise leak it)."""
        if self._handle is not None:
            try:
                _core.delete_ruleset(self._handle)
            finally:
                self._handle = None
