"""Safe YAML loading with errors that name the file and the line."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from assessor.errors import AssessorError, Problem


def load_yaml(path: Path, error: type[AssessorError]) -> Any:
    import yaml  # local: keeps `pmo-assess --help` light

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: file not found",
                    [Problem(str(path), "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read", [Problem(str(path), "", f"cannot read: {exc}")]) from None
    try:
        # Safe loaders only: rule and question files never construct Python objects.
        # The libyaml one is ~10x faster, which matters for a CLI that loads the bank each run.
        return yaml.load(text, Loader=_strict_loader(yaml))  # noqa: S506 - a safe loader
    except _DuplicateKey as exc:
        raise error(f"{path}: a key is written twice", [Problem(
            str(path), f"line {exc.line}", f"key '{exc.key}' is written twice in one mapping (the first would be "
            "silently lost)", expected="each key once")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"{path}: invalid YAML",
                    [Problem(str(path), where, f"invalid YAML: {reason}")]) from None


class _DuplicateKey(Exception):
    def __init__(self, key, line):
        super().__init__(key)
        self.key, self.line = key, line


_LOADER = None


def _strict_loader(yaml):
    """A safe loader (the libyaml one when available) that refuses duplicate keys:
    in a rule, `value: {gte: 4}` followed by `value: {lte: 1}` would otherwise drop a test."""
    global _LOADER
    if _LOADER is None:
        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class StrictLoader(base):
            def construct_mapping(self, node, deep=False):
                seen = set()
                for key_node, _ in node.value:
                    key = self.construct_object(key_node, deep=True)
                    if key in seen:
                        raise _DuplicateKey(key, key_node.start_mark.line + 1)
                    seen.add(key)
                return super().construct_mapping(node, deep)

        _LOADER = StrictLoader
    return _LOADER
