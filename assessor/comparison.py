"""What moved between two assessments of an office: type and tier, each dimension's level and score,
the findings new, resolved and persisting, and whether the two are comparable at all.

Pure: it reads two JSON reports (``Assessment.to_dict()`` or a stored report). Assessments made with
different banks or rule bases are still compared, question by question id, and the comparison says
what changed in between.
"""
from __future__ import annotations

SEVERITY = ("critical", "high", "medium", "low", "info")


def compare(before: dict, after: dict) -> dict:
    return {
        "kind": "comparison",
        "before": _identity(before),
        "after": _identity(after),
        "compatibility": _compatibility(before, after),
        "classification": {
            "model": _change(before["classification"]["model"], after["classification"]["model"]),
            "tier": _change(before["classification"]["tier"], after["classification"]["tier"]),
        },
        "overall": {
            "level": _change(before["maturity"]["overall"]["level"], after["maturity"]["overall"]["level"]),
            "score": _change(before["maturity"]["overall"]["score"], after["maturity"]["overall"]["score"]),
        },
        "dimensions": _dimensions(before, after),
        "findings": _findings(before, after),
        "answers": _answers(before, after),
    }


def _identity(report: dict) -> dict:
    org = report["organisation"]
    return {"organisation": org.get("organisation"), "pmo_name": org.get("pmo_name"),
            "assessment_date": org.get("assessment_date"),
            "respondents": [r.get("respondent") or r["file"] for r in report["respondents"]],
            "questionnaire": f"{report['questionnaire']['id']} {report['questionnaire']['version']}",
            "rulebase": report["rulebase"]["fingerprint"], "tool": report["tool"]["version"],
            "id": report.get("stored_id")}


def _change(old, new) -> dict:
    delta = None
    if isinstance(old, (int, float)) and isinstance(new, (int, float)) and not isinstance(old, bool):
        delta = round(new - old, 2)
    return {"before": old, "after": new, "delta": delta, "changed": old != new}


def _compatibility(before: dict, after: dict) -> dict:
    qa = {a["question"]: a for a in before["maturity"]["answers"]}
    qb = {a["question"]: a for a in after["maturity"]["answers"]}
    same_bank = (before["questionnaire"]["id"], before["questionnaire"]["version"]) == \
        (after["questionnaire"]["id"], after["questionnaire"]["version"])
    same_rules = before["rulebase"]["fingerprint"] == after["rulebase"]["fingerprint"]
    templates = [sorted({str(r.get("template_version") or "unstamped") for r in x["respondents"]}) for x in (before, after)]
    same_templates = templates[0] == templates[1]
    notes = []
    if not same_templates:
        notes.append(f"workbooks filled in on template {', '.join(templates[0])} -> {', '.join(templates[1])}: "
                     "answers are compared by question id (the warnings of each report name the questions whose "
                     "meaning changed)")
    if not same_bank:
        notes.append(f"question bank {before['questionnaire']['id']} {before['questionnaire']['version']} -> "
                     f"{after['questionnaire']['id']} {after['questionnaire']['version']}: answers are compared "
                     "by question id")
    if not same_rules:
        notes.append(f"rule base {before['rulebase']['fingerprint']} -> {after['rulebase']['fingerprint']}: "
                     "a level or finding may have moved because the rules changed, not the office")
    return {
        "comparable": same_bank and same_rules and same_templates,
        "same_questionnaire": same_bank and same_templates, "same_rulebase": same_rules, "notes": notes,
        "templates": {"before": templates[0], "after": templates[1]},
        "questions_added": sorted(set(qb) - set(qa)),
        "questions_removed": sorted(set(qa) - set(qb)),
        "questions_reworded": sorted(q for q in set(qa) & set(qb) if qa[q].get("text") != qb[q].get("text")),
    }


def _dimensions(before: dict, after: dict) -> list[dict]:
    old = {d["id"]: d for d in before["maturity"]["dimensions"]}
    new = {d["id"]: d for d in after["maturity"]["dimensions"]}
    order = [d["id"] for d in after["maturity"]["dimensions"]] + \
        [d for d in old if d not in new]
    rows = []
    for did in order:
        a, b = old.get(did, {}), new.get(did, {})
        rows.append({"id": did, "name": b.get("name") or a.get("name"),
                     "level": _change(a.get("level"), b.get("level")),
                     "score": _change(a.get("score"), b.get("score")),
                     "status": _change(a.get("status"), b.get("status"))})
    return rows


def _findings(before: dict, after: dict) -> dict:
    old = {f["id"]: f for f in before["findings"]}
    new = {f["id"]: f for f in after["findings"]}

    def brief(f, **extra):
        return {"id": f["id"], "rule": f["rule"], "severity": f["severity"], "subject": f.get("subject"),
                "message": f["message"], **extra}

    def ordered(items):
        return sorted(items, key=lambda f: (SEVERITY.index(f["severity"]) if f["severity"] in SEVERITY else 9, f["id"]))

    persisting = [brief(new[i], severity_before=old[i]["severity"]) for i in new if i in old]
    return {"new": ordered(brief(new[i]) for i in new if i not in old),
            "resolved": ordered(brief(old[i]) for i in old if i not in new),
            "persisting": ordered(persisting)}


def _answers(before: dict, after: dict) -> list[dict]:
    old = {a["question"]: a for a in before["maturity"]["answers"]}
    rows = []
    for b in after["maturity"]["answers"]:
        a = old.get(b["question"])
        if a is not None and (a["value"], a["status"]) != (b["value"], b["status"]):
            rows.append({"question": b["question"], "dimension": b["dimension"],
                         "before": a["value"] if a["status"] == "answered" else a["status"],
                         "after": b["value"] if b["status"] == "answered" else b["status"]})
    return rows
