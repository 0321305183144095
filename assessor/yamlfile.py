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
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"{path}: invalid YAML",
                    [Problem(str(path), where, f"invalid YAML: {reason}")]) from None
