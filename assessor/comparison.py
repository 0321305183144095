"""What moved between two assessments of an office: type and tier, each dimension's level and score,
the findings new, resolved and persisting, and whether the two are comparable at all.

Two different offices (organisation or PMO name differ) are still compared, side by side: a
consultant may set peers beside each other. Nothing then moved from one to the other, so the
comparison says so (``compatibility.same_office`` false, a note), calls the sides A and B instead
of before and after, and sorts the findings into only in A, only in B and in both.

Pure: it reads two JSON reports (``Assessment.to_dict()`` or a stored report). Assessments made with
different banks or rule bases are still compared, question by question id, and the comparison says
what changed in between.
"""
from __future__ import annotations

from assessor.errors import AssessorError
from assessor.store.keys import name_key

SEVERITY = ("critical", "high", "medium", "low", "info")

# The words a comparison is shown with: one office over time, or two offices side by side. Each kind
# of finding is (its key in the document's findings, its label, the side it is found on), in the
# order the reports' tables list them; "listed": the kinds the console lists one by one.
WORDS = {
    True: {"before": "before", "after": "after", "to": "->", "change": "change", "title": "What moved",
           "findings": (("new", "new", "after"), ("persisting", "persisting", "both"),
                        ("resolved", "resolved", "before")),
           "listed": ("new", "resolved")},
    False: {"before": "A", "after": "B", "to": "vs", "change": "B - A", "title": "Two offices side by side",
            "findings": (("only_in_a", "only in A", "before"), ("in_both", "in both", "both"),
                         ("only_in_b", "only in B", "after")),
            "listed": ("only_in_a", "only_in_b")},
}


class ComparisonError(AssessorError):
    """Two sides that make no comparison."""


def words(comparison: dict) -> dict:
    """The words every format shows ``comparison`` with (``WORDS``)."""
    return WORDS[comparison["compatibility"].get("same_office", True)]


def counts(comparison: dict) -> list[str]:
    """How many findings of each kind, the kinds listed one by one first: ["6 new", "5 resolved", "2 persisting"]."""
    w = words(comparison)
    return [f"{len(comparison['findings'][key])} {label}"
            for key, label, _ in sorted(w["findings"], key=lambda kind: kind[0] not in w["listed"])]


def office_name(side: dict) -> str:
    return f"{side.get('organisation') or '(no organisation)'} / {side.get('pmo_name') or '(no PMO name)'}"


def warnings(comparison: dict) -> list[str]:
    """The lines to say beside a comparison, wherever it is written: two offices are not one office's progress."""
    if comparison["compatibility"].get("same_office", True):
        return []
    return [f"warning: comparing two different offices, A {office_name(comparison['before'])} and "
            f"B {office_name(comparison['after'])}: shown side by side, not as one office's progress"]


def same_office(before: dict, after: dict) -> bool:
    """Whether two reports are of one office: organisation and PMO name the same, spelled any way
    (the store's keys; an alias is known only to the store, whose caller says so instead)."""
    a, b = before["organisation"], after["organisation"]
    return (name_key(a.get("organisation")), name_key(a.get("pmo_name"))) == \
        (name_key(b.get("organisation")), name_key(b.get("pmo_name")))


def compare(before: dict, after: dict, one_office: bool | None = None) -> dict:
    """``before`` and ``after`` compared; ``one_office`` when the caller knows whether they are one
    office (the store, through its aliases), else it is told by their names."""
    one_office = same_office(before, after) if one_office is None else one_office
    return {
        "kind": "comparison",
        "before": _identity(before),
        "after": _identity(after),
        "compatibility": _compatibility(before, after, one_office),
        "classification": {
            "model": _change(before["classification"]["model"], after["classification"]["model"]),
            "tier": _change(before["classification"]["tier"], after["classification"]["tier"]),
        },
        "overall": {
            "level": _change(before["maturity"]["overall"]["level"], after["maturity"]["overall"]["level"]),
            "score": _change(before["maturity"]["overall"]["score"], after["maturity"]["overall"]["score"]),
        },
        "dimensions": _dimensions(before, after),
        "findings": _findings(before, after, one_office),
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


def _compatibility(before: dict, after: dict, one_office: bool) -> dict:
    qa = {a["question"]: a for a in before["maturity"]["answers"]}
    qb = {a["question"]: a for a in after["maturity"]["answers"]}
    same_bank = (before["questionnaire"]["id"], before["questionnaire"]["version"]) == \
        (after["questionnaire"]["id"], after["questionnaire"]["version"])
    same_rules = before["rulebase"]["fingerprint"] == after["rulebase"]["fingerprint"]
    templates = [sorted({str(r.get("template_version") or "unstamped") for r in x["respondents"]}) for x in (before, after)]
    same_templates = templates[0] == templates[1]
    notes = []
    if not one_office:
        notes.append(f"two different offices: A is {office_name(before['organisation'])}, B is "
                     f"{office_name(after['organisation'])}; they are set side by side (findings only in A, only "
                     "in B, in both), not compared as one office's progress")
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
        "comparable": one_office and same_bank and same_rules and same_templates, "same_office": one_office,
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


def _findings(before: dict, after: dict, one_office: bool = True) -> dict:
    old = {f["id"]: f for f in before["findings"]}
    new = {f["id"]: f for f in after["findings"]}

    def brief(f, **extra):
        return {"id": f["id"], "rule": f["rule"], "severity": f["severity"], "subject": f.get("subject"),
                "message": f["message"], **extra}

    def ordered(items):
        return sorted(items, key=lambda f: (SEVERITY.index(f["severity"]) if f["severity"] in SEVERITY else 9, f["id"]))

    persisting = ordered(brief(new[i], severity_before=old[i]["severity"]) for i in new if i in old)
    only_after = ordered(brief(new[i]) for i in new if i not in old)
    only_before = ordered(brief(old[i]) for i in old if i not in new)
    if not one_office:
        return {"only_in_a": only_before, "only_in_b": only_after, "in_both": persisting}
    return {"new": only_after, "resolved": only_before, "persisting": persisting}


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
