"""Target maturity levels per dimension, and the roadmap to reach them.

Targets default to one level above the current one (capped at 5); a YAML file
(``--targets``) overrides them per dimension::

    default: next        # or a level 0-5 for every dimension not listed
    targets:
      reporting: 4
      portfolio: 3

The roadmap lists, per dimension below target, the practices that stand between
the current level and the target: in the staged model a target level T needs
every practice of levels 1..T established at T or above, so a level-1 practice
answered 2 is on the way to level 3 as much as a level-3 practice is. Each item
carries the bank's improvement action; its weighted gap is the question's weight
times how far its answer is below the target (an unknown answer counts as 0).
``assessor.roadmap`` puts the items in phases, foundations first, and ranks them.
"""
from __future__ import annotations

import math
from pathlib import Path

from assessor.errors import InputError, Problem, quote
from assessor.model import ANSWERED, NOT_APPLICABLE


def load_targets(path: Path | None, dimension_ids: list[str]) -> dict:
    """The overrides from a targets file: {"default": "next" | int, "targets": {dim: int}}."""
    if path is None:
        return {"default": "next", "targets": {}}
    from assessor.yamlfile import load_yaml

    data = load_yaml(Path(path), InputError)
    problems = []
    if data is None:
        raise InputError(f"{path}: the targets file is empty", [Problem(
            str(path), "", "the targets file is empty", expected="default: and targets: (see README, Targets)")])
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a targets file", [Problem(str(path), "(top level)", "must be a mapping",
                                                                  quote(data), "default: and targets:")])
    for key in data:
        if key not in ("default", "targets"):
            problems.append(Problem(str(path), key, "unknown key", quote(key), "default or targets"))
    default = data.get("default", "next")
    if default != "next" and not _level(default):
        problems.append(Problem(str(path), "default", "must be next or a level 0-5", quote(default), "next or 0-5"))
    targets = data.get("targets") or {}
    if not isinstance(targets, dict):
        problems.append(Problem(str(path), "targets", "must map dimension ids to levels", quote(targets)))
        targets = {}
    for dim, level in targets.items():
        if dim not in dimension_ids:
            problems.append(Problem(str(path), f"targets.{dim}", "unknown dimension", quote(dim),
                                    "one of " + ", ".join(dimension_ids)))
        elif not _level(level):
            problems.append(Problem(str(path), f"targets.{dim}", "target must be a level 0-5", quote(level), "0-5"))
    if problems:
        raise InputError(f"{path}: invalid targets", problems)
    return {"default": default, "targets": dict(targets)}


def _level(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 5


def resolve(levels: dict, spec: dict) -> dict:
    """Target per dimension (None where the dimension is not applicable)."""
    out = {}
    for dim, level in levels.items():
        if level is None:
            out[dim] = None
        elif dim in spec["targets"]:
            out[dim] = spec["targets"][dim]
        elif spec["default"] == "next":
            out[dim] = min(level + 1, 5)
        else:
            out[dim] = spec["default"]
    return out


def roadmap(merged, levels: dict, targets: dict, names: dict, excluded=()) -> list[dict]:
    by_dimension: dict[str, list[dict]] = {}
    for m in merged:
        q = m.question
        level, target = levels.get(q.dimension), targets.get(q.dimension)
        if level is None or target is None or q.dimension in excluded or level >= target or q.level > target:
            continue
        if m.status == NOT_APPLICABLE or (m.status == ANSWERED and m.value >= target):
            continue
        value = m.value if m.status == ANSWERED else None
        gap = round(q.weight * (target - (value or 0)), 2)
        by_dimension.setdefault(q.dimension, []).append({
            "dimension": q.dimension, "dimension_name": names.get(q.dimension, q.dimension),
            "current_level": level, "target": target, "question": q.id, "question_level": q.level,
            "question_text": q.text, "answer": value, "status": m.status, "weight": q.weight,
            "responsibility": q.responsibility,
            "weighted_gap": gap, "action": q.action})
    ordered = sorted(by_dimension.items(), key=lambda kv: (-math.fsum(i["weighted_gap"] for i in kv[1]), kv[0]))
    items = []
    for _, group in ordered:
        items.extend(sorted(group, key=lambda i: (i["question_level"], -i["weighted_gap"], i["question"])))
    for rank, item in enumerate(items, start=1):
        item["rank"] = rank
    return items
