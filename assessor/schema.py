"""A small checker for data files: collects every problem with its key path.

Used by the question bank and (later) the rule loader so that every message
names the file, the item id and the key path, e.g.
``questionnaires/pmo-core.yaml: questions[RP-03].level: ...``.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from assessor.errors import Problem, quote


class Checker:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def error(self, path: str, message: str, found: Any = "", expected: str = "") -> None:
        shown = quote(found) if found != "" else ""
        self.problems.append(Problem(self.file, path, message, shown, expected))

    def mapping(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            self.error(path, "must be a mapping", value, "key: value pairs")
            return {}
        return value

    def sequence(self, value: Any, path: str) -> list:
        if not isinstance(value, list):
            self.error(path, "must be a list", value, "a list of items")
            return []
        return value

    def keys(self, item: dict, path: str, required: Iterable[str], optional: Iterable[str] = ()) -> bool:
        required = list(required)
        allowed = set(required) | set(optional)
        ok = True
        for key in required:
            if key not in item:
                self.error(f"{path}.{key}", "missing required key", expected=f"a value for '{key}'")
                ok = False
        for key in item:
            if key not in allowed:
                self.error(f"{path}.{key}", "unknown key", key, "one of " + ", ".join(sorted(allowed)))
                ok = False
        return ok

    def text(self, item: dict, key: str, path: str, pattern: str | None = None) -> str:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            self.error(f"{path}.{key}", "must be non-empty text", value if value is not None else "", "text")
            return ""
        if pattern and not re.fullmatch(pattern, value):
            self.error(f"{path}.{key}", "has the wrong form", value, f"text matching {pattern}")
        return value

    def integer(self, item: dict, key: str, path: str, low: int, high: int) -> int:
        value = item.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(f"{path}.{key}", "out of range", value, f"a whole number {low}..{high}")
            return low
        return value

    def number(self, item: dict, key: str, path: str, low: float, high: float) -> float:
        value = item.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            self.error(f"{path}.{key}", "out of range", value, f"a number {low}..{high}")
            return float(low)
        return float(value)

    def boolean(self, item: dict, key: str, path: str, default: bool | None = None) -> bool:
        value = item.get(key, default)
        if not isinstance(value, bool):
            self.error(f"{path}.{key}", "must be true or false", value, "true or false")
            return bool(default)
        return value

    def choices(self, item: dict, key: str, path: str, allowed: Iterable[Any]) -> tuple:
        allowed = list(allowed)
        values = item.get(key)
        if not isinstance(values, list) or not values:
            self.error(f"{path}.{key}", "must be a non-empty list", values if values is not None else "",
                       "a list of " + ", ".join(map(str, allowed)))
            return ()
        for value in values:
            if value not in allowed:
                self.error(f"{path}.{key}", "unknown value", value, "one of " + ", ".join(map(str, allowed)))
        return tuple(v for v in values if v in allowed)

    def unique_ids(self, items: list, path: str, key: str = "id") -> None:
        seen: set = set()
        for item in items:
            if isinstance(item, dict) and key in item:
                if item[key] in seen:
                    self.error(f"{path}[{item[key]}].{key}", "duplicate id", item[key], "each id once")
                seen.add(item[key])


def label(item: Any, index: int) -> str:
    """``[ID]`` when the item has an id, else ``[index]``: what a user can search for."""
    if isinstance(item, dict) and isinstance(item.get("id"), (str, int)):
        return f"[{item['id']}]"
    return f"[{index}]"
