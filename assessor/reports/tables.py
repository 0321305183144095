"""Plain-text tables for the store's commands (history, compare, benchmark) on a terminal.

Every value from a workbook goes through ``shown``: a client's name never drives the terminal.
"""
from __future__ import annotations

from assessor.terminal import shown


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[shown("" if v is None else v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in cells]) + "\n"


def offices(items) -> str:
    if not items:
        return "the store holds no assessments yet: `pmo-assess assess FILE --save` adds one\n"
    return table(["office", "organisation", "PMO", "assessments", "latest"],
                 [[o.id, o.organisation, o.name, o.assessments, o.latest] for o in items])


def history(office, rows: list[dict]) -> str:
    dims = sorted({d for r in rows for d in r["dimensions"]})
    head = f"{shown(office.organisation)} / {shown(office.name)}: {len(rows)} assessment(s)\n"
    body = table(["id", "date", "type", "tier", "overall"] + dims,
                 [[r["id"], r["date"], r["model"], r["tier"], r["overall"]]
                  + [_level(r["dimensions"].get(d)) for d in dims] for r in rows])
    return head + body


def _level(value) -> str:
    if not value or value.get("level") is None:
        return "-"
    return str(value["level"])


def _delta(change: dict) -> str:
    if change["delta"] is None:
        return "" if not change["changed"] else "changed"
    return f"{change['delta']:+g}" if change["delta"] else "="


def comparison(c: dict) -> str:
    b, a = c["before"], c["after"]
    lines = [f"{shown(a['organisation'])} / {shown(a['pmo_name'])}: {shown(b['assessment_date'])} -> "
             f"{shown(a['assessment_date'])}"]
    for note in c["compatibility"]["notes"]:
        lines.append(f"note: {note}")
    compat = c["compatibility"]
    for key, label in (("questions_added", "questions added"), ("questions_removed", "questions removed"),
                       ("questions_reworded", "questions reworded")):
        if compat[key]:
            lines.append(f"{label}: {', '.join(compat[key])}")
    cl = c["classification"]
    lines.append(f"type: {cl['model']['before']} -> {cl['model']['after']}" + ("" if cl["model"]["changed"] else " (same)"))
    lines.append(f"tier: {cl['tier']['before']} -> {cl['tier']['after']}" + ("" if cl["tier"]["changed"] else " (same)"))
    o = c["overall"]
    lines.append(f"overall level: {o['level']['before']} -> {o['level']['after']}; score {o['score']['before']} -> "
                 f"{o['score']['after']}")
    lines.append("")
    text = "\n".join(lines) + "\n"
    text += table(["dimension", "level", "change", "score", "change"],
                  [[d["name"], f"{_dash(d['level']['before'])} -> {_dash(d['level']['after'])}", _delta(d["level"]),
                    f"{_dash(d['score']['before'])} -> {_dash(d['score']['after'])}", _delta(d["score"])]
                   for d in c["dimensions"]])
    f = c["findings"]
    text += f"\nfindings: {len(f['new'])} new, {len(f['resolved'])} resolved, {len(f['persisting'])} persisting\n"
    for label, items in (("new", f["new"]), ("resolved", f["resolved"])):
        for item in items[:10]:
            text += f"  {label:<9} [{item['severity']}] {shown(item['message'])}\n"
        if len(items) > 10:
            text += f"  ... and {len(items) - 10} more {label}: write the comparison with -o compare.json\n"
    return text


def _dash(value) -> str:
    return "-" if value is None else str(value)


def benchmark(b: dict) -> str:
    o, p = b["office"], b["peers"]
    head = (f"{shown(o['organisation'])} / {shown(o['pmo_name'])} ({o['assessment_date']}) among {p['size']} peer "
            f"offices ({shown(p['described'])})\n"
            f"overall level {_dash(b['overall']['level'])}; peers' median {_dash(b['overall']['peer_median'])}\n\n")
    return head + table(["dimension", "level", "score", "percentile", "peers' median", "peers"],
                        [[d["name"], _dash(d["level"]), _dash(d["score"]),
                          "-" if d["percentile"] is None else ordinal(d["percentile"]), _dash(d["peer_median"]),
                          d["peers"]] for d in b["dimensions"]])


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
