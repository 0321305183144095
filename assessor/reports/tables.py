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


def history(document: dict) -> str:
    from assessor.frames import HISTORY_COLUMNS, history_rows

    office, dims = document["office"], [d["id"] for d in document["dimensions"]]
    head = f"{shown(office['organisation'])} / {shown(office['pmo_name'])}: {len(document['assessments'])} assessment(s)\n"
    shown_columns = [c for c in HISTORY_COLUMNS if c != "score"] + dims
    return head + table(shown_columns, [[dash(r[c]) if c in dims else r[c] for c in shown_columns]
                                        for r in history_rows(document)])


def _delta(row: dict, measure: str) -> str:
    change = row[f"{measure}_change"]
    if change is None:
        return "changed" if row[f"{measure}_before"] != row[f"{measure}_after"] else ""
    return f"{change:+g}" if change else "="


def comparison(c: dict) -> str:
    from assessor.comparison import counts, office_name, words

    w = words(c)
    b, a = c["before"], c["after"]
    if c["compatibility"]["same_office"]:
        lines = [f"{shown(office_name(a))}: {shown(b['assessment_date'])} -> {shown(a['assessment_date'])}"]
    else:
        lines = [f"A: {shown(office_name(b))} ({shown(b['assessment_date'])})",
                 f"B: {shown(office_name(a))} ({shown(a['assessment_date'])})"]
    for note in c["compatibility"]["notes"]:
        lines.append(f"note: {shown(note)}")
    compat = c["compatibility"]
    for key, label in (("questions_added", "questions added"), ("questions_removed", "questions removed"),
                       ("questions_reworded", "questions reworded")):
        if compat[key]:
            lines.append(f"{label}: {', '.join(compat[key])}")
    cl, to = c["classification"], w["to"]
    lines.append(f"type: {cl['model']['before']} {to} {cl['model']['after']}" + ("" if cl["model"]["changed"] else " (same)"))
    lines.append(f"tier: {cl['tier']['before']} {to} {cl['tier']['after']}" + ("" if cl["tier"]["changed"] else " (same)"))
    o = c["overall"]
    lines.append(f"overall level: {o['level']['before']} {to} {o['level']['after']}; score {o['score']['before']} {to} "
                 f"{o['score']['after']}")
    lines.append("")
    text = "\n".join(lines) + "\n"
    from assessor.frames import comparison_rows

    sides = "" if compat["same_office"] else " (A vs B)"
    text += table(["dimension", f"level{sides}", w["change"], f"score{sides}", w["change"]],
                  [[d["name"], f"{dash(d['level_before'])} {to} {dash(d['level_after'])}", _delta(d, "level"),
                    f"{dash(d['score_before'])} {to} {dash(d['score_after'])}", _delta(d, "score")]
                   for d in comparison_rows(c)])
    f = c["findings"]
    labels = {key: label for key, label, _ in w["findings"]}
    text += f"\nfindings: {', '.join(counts(c))}\n"
    width = max(len(labels[key]) for key in w["listed"])
    for key in w["listed"]:
        items = f[key]
        for item in items[:10]:
            text += f"  {labels[key]:<{width}}  [{item['severity']}] {shown(item['message'])}\n"
        if len(items) > 10:
            text += f"  ... and {len(items) - 10} more {labels[key]}: write the comparison with -o compare.json\n"
    return text


def dash(value) -> str:
    """A value as a table shows it: '-' for none."""
    return "-" if value is None else str(value)


def benchmark(b: dict) -> str:
    o, p = b["office"], b["peers"]
    head = (f"{shown(o['organisation'])} / {shown(o['pmo_name'])} ({o['assessment_date']}) among {p['size']} peer "
            f"offices ({shown(p['described'])})\n"
            f"overall level {dash(b['overall']['level'])}; peers' median {dash(b['overall']['peer_median'])}\n\n")
    from assessor.frames import benchmark_rows

    return head + table(["dimension", "level", "score", "percentile", "peers' median", "peers"],
                        [[d["name"], dash(d["level"]), dash(d["score"]),
                          "-" if d["percentile"] is None else ordinal(d["percentile"]), dash(d["peer_median"]),
                          d["peers"]] for d in benchmark_rows(b)])


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
