"""The executive summary: three to five key messages generated from an assessment's JSON contract.

Pure: ``to_dict()`` output in, ``[{"topic", "text"}]`` out. What the client must know, in the order an
executive reads it: what kind of office this is (and how sure we are), how mature it is (strongest and
weakest), what to fix first, what the next tier needs, and where the roadmap starts. No cell
references: those are in the report's detail sections and its trace.
"""
from __future__ import annotations

import re

SEVERE = ("critical", "high")


def key_messages(data: dict) -> list[dict]:
    messages = [_office(data["classification"]), _maturity(data["maturity"])]
    messages.append(_priorities(data.get("priorities") or [], data["findings"], _names_of(data)))
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
    if runner["tier"] and runner["tier"] > c["tier"]:  # a tier 2 office does tier 1 work: no news
        text += f" It already does some of the work of a {runner['tier_name']} (tier {runner['tier']})."
    missing, unknown = _functions(c.get("functions_not_run") or [])
    if missing:  # set up as that tier (its roles, its programmes), not yet running it
        these = "this function is" if len(missing) == 1 else "these functions are"
        text += f" It has a {c['tier_name']}'s roles, but {these} not in place yet: {_sentence(missing)}."
    if unknown:  # the function rule wants a level its dimension does not have (too few answers)
        text += f" Whether {_sentence(unknown)} could not be judged: too few answers."
    return {"topic": "office", "text": text}


def _functions(functions: list[dict]) -> tuple[list[str], list[str]]:
    """The titles of the functions not in place, and of those too few answers leave unknown."""
    return ([f["title"] for f in functions if f.get("judged", True)],
            [f["title"] for f in functions if not f.get("judged", True)])


def _maturity(m: dict) -> dict:
    o = m["overall"]
    assessed = [d for d in m["dimensions"] if d["level"] is not None and d["status"] == "assessed"]
    if o["level"] is None or not assessed:
        return {"topic": "maturity", "text": "Maturity could not be assessed: too few questions were answered."}
    # the dimensions the overall level counts (authority shows the type, not maturity: it is left out)
    top = o["strongest"]["level"]
    strongest = [d["name"] for d in m["dimensions"] if d["id"] in o["strongest"]["dimensions"]]
    weakest = {d["id"] for d in m["dimensions"] if d["id"] in o["weakest"]["dimensions"]}
    weak_names = [d["name"] for d in m["dimensions"] if d["id"] in weakest]
    if o["dimensions"] == 1:  # every other one not applicable, or without enough answers
        names = strongest or weak_names
        text = f"Overall maturity level {o['level']} of 5 (its one assessed dimension{': ' + names[0] if names else ''})"
    elif top != o["weakest"]["level"]:
        text = f"Overall maturity level {o['level']} of 5 (the median of {o['dimensions']} dimensions)"
        text += (f"; strongest: {_names(strongest)} (level {top}); weakest: {_names(weak_names)} "
                 f"(level {o['weakest']['level']})")
    else:
        text = (f"Overall maturity level {o['level']} of 5 (the median of {o['dimensions']} dimensions); every "
                f"dimension is at level {top}")
    text += "."
    if o.get("not_assessed"):
        n = len(o["not_assessed"])
        text += f" {n} dimension{'s' if n != 1 else ''} had too little evidence for a level."
    return {"topic": "maturity", "text": text}


def _names_of(data: dict) -> dict:
    """Ids a finding's subject may be -> what an executive calls them."""
    names = {r["id"]: f"“{r['name']}”" for r in data["coverage"]["responsibilities"] if r.get("name")}
    names.update({r["id"]: r["name"] for r in data["coverage"]["roles"] if r.get("name")})
    return names


def _priorities(priorities: list[dict], findings: list[dict], names: dict, most: int = 3) -> dict:
    """What to fix first, as kinds of problem and what they are about: the top three priorities."""
    severe = sum(1 for f in findings if f["severity"] in SEVERE)
    if not priorities:
        return {"topic": "priorities", "text": "No finding needs action."}
    by_id = {f["id"]: f for f in findings}
    about: dict[str, list[str]] = {}  # a kind of problem -> what it is about, in priority order
    for p in priorities[:most]:
        details = by_id[p["finding"]]["details"] if p["finding"] in by_id else []
        subject = names.get(p["subject"], p["subject"]) or ""
        if len(details) > 1:  # a grouped finding: its subject is a family, or only restates the kind
            words = set(re.findall(r"\w+", subject.lower()))
            echo = len(words & set(re.findall(r"\w+", p["title"].lower()))) >= len(words) / 2
            subject = f"{len(details)} cases" if echo else f"{subject}: {len(details)}"
        if subject not in about.setdefault(p["title"], []):  # one person's three conflicts: named once
            about[p["title"]].append(subject)
    shown = [f"{title} ({'; '.join(x for x in subjects if x)})" if any(subjects) else title
             for title, subjects in about.items()]
    lead = (f"{severe} critical or high finding{'s' if severe != 1 else ''}" if severe else
            "No critical or high finding")
    return {"topic": "priorities", "text": f"{lead}; fix first: " + "; ".join(shown) + "."}


def _next_tier(nxt: dict, c: dict) -> dict | None:
    if nxt["tier"] is None:  # the top tier: nothing above it to grow into
        own, _ = _functions(c.get("functions_not_run") or [])
        if own:  # awarded on its roles and counts: the first item said which functions are missing
            return {"topic": "next tier", "text": f"A {c['tier_name']} (tier {c['tier']}), the top tier, that does not "
                                                  f"run all its functions yet: the roadmap starts with them."}
        return {"topic": "next tier", "text": f"Already a {c['tier_name']} (tier {c['tier']}), the top tier: the "
                                              "roadmap deepens the practices rather than adding functions."}
    missing, functions = nxt["missing"], nxt.get("functions") or []
    # the functions it does not run first: owners alone do not make the next tier
    absent, unknown = _functions(functions)
    run = "; ".join(([f"functions not in place yet: {_sentence(absent)}"] if absent else [])
                    + ([f"functions too few answers leave unknown: {_sentence(unknown)}"] if unknown else []))
    if not missing:
        if functions:
            return {"topic": "next tier", "text": f"To grow into a {nxt['tier_name']} (tier {nxt['tier']}), {run}."}
        return {"topic": "next tier",
                "text": f"Every responsibility a {nxt['tier_name']} (tier {nxt['tier']}) needs already has an "
                        "owner: its practices decide the move."}
    first = f"“{missing[0]['name']}”"
    owners = (f"1 responsibility needs an owner: {first}" if len(missing) == 1 else
              f"{len(missing)} responsibilities need an owner, among them {first}")
    return {"topic": "next tier",
            "text": f"To grow into a {nxt['tier_name']} (tier {nxt['tier']}), "
                    + (f"{run}; and {owners}." if functions else f"{owners}.")}


def _sentence(titles: list[str]) -> str:
    """'the office runs programme management; a centre of excellence operates': rule titles as one clause."""
    def lowered(title: str) -> str:  # "PPM tool in use" keeps its acronym
        first = title.split(" ", 1)[0]
        return title if len(first) > 1 and first.isupper() else title[:1].lower() + title[1:]
    return "; ".join(lowered(t) for t in titles)


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
