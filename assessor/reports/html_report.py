"""One self-contained HTML file from a Jinja2 template (templates/report.html.j2): the executive
summary first, then the same sections as the Excel report, charts as inline SVG.

No network at view time (a Content-Security-Policy forbids it), readable on screen and in print (wide
tables on landscape pages, a footer with the client, the date and page n of m). Autoescaping and
``templating.esc`` cover every string from a workbook.
"""
from __future__ import annotations

from assessor.reports import charts
from assessor.reports.base import (GAP_STATUSES, WARN_STATUSES, TextReporter, caps_text, compact_cells, level_text,
                                   overall_basis, owner_text, produced_by, raci_letters, weakest_text)
from assessor.reports.templating import render

SEVERITIES = ("critical", "high", "medium", "low", "info")
SECTIONS = (("summary", "Summary"), ("why", "Why this type and tier"), ("dimensions", "Dimensions"),
            ("findings-h", "Findings"), ("plan", "Remediation plan"), ("coverage", "Coverage"),
            ("roadmap", "Roadmap"), ("answers", "Answers"), ("trace", "Trace"))

SCRIPT = """
document.getElementById('severity').addEventListener('change', function (e) {
  var wanted = e.target.value;
  document.querySelectorAll('#findings tbody tr').forEach(function (row) {
    row.hidden = wanted !== '' && row.getAttribute('data-severity') !== wanted;
  });
});
"""


class HtmlReporter(TextReporter):
    name = "html"

    def render(self, data: dict) -> str:
        return render("report.html.j2", context(data))


def context(data: dict) -> dict:
    """What the template shows, worked out: the template only lays it out."""
    from markupsafe import Markup

    org, m = data["organisation"], data["maturity"]
    counts = {s: 0 for s in SEVERITIES}
    for f in data["findings"]:
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    overall = m["overall"]
    score = "n/a" if overall["score"] is None else f"{overall['score']:.2f}"
    scored = [d for d in m["dimensions"] if d["level"] is not None]
    roles = [r["id"] for r in data["coverage"]["roles"]]
    several = len(data["respondents"]) > 1  # one workbook: its name on every cell says nothing
    footer = " · ".join(x for x in (str(org.get("organisation") or ""), str(org.get("pmo_name") or ""),
                                    f"assessed {org.get('assessment_date')}" if org.get("assessment_date") else "")
                        if x)
    return {
        "data": data, "severities": SEVERITIES, "script": Markup(SCRIPT), "produced_by": produced_by(data),
        "sections": [(i, n) for i, n in SECTIONS if i != "plan" or data.get("plan")],
        "respondents": ", ".join(str(r.get("respondent") or r["file"]) for r in data["respondents"]),
        "footer": footer,
        "overall": {"level": level_text(overall["level"]),
                    "detail": f"{overall_basis(overall)}; score {score} of 5"
                              + (f"; {weakest_text(m)}" if weakest_text(m) else "")},
        "counts": ", ".join(f"{n} {s}" for s, n in counts.items() if n),
        "radar": charts.radar_chart([(d["name"], d["score"], d["target"]) for d in scored]),
        "bars": charts.score_bars([(d["name"], d["score"], d["level"], d["target"]) for d in scored]),
        "why": [(r["rule"], r["reason"], compact_cells(r["evidence"], several))
                for r in data["classification"]["because"]],
        "caps": {d["id"]: caps_text(d) for d in m["dimensions"]},
        "where": {f["id"]: compact_cells(f["evidence"], several) for f in data["findings"]},
        "messages": {f["id"]: f["message"] for f in data["findings"]},
        "roles": roles, "letters": {r["id"]: raci_letters(r) for r in data["coverage"]["responsibilities"]},
        "gap_statuses": GAP_STATUSES, "warn_statuses": WARN_STATUSES,
        "items": {i["question"]: i for i in data["roadmap"]["items"]},
        "efforts": _efforts(data),
        "owners": {a["rank"]: owner_text(a["owner"]) for p in data["roadmap"]["phases"] for a in p["actions"]},
    }


def _efforts(data: dict) -> list[dict]:
    """The effort bands the roadmap uses, smallest first, for its legend."""
    seen = {}
    for phase in data["roadmap"]["phases"]:
        for a in phase["actions"]:
            seen.setdefault(a["effort"]["band"], a["effort"]["label"])
    order = {"S": 0, "M": 1, "L": 2}
    return [{"band": b, "label": label} for b, label in sorted(seen.items(), key=lambda kv: (order.get(kv[0], 9), kv[0]))]


REPORTER = HtmlReporter()
