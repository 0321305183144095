"""One self-contained HTML file: the same sections as the Excel report, charts as inline SVG.

No network at view time (a Content-Security-Policy forbids it), readable on
screen and in print. Every string from a workbook goes through ``esc``.
"""
from __future__ import annotations

import math
import re
from html import escape

from assessor.reports.base import (TextReporter, caps_text, level_text, overall_basis, produced_by, raci_letters,
                                   weakest_text)
from assessor.reports.base import file_name as _file
from assessor.terminal import BEYOND_C0

SEVERITIES = ("critical", "high", "medium", "low", "info")

CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --head:#1f3864; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1180px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; color: var(--head);
     border-bottom: 2px solid var(--head); padding-bottom: 4px; }
.muted { color: var(--muted); } .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; align-items: start; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: var(--head); color: #fff; font-weight: 600; }
tr:nth-child(even) td { background: #f7f9fb; }
.sev { display: inline-block; padding: 0 6px; border-radius: 3px; font-weight: 600; font-size: 12px; }
.sev-critical { background:#9c0006; color:#fff; } .sev-high { background:#e15759; color:#fff; }
.sev-medium { background:#f28e2b; color:#fff; } .sev-low { background:#ffd966; } .sev-info { background:#d9d9d9; }
.gap { background: #f4b6b6 !important; } .warn { background: #fce4b6 !important; }
.kpi { display:flex; gap:12px; flex-wrap:wrap; margin: 12px 0; }
.kpi div { border:1px solid var(--line); border-radius:6px; padding:8px 12px; min-width: 150px; }
.kpi b { display:block; font-size: 20px; }
.raci td.l { text-align:center; width: 28px; } .raci th.r { writing-mode: vertical-rl; transform: rotate(180deg);
  white-space: nowrap; padding: 6px 2px; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
nav a { margin-right: 12px; }
@media print { body { max-width: none; padding: 0; font-size: 11px; } nav, .filter { display: none; }
  h2 { break-after: avoid; } table { page-break-inside: auto; } tr { break-inside: avoid; } .grid { display:block; } }
"""

SCRIPT = """
document.getElementById('severity').addEventListener('change', function (e) {
  var wanted = e.target.value;
  document.querySelectorAll('#findings tbody tr').forEach(function (row) {
    row.hidden = wanted !== '' && row.getAttribute('data-severity') !== wanted;
  });
});
"""


# html.escape leaves C0 controls alone (a carriage return would rewrite the terminal line), and the
# C1, separator and bidi characters beyond them.
_UNPRINTED = re.compile(f"[\x00-\x08\x0b-\x1f]|{BEYOND_C0.pattern}")


def esc(value) -> str:
    # Control and bidi characters become character references: the page shows the same, and the
    # HTML printed to a terminal cannot drive it.
    text = escape("" if value is None else str(value), quote=True)
    return _UNPRINTED.sub(lambda m: f"&#x{ord(m.group()):x};", text)


def _details(f: dict) -> str:
    """A grouped finding's single matches under its message."""
    if len(f["details"]) < 2:
        return ""
    return '<ul class="details">' + "".join(f"<li>{esc(d['message'])}</li>" for d in f["details"]) + "</ul>"


class HtmlReporter(TextReporter):
    name = "html"

    def render(self, data: dict) -> str:
        org = data["organisation"]
        title = f"PMO assessment - {org.get('organisation') or ''}"
        parts = [
            "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            'style-src \'unsafe-inline\'; script-src \'unsafe-inline\'; img-src data:">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>",
            f"<h1>{esc(title)}</h1>",
            f'<p class="muted">{esc(org.get("pmo_name"))} · assessed {esc(org.get("assessment_date"))} · '
            f'{esc(", ".join(str(r.get("respondent") or r["file"]) for r in data["respondents"]))} · '
            f'pmo-assess {esc(data["tool"]["version"])}, question bank {esc(data["questionnaire"]["id"])} '
            f'{esc(data["questionnaire"]["version"])}</p>',
            '<nav><a href="#summary">Summary</a><a href="#dimensions">Dimensions</a><a href="#findings-h">Findings</a>'
            '<a href="#coverage">Coverage</a><a href="#roadmap">Roadmap</a><a href="#answers">Answers</a>'
            '<a href="#trace">Trace</a></nav>',
            self._summary(data), self._dimensions(data), self._findings(data), self._plan(data), self._coverage(data),
            self._roadmap(data), self._answers(data), self._trace(data),
            f'<footer class="muted">{esc(produced_by(data))}</footer>',
            f"<script>{SCRIPT}</script></body></html>",
        ]
        return "\n".join(parts) + "\n"

    def _summary(self, data) -> str:
        c, m = data["classification"], data["maturity"]
        counts = {s: 0 for s in SEVERITIES}
        for f in data["findings"]:
            counts[f["severity"]] = counts.get(f["severity"], 0) + 1
        score = "n/a" if m["overall"]["score"] is None else f"{m['overall']['score']:.2f}"
        runner = c["runner_up"]
        kpis = [("PMO type", c["model"], f"confidence {c['confidence']['model']:.2f}"
                 + (f"; runner-up {runner['model']}" if runner["model"] else "")),
                ("Tier", f"{c['tier']} {c['tier_name']}", f"confidence {c['confidence']['tier']:.2f}"
                 + (f"; runner-up {runner['tier']} {runner['tier_name']}" if runner["tier"] else "")),
                ("Overall maturity", level_text(m['overall']['level']),
                 f"{overall_basis(m['overall'])}; score {score} of 5"
                 + (f"; {weakest_text(m)}" if weakest_text(m) else "")),
                ("Findings", str(len(data["findings"])),
                 ", ".join(f"{n} {s}" for s, n in counts.items() if n))]
        because = "".join(
            f"<tr><td>{esc(r['rule'])}</td><td>{esc(r['reason'])}</td>"
            f"<td>{esc(', '.join(dict.fromkeys(e['sheet'] + '!' + e['cell'] for e in r['evidence'])))}</td></tr>"
            for r in c["because"])
        priorities = "".join(
            f'<li><span class="sev sev-{esc(p["severity"])}">{esc(p["severity"])}</span> {esc(p["message"])}'
            f'<br><span class="muted">{esc(p["recommendation"])}</span></li>' for p in data.get("priorities", []))
        return ('<h2 id="summary">Summary</h2><div class="kpi">'
                + "".join(f"<div>{esc(k)}<b>{esc(v)}</b><span class=\"muted\">{esc(x)}</span></div>"
                          for k, v, x in kpis)
                + "</div>"
                + (f'<h3>Top priorities</h3><ol class="priorities">{priorities}</ol>' if priorities else "")
                + '<div class="grid"><div><h3>Why this type and tier</h3>'
                  '<table><thead><tr><th>Rule</th><th>Evidence</th><th>Cells</th></tr></thead>'
                + f"<tbody>{because}</tbody></table></div><div>{radar(m['dimensions'])}</div></div>")

    def _dimensions(self, data) -> str:
        rows = "".join(
            f"<tr><td>{esc(d['name'])}</td><td>{_num(d['score'])}</td><td>{_num(d['level'])}</td>"
            f"<td>{_num(d['target'])}</td><td>{_num(d['gap'])}</td><td>{d['answered']} of {d['questions']}"
            f"{' (' + str(d['not_applicable']) + ' N/A)' if d['not_applicable'] else ''}</td>"
            f"<td>{esc(caps_text(d))}</td></tr>"
            for d in data["maturity"]["dimensions"])
        return ('<h2 id="dimensions">Dimensions</h2><div class="grid"><table><thead><tr><th>Dimension</th>'
                '<th>Score</th><th>Level</th><th>Target</th><th>Gap</th><th>Answered</th>'
                '<th>What stops the next level</th></tr></thead>'
                f"<tbody>{rows}</tbody></table><div>{bars(data['maturity']['dimensions'])}</div></div>")

    def _findings(self, data) -> str:
        options = "".join(f'<option value="{s}">{s}</option>' for s in SEVERITIES)
        rows = "".join(
            f'<tr data-severity="{esc(f["severity"])}" id="{esc(f["id"])}"><td><span class="sev sev-{esc(f["severity"])}">'
            f'{esc(f["severity"])}</span></td><td>{esc(f["category"])}</td><td>{esc(f["subject"])}</td>'
            f'<td>{esc(f["message"])}{_details(f)}</td><td>{esc("; ".join(dict.fromkeys(_file(e["file"]) + " " + e["sheet"] + "!" + e["cell"] for e in f["evidence"])))}</td>'
            f'<td>{esc(f["recommendation"])}</td><td>{esc(f["rule"])}</td></tr>'
            for f in data["findings"])
        return ('<h2 id="findings-h">Findings</h2><p class="filter"><label>Severity '
                f'<select id="severity"><option value="">all</option>{options}</select></label></p>'
                '<table id="findings"><thead><tr><th>Severity</th><th>Category</th><th>Subject</th><th>Message</th>'
                f'<th>Where</th><th>Recommendation</th><th>Rule</th></tr></thead><tbody>{rows}</tbody></table>')

    def _plan(self, data) -> str:
        """With ``--plan``: the owners, dates and statuses carried forward, and what was resolved."""
        plan = data.get("plan")
        if not plan:
            return ""
        messages = {f["id"]: f["message"] for f in data["findings"]}
        carried = "".join(
            f'<tr><td>{esc(messages.get(p["id"], p["id"]))}</td><td>{esc(p["owner"])}</td><td>{esc(p["due"])}</td>'
            f'<td>{"reopened (marked " + esc(p["status"]) + ", still found)" if p["reopened"] else esc(p["status"])}</td></tr>'
            for p in plan["persisting"])
        resolved = "".join(
            f'<tr><td>{esc(r["message"] or r["id"])}</td><td>{esc(r["owner"])}</td><td>{esc(r["due"])}</td>'
            f'<td>resolved (was {esc(r["status"] or "open")})</td></tr>' for r in plan["resolved"])
        since = f" of {esc(plan['assessment_date'])}" if plan.get("assessment_date") else ""
        return (f'<h2 id="plan">Remediation plan</h2><p class="muted">Carried forward from {esc(plan["source"])}{since}: '
                f'{len(plan["persisting"])} persisting, {len(plan["resolved"])} resolved, {len(plan["new"])} new.</p>'
                '<table><thead><tr><th>Finding</th><th>Owner</th><th>Due</th><th>Status</th></tr></thead>'
                f'<tbody>{carried}{resolved}</tbody></table>')

    def _coverage(self, data) -> str:
        cov = data["coverage"]
        roles = [r["id"] for r in cov["roles"]]
        head = "".join(f'<th class="r">{esc(r)}</th>' for r in roles)
        body = []
        for r in cov["responsibilities"]:
            letters = raci_letters(r)
            cls = "gap" if r["status"] in ("no accountable", "several accountable", "accountable role not held") \
                else ("warn" if r["status"] == "accountable does the work" else "")
            body.append(f'<tr><td class="{cls}">{esc(r["name"])} <span class="muted">{esc(r["id"])}</span></td>'
                        f'<td class="{cls}">{esc(r["status"])}</td><td>{esc(r["required"] or "")}</td>'
                        + "".join(f'<td class="l">{esc(letters.get(role, ""))}</td>' for role in roles) + "</tr>")
        people = "".join(
            f'<tr><td>{esc(p["person"])}</td><td>{esc(", ".join(p["roles"]))}</td>'
            f'<td class="{"gap" if p["fte"] > 1 else ""}">{_num(p["fte"])}</td><td>{p["accountable"]}</td>'
            f'<td>{p["responsible"]}</td><td>{esc(", ".join(p["sole_critical"]))}</td>'
            f'<td>{esc(" ".join(p["findings"]))}</td></tr>' for p in cov["people"])
        return ('<h2 id="coverage">Coverage</h2><table class="raci"><thead><tr><th>Responsibility</th><th>Status</th>'
                f'<th>Required</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
                '<h3>Load per person</h3><table><thead><tr><th>Person</th><th>Roles</th><th>FTE</th>'
                '<th>Accountable for</th><th>Responsible for</th><th>Sole R/A on critical</th><th>Findings</th>'
                f'</tr></thead><tbody>{people}</tbody></table>')

    def _roadmap(self, data) -> str:
        rm = data["roadmap"]
        rows = "".join(
            f'<tr><td>{i["rank"]}</td><td>{esc(i["dimension_name"])}</td><td>{i["current_level"]} → {i["target"]}</td>'
            f'<td>{esc(i["question"])}</td><td>{_num(i["answer"]) if i["answer"] is not None else esc(i["status"])}</td>'
            f'<td>{_num(i["weighted_gap"])}</td><td>{esc(i["action"])}</td></tr>' for i in rm["items"])
        nxt = rm["next_tier"]
        extra = ""
        if nxt["tier"]:
            items = "".join(f"<li>{esc(x['message'])}</li>" for x in nxt["missing"]) or \
                "<li>No role or responsibility of the next tier is missing.</li>"
            extra = f"<h3>To reach tier {nxt['tier']} ({esc(nxt['tier_name'])})</h3><ul>{items}</ul>"
        return ('<h2 id="roadmap">Roadmap</h2><table><thead><tr><th>#</th><th>Dimension</th><th>Level</th>'
                '<th>Question</th><th>Answer</th><th>Weighted gap</th><th>Action</th></tr></thead>'
                f"<tbody>{rows}</tbody></table>{extra}")

    def _answers(self, data) -> str:
        rows = []
        for a in data["maturity"]["answers"]:
            for g in a["responses"]:
                rows.append(f'<tr><td>{esc(a["question"])}</td><td>{esc(a["text"])}</td><td>{_num(a["value"])}</td>'
                            f'<td>{esc(g["respondent"])}</td><td>{esc(g["answer"])}</td><td>{esc(g["cell"])}</td>'
                            f'<td>{esc(g["evidence"])}</td></tr>')
        return ('<h2 id="answers">Answers</h2><table><thead><tr><th>ID</th><th>Question</th><th>Merged</th>'
                '<th>Respondent</th><th>Answer</th><th>Cell</th><th>Evidence</th></tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>')

    def _trace(self, data) -> str:
        rows = "".join(
            f'<tr><td>{esc(t["rule"])}</td><td>{esc("; ".join(m["as"] + "=" + m["label"] for m in t["matched"]))}</td>'
            f'<td>{esc(t["concluded"] or t["finding"] or "")}</td></tr>' for t in data["trace"])
        return ('<h2 id="trace">Trace</h2><table><thead><tr><th>Rule</th><th>Matched facts</th><th>Outcome</th></tr>'
                f"</thead><tbody>{rows}</tbody></table>")


def _num(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return esc(value)


def radar(dimensions: list[dict], size: int = 420) -> str:
    """Current and target level per dimension as an SVG radar chart (dimensions with a level only)."""
    dims = [d for d in dimensions if d["level"] is not None]
    if len(dims) < 3:
        return ""
    width = size + 320  # room for the dimension names left and right
    cx, cy = width / 2, size / 2
    radius = size / 2 - 60

    def point(i, value):
        angle = -math.pi / 2 + 2 * math.pi * i / len(dims)
        r = radius * (value or 0) / 5
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    out = [f'<svg role="img" aria-label="Maturity radar: current and target level" viewBox="0 0 {width} {size}" '
           f'width="100%" style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg">']
    for ring in range(1, 6):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(len(dims))))
        out.append(f'<polygon points="{pts}" fill="none" stroke="#d9e2ec"/>')
    for i, d in enumerate(dims):
        x, y = point(i, 5.6)
        ex, ey = point(i, 5)
        out.append(f'<line x1="{cx}" y1="{cy}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="#d9e2ec"/>')
        anchor = "middle" if abs(x - cx) < 10 else ("start" if x > cx else "end")
        out.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{esc(_short(d["name"], 34))}</text>')
    for key, colour, dash in (("target", "#f28e2b", "4 3"), ("level", "#1f3864", "")):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, d[key]) for i, d in enumerate(dims)))
        out.append(f'<polygon points="{pts}" fill="{colour}" fill-opacity="0.15" stroke="{colour}" stroke-width="2"'
                   + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
    out.append(f'<text x="10" y="{size - 24}" fill="#1f3864">■ current level</text>'
               f'<text x="10" y="{size - 8}" fill="#f28e2b">■ target level</text></svg>')
    return "".join(out)


def bars(dimensions: list[dict], width: int = 520) -> str:
    """Score (bar) and staged level (mark) per dimension as an SVG bar chart (dimensions with a level)."""
    dims = [d for d in dimensions if d["level"] is not None]
    if not dims:
        return ""
    left, row_h = 200, 22
    height = 30 + row_h * len(dims)
    scale = (width - left - 20) / 5
    out = [f'<svg role="img" aria-label="Score and level by dimension" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" xmlns="http://www.w3.org/2000/svg">']
    for n in range(6):
        x = left + n * scale
        out.append(f'<line x1="{x:.1f}" y1="10" x2="{x:.1f}" y2="{height - 14}" stroke="#d9e2ec"/>'
                   f'<text x="{x:.1f}" y="{height - 2}" text-anchor="middle">{n}</text>')
    for i, d in enumerate(dims):
        y = 14 + i * row_h
        out.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{esc(d["name"][:30])}</text>')
        out.append(f'<rect x="{left}" y="{y + 3}" width="{(d["score"] or 0) * scale:.1f}" height="{row_h - 8}" '
                   f'fill="#4e79a7"><title>{esc(d["name"])}: score {_num(d["score"])}</title></rect>')
        lx = left + (d["level"] or 0) * scale
        out.append(f'<line x1="{lx:.1f}" y1="{y}" x2="{lx:.1f}" y2="{y + row_h - 2}" stroke="#e15759" stroke-width="3">'
                   f'<title>level {d["level"]}</title></line>')
    out.append("</svg>")
    return "".join(out)


REPORTER = HtmlReporter()


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"
