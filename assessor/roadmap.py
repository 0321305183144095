"""The phased roadmap: the practices below target (``targets.roadmap``) and the responsibilities the
office's tier expects, as actions in phases, foundations first.

Pure: items, requirement facts and the rule base's ``roadmap`` setting in, phases out. Phases, effort
bands and wording are data (``rules/roadmap.yaml``). Each action names its owner (the staffed role the
office's own RACI makes Accountable for it, else the catalogue's typical one), an effort band, and
what it unlocks: the level its dimension reaches once this phase's actions (and the earlier phases')
in that dimension are done, or the tier.

Order: phase by phase; in a phase the tier's prerequisites first, then the practices of the least
mature dimension first, each dimension's lower-level practices before its higher ones, the larger
weighted gap first. Ranks run through the whole roadmap.
"""
from __future__ import annotations

import math
from functools import lru_cache

from assessor.model import ANSWERED, NOT_APPLICABLE

SETTING = "roadmap"


@lru_cache(maxsize=1)
def shipped_setting() -> dict:
    """The shipped rules/roadmap.yaml's setting: for a rule pack that brings no roadmap of its own."""
    from assessor import paths
    from assessor.errors import RuleError
    from assessor.yamlfile import load_yaml

    return load_yaml(paths.rules_dir() / "roadmap.yaml", RuleError)["settings"][SETTING]


# the fields each sentence of the wording may use
WORDING_FIELDS = {"tier_action": {"name", "typical"}, "unlocks_level": {"dimension", "level"},
                  "toward_level": {"dimension", "level"}, "unlocks_current": {"reason"},
                  "unlocks_next": {"tier", "tier_name"}}
# sentences a rule pack's roadmap may leave out (added after packs were written): the shipped one is used
OPTIONAL_WORDING = {"next_step": {"name", "question", "answer", "target", "steps"}}


def setting_problem(value) -> str | None:
    """What is wrong with a ``roadmap`` setting, or None (the rule loader reports it with its file)."""
    if not isinstance(value, dict):
        return "a mapping with phases, effort, tier_effort, default_owner and wording"
    phases, effort, wording = value.get("phases"), value.get("effort"), value.get("wording")
    text = lambda v: isinstance(v, str) and v.strip() != ""  # noqa: E731
    if not isinstance(phases, list) or not phases or not all(
            isinstance(p, dict) and {"id", "name", "goal", "practice_levels"} <= set(p)
            and text(p["id"]) and text(p["name"]) and isinstance(p["goal"], str)
            and isinstance(p["practice_levels"], list) and set(p["practice_levels"]) <= {1, 2, 3, 4, 5}
            and p.get("tier", "current") in ("current", "next") for p in phases):
        return "phases: a list of {id, name, goal, practice_levels: [1-5], tier: current|next}"
    if len({p["id"] for p in phases}) != len(phases):
        return "phases: each id once"
    levels = [level for p in phases for level in p["practice_levels"]]
    if sorted(levels) != [1, 2, 3, 4, 5]:
        return "phases: every practice level 1 to 5 in exactly one phase"
    tiers = [p.get("tier") for p in phases if p.get("tier")]
    if tiers.count("current") > 1 or tiers.count("next") > 1:
        return "phases: at most one phase with tier: current and one with tier: next"
    if not isinstance(effort, list) or not effort or not all(
            isinstance(e, dict) and {"band", "label", "gap_up_to"} <= set(e) and text(e["band"]) and text(e["label"])
            and isinstance(e["gap_up_to"], (int, float)) and not isinstance(e["gap_up_to"], bool) for e in effort) \
            or max(e["gap_up_to"] for e in effort) < 5:
        return "effort: a list of {band, label, gap_up_to: a number}, the last reaching a gap of 5"
    if value.get("tier_effort") not in {e["band"] for e in effort}:
        return "tier_effort: one of the effort bands"
    if not text(value.get("default_owner")):
        return "default_owner: a role id"
    if not isinstance(wording, dict) or not set(WORDING_FIELDS) <= set(wording):
        return "wording: " + ", ".join(sorted(WORDING_FIELDS))
    for key, allowed in {**WORDING_FIELDS, **OPTIONAL_WORDING}.items():
        problem = _template_problem(wording[key], allowed) if key in wording else None
        if problem:
            return f"wording.{key}: {problem}"
    established = value.get("established_at", 3)
    if not isinstance(established, int) or isinstance(established, bool) or not 1 <= established <= 5:
        return "established_at: a practice level from 1 to 5"
    return None


