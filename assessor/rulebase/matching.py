"""What it means for a fact to satisfy a test: the one definition both engines follow.

The reference evaluator calls these directly; the durable-rules compiler emits
the engine's equivalent, and tests check the two agree. A test on an attribute
the fact does not have is false (``exists: false`` aside), as in durable-rules.
"""
from __future__ import annotations

from assessor.rulebase.rules import Pattern, Ref, Test

_MISSING = object()


def test_holds(test: Test, attrs: dict, bound: dict[str, dict]) -> bool:
    value = attrs.get(test.attr, _MISSING)
    if test.op == "exists":
        return (value is not _MISSING) == test.value
    if value is _MISSING:
        return False
    expected = test.value
    if isinstance(expected, Ref):
        expected = bound[expected.alias].get(expected.attr, _MISSING)
        if expected is _MISSING:
            return False
    op = test.op
    if op == "eq":
        return _same(value, expected)
    if op == "ne":
        return not _same(value, expected)
    if op == "in":
        return any(_same(value, v) for v in expected)
    if isinstance(value, bool) or isinstance(expected, bool) or isinstance(value, str) or isinstance(expected, str):
        return False  # order comparisons are numeric only (lint rejects the rest)
    if op == "gt":
        return value > expected
    if op == "gte":
        return value >= expected
    if op == "lt":
        return value < expected
    if op == "lte":
        return value <= expected
    raise ValueError(f"unknown operator {op}")


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def pattern_holds(pattern: Pattern, attrs: dict, bound: dict[str, dict]) -> bool:
    if attrs.get("kind") != pattern.kind:
        return False
    if not all(test_holds(t, attrs, bound) for t in pattern.tests):
        return False
    if pattern.any_of and not any(all(test_holds(t, attrs, bound) for t in group) for group in pattern.any_of):
        return False
    return True
