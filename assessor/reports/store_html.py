"""Self-contained HTML of the store's documents (history, comparison, benchmark), from a Jinja2
template with autoescaping: the same look, Content-Security-Policy and offline guarantee as the
assessment report, with a trend chart (a line per dimension over time) and a percentile chart.

Every value goes through ``esc`` (Jinja2's ``finalize``): markup characters, C0 controls and bidi
characters all become character references, as in the assessment report.
"""
from __future__ import annotations

from assessor.frames import benchmark_rows, comparison_rows, finding_change_rows, history_rows
from assessor.reports import charts
from assessor.reports.base import TextReporter
from assessor.reports.store_xlsx import when
from assessor.reports.templating import render


def trend(document: dict, measure: str = "score") -> dict:
    """The trend chart of a history document: a line per dimension, a point per assessment."""
    rows = history_rows(document, measure)
    return charts.line_chart([when(a) for a in document["assessments"]],
                             [(d["name"], [r[d["id"]] for r in rows]) for d in document["dimensions"]])


class StoreHtmlReporter(TextReporter):
    name = "html"

    def render(self, data: dict) -> str:
        from assessor import __version__

        context = {"kind": data["kind"], "doc": data, "version": __version__}
        if data["kind"] == "history":
            context.update(history=self._history(data))
        elif data["kind"] == "comparison":
            from assessor.comparison import counts, office_name, words

            rows = comparison_rows(data)
            b, a, w = data["before"], data["after"], words(data)
            context.update(rows=rows, changes=finding_change_rows(data), words=w,
                           heads={k: w[k][:1].upper() + w[k][1:] for k in ("before", "after", "change")},
                           counts=counts(data),
                           arrow="→" if data["compatibility"]["same_office"] else "vs",
                           names={"before": office_name(b), "after": office_name(a)},
                           chart=charts.line_chart(
                               [f"{b['assessment_date'] or ''} ({w['before']})".strip(),
                                f"{a['assessment_date'] or ''} ({w['after']})".strip()],
                               [(r["name"], [r["score_before"], r["score_after"]]) for r in rows]))
        else:
            rows = benchmark_rows(data)
            context.update(rows=rows, chart=charts.bar_chart([(r["name"], r["percentile"]) for r in rows]),
                           history=self._history(data["history"]) if data.get("history") else None)
        return render("store.html.j2", context)

    @staticmethod
    def _history(doc: dict) -> dict:
        return {"doc": doc, "rows": history_rows(doc, "level"), "chart": trend(doc)}


REPORTER = StoreHtmlReporter()
