"""A short summary for a terminal: type, tier, overall level, worst findings first."""
from __future__ import annotations

from assessor.reports.base import TextReporter, file_name, level_text, overall_basis, weakest_text
from assessor.terminal import shown, shown_lines

SHOWN_FINDINGS = 12


def _cells(evidence: list[dict], several_files: bool, most: int = 4) -> str:
    refs = {}  # in first-seen order, each once (a finding may rest on a hundred thousand cells)
    for e in evidence:
        ref = f"{e['sheet']}!{e['cell']}"
        if several_files:
            ref = f"{file_name(e['file'])} {ref}"
        refs[ref] = None
    refs = list(refs)
    shown = ", ".join(_plain(r) for r in refs[:most])
    return shown + (f" and {len(refs) - most} more" if len(refs) > most else "")


def _plain(text) -> str:
    # Workbook text reaches the terminal: its control characters are shown escaped, never obeyed.
    return shown(text)


def _mid_sentence(text: str) -> str:
    """A rule's reason, written as a sentence, after "because": "The PMO cannot ..." reads "the PMO
    cannot ..."; an acronym ("PMO staff ...") and a name of two capitalised words ("Microsoft Project
    is ...") keep their capitals."""
    first, _, rest = text.partition(" ")
    following = rest.split(" ", 1)[0]
    if first == "I" or not (first[:1].isupper() and first[1:] == first[1:].lower()):
        return text
    if following[:1].isupper() and following[1:] != following[1:].upper():  # "Microsoft Project"
        return text
    return text[0].lower() + text[1:]


class ConsoleReporter(TextReporter):
    name = "console"

    def render(self, data: dict) -> str:
        org = data["organisation"]
        c = data["classification"]
        m = data["maturity"]
        lines = [f"{_plain(org.get('organisation') or '(organisation not given)')}"
                 f" - {_plain(org.get('pmo_name') or 'PMO')}",
                 f"respondents: {', '.join(_plain(r['respondent'] or r['file']) for r in data['respondents'])}", ""]
        lines += ["In brief:"] + [f"  {n}. {_plain(m['text'])}" for n, m in enumerate(data["summary"], start=1)] + [""]
        runner = c["runner_up"]
        lines.append(f"Type:  {c['model']} (confidence {c['confidence']['model']:.0%}"
                     + (f"; runner-up {runner['model']}" if runner["model"] else "") + ")")
        lines.append(f"Tier:  {c['tier']} {c['tier_name']} (confidence {c['confidence']['tier']:.0%}"
                     + (f"; runner-up {runner['tier']} {runner['tier_name']}" if runner["tier"] else "") + ")")
        several = len(data["respondents"]) > 1
        overall = m["overall"]
        score = "n/a" if overall["score"] is None else f"{overall['score']:.2f}"
        lines.append(f"Maturity: overall {level_text(overall['level'])} ({overall_basis(overall)}; score {score} of 5)")
        if weakest_text(m):
            lines.append(f"  {_plain(weakest_text(m))}")
        priorities = data.get("priorities") or []
        if priorities:
            lines += ["", "Top priorities:"]
            lines += [f"  {p['rank']}. [{p['severity']}] {_plain(p['message'])}" for p in priorities]
        lines += ["", "Why this type and tier:"]
        for reason in c["because"]:
            lines.append(f"  because {_mid_sentence(_plain(reason['reason']))} [{reason['rule']}: "
                         f"{_cells(reason['evidence'], several)}]")
        lines += ["", "Maturity by dimension:"]
        for d in m["dimensions"]:
            if d["level"] is not None:
                s = "  -  " if d["score"] is None else f"{d['score']:.2f}"
                lines.append(f"  {_plain(d['name']):<42} level {d['level']}  score {s}")
            elif d["applicable"]:
                lines.append(f"  {_plain(d['name']):<42} no level: too little evidence")
            else:
                lines.append(f"  {_plain(d['name']):<42} not applicable")
        findings = data["findings"]
        counts = {}
        for f in findings:
            counts[f["severity"]] = counts.get(f["severity"], 0) + 1
        summary = ", ".join(f"{n} {s}" for s, n in counts.items()) or "none"
        lines += ["", f"Findings: {len(findings)} ({summary})"]
        for f in findings[:SHOWN_FINDINGS]:
            where = _cells(f["evidence"], several, 3)
            lines.append(f"  [{f['severity']}] {_plain(f['message'])}" + (f" ({where})" if where else ""))
        if len(findings) > SHOWN_FINDINGS:
            lines.append(f"  ... and {len(findings) - SHOWN_FINDINGS} more: write a report with -o report.json")
        if data.get("plan"):
            lines += _plan(data["plan"])
        return shown_lines("\n".join(lines)) + "\n"


def _plan(plan: dict) -> list[str]:
    lines = ["", f"Remediation plan from {_plain(plan['source'])}: {len(plan['persisting'])} persisting, "
                 f"{len(plan['resolved'])} resolved, {len(plan['new'])} new"]
    reopened = f" (reopened: marked Done in {_plain(plan['source'])}, still found)"
    for p in plan["persisting"]:
        if p["owner"] or p["due"] or p["reopened"] or p["notes"]:
            lines.append(f"  {_plain(p['id'])}: {_plain(p['owner'] or 'no owner')}, due {_plain(p['due'] or '-')}, "
                         + _plain(p["status"] or "Open") + (reopened if p["reopened"] else ""))
            lines += _notes(p)
    for r in plan["resolved"]:
        lines.append(f"  resolved: {_plain(r['message'] or r['id'])}" + (f" ({_plain(r['owner'])})" if r["owner"] else ""))
        lines += [f"    - {_plain(d)}" for d in r["details"]]
        lines += _notes(r)
    return lines


def _notes(item: dict) -> list[str]:
    """What the earlier plan held that was not carried as typed (a Due that is no date, say)."""
    return [f"      note: {_plain(n['text'])}" for n in item["notes"]]


REPORTER = ConsoleReporter()
