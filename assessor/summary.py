"""The executive summary: three to five key messages generated from an assessment's JSON contract.

Pure: ``to_dict()`` output in, ``[{"topic", "text"}]`` out. What the client must know, in the order an
executive reads it: what kind of office this is (and how sure we are), how mature it is (strongest and
weakest), what to fix first, what the next tier needs, and where the roadmap starts. No cell
references: those are in the report's detail sections and its trace.
"""
from __future__ import annotations

SEVERE = ("critical", "high")


def key_messages(data: dict) -> list[dict]:
    messages = [_office(data["classification"]), _maturity(data["maturity"])]
    messages.append(_priorities(data.get("priorities") or [], data["findings"]))
    nxt = _next_tier(data["roadmap"]["next_tier"], data["classification"])
    if nxt:
        messages.append(nxt)
    start = _start(data["roadmap"].get("phases") or [])
    if start:
        messages.append(start)
    return messages


def _confidence(value: float) -> str:
    return "high" if value >= 0.8 else ("moderate" if value >= 0.6 else "low")


def _office(c: dict) -> dict:
    text = (f"A {c['model']} {c['tier_name']} (tier {c['tier']}), with {_confidence(c['confidence']['model'])} "
            f"confidence in the type ({c['confidence']['model']:.0%}) and {_confidence(c['confidence']['tier'])} "
            f"confidence in the tier ({c['confidence']['tier']:.0%}).")
    runner = c["runner_up"]
    if runner["model"]:
        text += f" It also shows traits of a {runner['model']} office."
    if runner["tier"]:
        text += f" It also does some of the work of a {runner['tier_name']} (tier {runner['tier']})."
    return {"topic": "office", "text": text}


def _maturity(m: dict) -> dict:
    o = m["overall"]
    assessed = [d for d in m["dimensions"] if d["level"] is not None and d["status"] == "assessed"]
    if o["level"] is None or not assessed:
        return {"topic": "maturity", "text": "Maturity could not be assessed: too few questions were answered."}
    top = max(d["level"] for d in assessed)
    strongest = [d["name"] for d in assessed if d["level"] == top]
    weakest = {d["id"] for d in m["dimensions"] if d["id"] in o["weakest"]["dimensions"]}
    weak_names = [d["name"] for d in m["dimensions"] if d["id"] in weakest]
    text = f"Overall maturity level {o['level']} of 5 (the median of {o['dimensions']} dimensions)"
    if top != o["weakest"]["level"]:
        text += (f"; strongest: {_names(strongest)} (level {top}); weakest: {_names(weak_names)} "
                 f"(level {o['weakest']['level']})")
    else:
        text += f"; every dimension is at level {top}"
    text += "."
    if o.get("not_assessed"):
        n = len(o["not_assessed"])
        text += f" {n} dimension{'s' if n != 1 else ''} had too little evidence for a level."
    return {"topic": "maturity", "text": text}


def _priorities(priorities: list[dict], findings: list[dict]) -> dict:
    severe = sum(1 for f in findings if f["severity"] in SEVERE)
    if not priorities:
        return {"topic": "priorities", "text": "No finding needs action."}
    first = priorities[0]
    lead = (f"{severe} critical or high finding{'s' if severe != 1 else ''}" if severe else
            "No critical or high finding")
    return {"topic": "priorities",
            "text": f"{lead}; fix first: {first['message']}"}


def _next_tier(nxt: dict, c: dict) -> dict | None:
    if nxt["tier"] is None:
        return {"topic": "next tier", "text": "Already a P3MO (tier 4): the roadmap deepens the practices "
                                              "rather than adding functions."}
    missing = nxt["missing"]
    if not missing:
        return {"topic": "next tier",
                "text": f"Every responsibility a {nxt['tier_name']} (tier {nxt['tier']}) needs already has an "
                        "owner: its practices decide the move."}
    first = f"“{missing[0]['name']}”"
    return {"topic": "next tier",
            "text": f"To grow into a {nxt['tier_name']} (tier {nxt['tier']}), {len(missing)} responsibilit"
                    f"{'y needs' if len(missing) == 1 else 'ies need'} an owner, among them {first}."}


def _start(phases: list[dict]) -> dict | None:
    first = next((p for p in phases if p["actions"]), None)
    if first is None:
        return None
    action = first["actions"][0]
    count = len(first["actions"])
    return {"topic": "roadmap",
            "text": f"Start with {first['name']} ({count} action{'s' if count != 1 else ''}): "
                    f"{action['text'].rstrip('.')}."}


def _names(names: list[str], most: int = 3) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")