def _template_problem(template, allowed: set) -> str | None:
    """A wording sentence may use only its own {fields}, plainly (no format spec or attribute)."""
    import string

    if not isinstance(template, str) or not template.strip():
        return "a sentence"
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        return f"not a sentence with {{fields}} ({exc}); write {{{{ and }}}} for a brace"
    for name, spec, conv in fields:
        if name not in allowed or spec or conv:
            return f"{{{name}}} is not one of its fields: " + ", ".join(f"{{{f}}}" for f in sorted(allowed))
    return None


def plan(items: list[dict], answers, requirements: list[dict], bank, model: str, setting: dict | None,
         next_tier_name: str | None, staffed: frozenset = frozenset(), accountable: dict | None = None,
         role_names: dict | None = None) -> tuple[list[dict], list[dict]]:
    """(items in roadmap order, ranked and with their phase, owner, effort and unlocks; the phases).

    ``answers``: the merged answers (scoring.MergedAnswer); ``requirements``: the requirement facts'
    attributes (requirements.requirement_facts) of the office's type and tier; ``staffed``: the role
    ids somebody holds in this office (an owner the office does not staff says so); ``accountable``:
    responsibility id -> the staffed roles the office's own RACI makes Accountable for it; ``role_names``:
    role id -> the name the office's Roles sheet gives it (its own roles have no other)."""
    setting = setting or shipped_setting()
    phases = setting["phases"]
    phase_of_level = {level: p["id"] for p in phases for level in p["practice_levels"]}
    order = {p["id"]: i for i, p in enumerate(phases)}
    owners = _owners(bank, model, setting["default_owner"], staffed, accountable or {}, role_names or {})
    bands = sorted(setting["effort"], key=lambda e: e["gap_up_to"])
    words = {**shipped_setting()["wording"], **setting["wording"]}
    next_step = _next_step(bank, words["next_step"], setting.get("established_at", 3))
    items = [dict(i) for i in items]
    for i in items:
        i["phase"] = phase_of_level[_step(i)]
        i["action"] = next_step(i) or i["action"]
        gap = i["target"] - (i["answer"] or 0)
        band = next((b for b in bands if gap <= b["gap_up_to"]), bands[-1])
        i["effort"] = {"band": band["band"], "label": band["label"]}
        i["owner"] = owners(i.get("responsibility"))
    _unlocks(items, answers, order, words)
    items.sort(key=lambda i: (order[i["phase"]], i["current_level"], i["dimension"], i["question_level"],
                              -i["weighted_gap"], i["question"]))
    tier_band = next(b for b in bands if b["band"] == setting["tier_effort"])
    tier_actions = {p["tier"]: p["id"] for p in phases if p.get("tier")}
    # the practice level an owner is first needed for: the lowest level of the bank's questions on it
    first_level = {}
    for q in bank.questions:
        for resp in q.responsibilities:
            first_level[resp] = min(first_level.get(resp, 5), q.level)
    prerequisites = []
    for scope in ("current", "next"):
        for r in sorted((r for r in requirements if r["subject"] == "responsibility" and r["scope"] == scope
                         and not r["covered"]), key=lambda r: (not r.get("critical"), r["item"])):
            if scope not in tier_actions:
                continue
            # A critical responsibility gets its owner in the tier's phase; another when its practices
            # are due: an owner for benchmarking (a level 5 practice) is no foundation (a portfolio office
            # was given 22 "Foundations" actions, benchmarking among them, ahead of its inventory).
            phase = tier_actions[scope]
            if not r.get("critical") and r["item"] in first_level:
                phase = max(phase, phase_of_level[first_level[r["item"]]], key=order.get)
            prerequisites.append({
                "kind": "tier", "phase": phase, "responsibility": r["item"], "name": r["name"],
                "text": words["tier_action"].format(name=r["name"], typical=r.get("typical") or "a staffed role"),
                "owner": owners(r["item"]), "critical": bool(r.get("critical")),
                "effort": {"band": tier_band["band"], "label": tier_band["label"]},
                "unlocks": (words["unlocks_current"].format(reason=r["reason"]) if scope == "current" else
                            words["unlocks_next"].format(tier=r["tier"], tier_name=next_tier_name or ""))})
    actions = []
    for p in phases:
        actions += [a for a in prerequisites if a["phase"] == p["id"]]
        actions += [{"kind": "practice", "phase": p["id"], "question": i["question"], "dimension": i["dimension"],
                     "text": i["action"], "owner": i["owner"], "effort": i["effort"], "unlocks": i["unlocks"]}
                    for i in items if i["phase"] == p["id"]]
    for rank, action in enumerate(actions, start=1):
        action["rank"] = rank
    rank_of = {a["question"]: a["rank"] for a in actions if a["kind"] == "practice"}
    for i in items:
        i["rank"] = rank_of[i["question"]]
    out = [{"id": p["id"], "name": p["name"], "goal": p["goal"],
            "actions": [{k: v for k, v in a.items() if k != "phase"} for a in actions if a["phase"] == p["id"]]}
           for p in phases]
    return items, out


def _step(item: dict) -> int:
    """The practice level whose phase takes a practice: the next level its answer must reach, never below
    its question's own level. A level 1 practice answered 4 that must reach 5 is optimising, not a
    foundation (a mature office's roadmap opened with "Phase 1: Foundations", 21 actions)."""
    reached = math.floor(item["answer"] or 0)
    return min(item["target"], max(item["question_level"], reached + 1))


def _next_step(bank, sentence: str, established_at: int):
    """item -> the action for a practice already established (answered ``established_at`` or more): the
    guidance's picture of each answer from the next one up to the target, as the question's own action
    only says how to put the practice in place ("Offer a short introductory course ..." for an office at
    4 of 5). "" otherwise, and where the guidance does not picture every one of those answers."""
    questions = {q.id: q for q in bank.questions}
    names = {r.id: r.name for r in bank.responsibilities}

    def action(item: dict) -> str:
        question, answer = questions.get(item["question"]), item["answer"]
        if question is None or answer is None or answer < established_at:
            return ""
        pictures = [question.descriptor(n).rstrip(".") for n in range(math.floor(answer) + 1, item["target"] + 1)]
        if not pictures or not all(pictures):
            return ""
        return sentence.format(name=names.get(question.responsibility, question.responsibility), question=question.id,
                               answer=f"{answer:g}", target=item["target"], steps="; then ".join(pictures))

    return action


def _owners(bank, model: str, default: str, staffed: frozenset, accountable: dict, role_names: dict):
    """responsibility id -> {role, name, staffed}: the staffed role the office's own RACI makes
    Accountable for it, else the Accountable role of the catalogue's typical RACI for this type (an
    action for the head of PMO's responsibility went to an unstaffed resource manager), and whether
    somebody in the office holds it."""
    catalogue = {r.id: r for r in bank.responsibilities}
    names = {r.id: r.name for r in bank.roles} | role_names  # as the office names its roles, as the findings do

    def owner(responsibility: str | None) -> dict:
        spec = catalogue.get(responsibility or "")
        own = accountable.get(responsibility or "", ())
        role = own[0] if own else None
        if role is None and spec:
            role = next((r for r, v in spec.typical_raci(model) if v in ("A", "A/R")), None)
        role = role or default
        return {"role": role, "name": names.get(role, role), "staffed": role in staffed}

    return owner


def _unlocks(items: list[dict], answers, order: dict, words: dict) -> None:
    """Each item's ``unlocks``: the staged level its dimension reaches when its phase's items (and the
    earlier phases') in that dimension are done, if that is above the level before the phase."""
    practices: dict[str, dict[str, tuple[int, float]]] = {}
    for m in answers:
        q = m.question
        if m.status != NOT_APPLICABLE:
            practices.setdefault(q.dimension, {})[q.id] = (q.level, m.value if m.status == ANSWERED else 0)
    by_dimension: dict[str, list[dict]] = {}
    for i in items:
        by_dimension.setdefault(i["dimension"], []).append(i)
    for dimension, group in by_dimension.items():
        values = dict(practices.get(dimension, {}))
        reached = group[0]["current_level"]
        for phase in sorted({i["phase"] for i in group}, key=order.get):
            here = [i for i in group if i["phase"] == phase]
            for i in here:
                values[i["question"]] = (i["question_level"], i["target"])
            level = max(reached, staged_level(values.values()))
            for i in here:
                name, target = i["dimension_name"], i["target"]
                i["unlocks"] = (words["unlocks_level"].format(dimension=name, level=level) if level > reached
                                else words["toward_level"].format(dimension=name, level=target))
                i["unlocks_level"] = level if level > reached else None
            reached = level


def staged_level(practices) -> int:
    """The staged level of (practice level, value) pairs: the highest L with every practice of level
    <= L established at L or above (the maturity rules' model)."""
    practices = list(practices)
    level = 0
    for candidate in range(1, 6):
        if all(value >= candidate for at, value in practices if at <= candidate):
            level = candidate
        else:
            break
    return level
