"""Excel workbooks of the store's documents: an office's history (a trend chart, a line per dimension),
a comparison of two assessments, and a benchmark placement (a percentile chart beside the trend).

The tables are ``assessor.frames``' rows, so the workbook shows what a notebook user's DataFrame holds.
Strings from workbooks and the store are written as inert text (``Sheets.put``).
"""
from __future__ import annotations

from assessor.frames import benchmark_rows, comparison_rows, finding_change_rows, history_rows
from assessor.reports.base import TextReporter
from assessor.reports.tables import dash, ordinal
from assessor.reports.xlsx_cells import Sheets, landscape, page_furniture

# one office over time: red new, green resolved; two offices side by side: neither side is better
CHANGE_FILL = {"new": "F4B6B6", "resolved": "C6EFCE", "persisting": "FCE4B6",
               "only in A": "DCE6F2", "only in B": "E4DFEC", "in both": "EDEDED"}


class StoreXlsxReporter(TextReporter):
    name = "xlsx"
    binary = True

    def render(self, data: dict) -> bytes:
        import io

        from assessor.xlsx import CREATOR, openpyxl

        wb = openpyxl().Workbook()
        book = _Book(wb)
        {"history": book.history, "comparison": book.comparison, "benchmark": book.benchmark}[data["kind"]](data)
        page_furniture(wb, _page_title(data), "pmo-assess")
        wb.properties.creator = CREATOR
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()


def _page_title(data: dict) -> str:
    from assessor.comparison import words

    def named(office: dict) -> str:
        return " - ".join(str(x) for x in (office.get("organisation"), office.get("pmo_name")) if x)

    if data["kind"] == "comparison":
        if not data["compatibility"]["same_office"]:
            return f"{words(data)['title']}: A {named(data['before'])}; B {named(data['after'])}"
        return f"{words(data)['title']}: {named(data['after'])}"
    title = {"history": "Maturity history", "benchmark": "Among peers"}[data["kind"]]
    return f"{title}: {named(data['office'])}"


def when(assessment: dict) -> str:
    """An assessment's label on a time axis: its date, or its id where the Profile gave no date."""
    return assessment.get("date") or f"assessment {assessment['id']}"


class _Book(Sheets):
    def __init__(self, wb):
        super().__init__()
        self.wb = wb

    def heading(self, ws, title: str, lines: list[tuple[str, object]]) -> int:
        """A title and label/value lines; the next free row."""
        from openpyxl.styles import Font

        self.put(ws, 1, 1, title).font = Font(bold=True, size=14)
        row = 3
        for label, value in lines:
            self.put(ws, row, 1, label).font = self.bold
            self.put(ws, row, 2, value)
            row += 1
        return row + 1

    def table(self, ws, row: int, headers, widths, rows) -> int:
        """A styled table from ``row``; the last row written."""
        self.table_head(ws, row, headers, widths)
        return self.rows(ws, row + 1, rows) if rows else row

    # -- history ---------------------------------------------------------------------------------
    def history(self, doc: dict, ws=None) -> None:
        ws = ws or self.wb.active
        ws.title = "History"
        office, dims = doc["office"], doc["dimensions"]
        start = self.heading(ws, f"Maturity history: {office['organisation']} / {office['pmo_name']}",
                             [("Assessments", len(doc["assessments"]))])
        self.put(ws, start, 1, "Levels").font = self.bold
        levels = history_rows(doc, "level")
        head = ["Id", "Date", "Type", "Tier", "Overall level", "Overall score"] + [d["name"] for d in dims]
        keys = ["id", "date", "type", "tier", "overall", "score"] + [d["id"] for d in dims]
        widths = [6, 12, 12, 6, 9, 9] + [14] * len(dims)
        last = self.table(ws, start + 1, head, widths, [[r[k] for k in keys] for r in levels])
        ws.freeze_panes = None  # a heading above the table: freezing would hold half the screen
        scores = self.wb.create_sheet("Scores")
        end = self.table(scores, 1, ["Date"] + [d["name"] for d in dims], [14] + [14] * len(dims),
                         [[when(a)] + [r[d["id"]] for d in dims]
                          for a, r in zip(doc["assessments"], history_rows(doc, "score"))])
        self.trend_chart(ws, f"A{last + 3}", scores, len(dims), end,
                         f"Maturity score by dimension, {len(doc['assessments'])} assessment(s)")

    def trend_chart(self, ws, anchor: str, data, columns: int, last_row: int, title: str) -> None:
        """A line per dimension over time, from a sheet with dates in column A and a column per dimension."""
        from openpyxl.chart import LineChart, Reference

        if not columns or last_row < 2:
            return
        chart = LineChart()
        chart.title = title
        chart.y_axis.title, chart.x_axis.title = "Score (0-5)", "Assessment"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 5
        chart.y_axis.delete = chart.x_axis.delete = False  # openpyxl 3.1 hides both axes by default
        chart.add_data(Reference(data, min_col=2, max_col=1 + columns, min_row=1, max_row=last_row),
                       titles_from_data=True)
        chart.set_categories(Reference(data, min_col=1, min_row=2, max_row=last_row))
        for series in chart.series:
            series.marker.symbol = "circle"
            series.smooth = False
        chart.height, chart.width = 11, 24
        ws.add_chart(chart, anchor)

    # -- comparison ------------------------------------------------------------------------------
    def comparison(self, c: dict) -> None:
        from assessor.comparison import office_name, words

        ws = self.wb.active
        ws.title = "Comparison"
        b, a, compat, w = c["before"], c["after"], c["compatibility"], words(c)
        cl, o = c["classification"], c["overall"]
        if compat["same_office"]:
            lines = [("Organisation", a["organisation"]), ("PMO", a["pmo_name"]), ("Before", _side(b)), ("After", _side(a))]
            title = f"{w['title']}: {office_name(a)}"
        else:
            lines = [("Office A", office_name(b)), ("Office B", office_name(a)), ("A", _side(b)), ("B", _side(a))]
            title = f"{w['title']}: A {office_name(b)}; B {office_name(a)}"
        comparable = "yes" if compat["comparable"] else \
            "with care: see the notes" if compat["same_office"] else "no: two different offices, see the notes"
        lines += [("Type", _arrow(cl["model"], w)), ("Tier", _arrow(cl["tier"], w)),
                  ("Overall level", _arrow(o["level"], w)), ("Overall score", _arrow(o["score"], w)),
                  ("Comparable", comparable)]
        lines += [("Note", note) for note in compat["notes"]]
        for key, label in (("questions_added", "Questions added"), ("questions_removed", "Questions removed"),
                           ("questions_reworded", "Questions reworded")):
            if compat[key]:
                lines.append((label, ", ".join(compat[key])))
        start = self.heading(ws, title, lines)
        ws.column_dimensions["B"].width = 40
        rows = comparison_rows(c)
        first, second, change = w["before"], w["after"], w["change"]
        last = self.table(ws, start, ["Id", "Dimension", f"Level {first}", f"Level {second}", f"Level {change}",
                                      f"Score {first}", f"Score {second}", f"Score {change}"],
                          [16, 40, 10, 10, 10, 10, 10, 10],
                          [[r["dimension"], r["name"], r["level_before"], r["level_after"], r["level_change"],
                            r["score_before"], r["score_after"], r["score_change"]] for r in rows])
        ws.freeze_panes = None
        scores = self.wb.create_sheet("Scores")
        end = self.table(scores, 1, ["Date"] + [r["name"] for r in rows], [14] * (1 + len(rows)),
                         [[_date(b, first)] + [r["score_before"] for r in rows],
                          [_date(a, second)] + [r["score_after"] for r in rows]])
        self.trend_chart(ws, f"A{last + 3}", scores, len(rows), end,
                         f"Maturity score by dimension, {first} and {second}")
        findings = self.wb.create_sheet("Findings")
        changes = finding_change_rows(c)
        self.table(findings, 1, ["Id", "Change" if compat["same_office"] else "Found", "Severity",
                                 f"Severity {first}", "Rule", "Subject", "Message"],
                   [28, 11, 10, 12, 14, 24, 70],
                   [[r["id"], r["change"], r["severity"], r["severity_before"], r["rule"], r["subject"], r["message"]]
                    for r in changes])
        from openpyxl.styles import PatternFill
        for i, r in enumerate(changes, start=2):
            findings.cell(row=i, column=2).fill = PatternFill("solid", fgColor=CHANGE_FILL[r["change"]])
        if changes:
            findings.auto_filter.ref = f"A1:G{1 + len(changes)}"
        answers = self.wb.create_sheet("Answers")
        self.table(answers, 1, ["Question", "Dimension", first.capitalize(), second.capitalize()], [12, 22, 14, 14],
                   [[x["question"], x["dimension"], x["before"], x["after"]] for x in c["answers"]])

    # -- benchmark -------------------------------------------------------------------------------
    def benchmark(self, p: dict) -> None:
        from openpyxl.chart import BarChart, Reference

        ws = self.wb.active
        ws.title = "Benchmark"
        office, peers = p["office"], p["peers"]
        start = self.heading(ws, f"Among peers: {office['organisation']} / {office['pmo_name']}", [
            ("Assessment date", office["assessment_date"]), ("Type, tier", f"{office['model']}, tier {office['tier']}"),
            ("Peer group", f"{peers['size']} offices ({peers['described']}), each by its latest assessment"),
            ("Overall level", p["overall"]["level"]), ("Peers' median level", p["overall"]["peer_median"])])
        ws.column_dimensions["B"].width = 40
        rows = benchmark_rows(p)
        last = self.table(ws, start, ["Id", "Dimension", "Level", "Score", "Percentile", "Percentile (text)",
                                      "Peers' median score", "Peers"],
                          [16, 40, 8, 8, 10, 12, 12, 8],
                          [[r["dimension"], r["name"], r["level"], r["score"], r["percentile"],
                            "-" if r["percentile"] is None else ordinal(r["percentile"]), r["peer_median"], r["peers"]]
                           for r in rows])
        ws.freeze_panes = None
        if rows:
            chart = BarChart()
            chart.type = "bar"
            chart.title = f"Percentile among {peers['size']} peer offices"
            chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
            chart.y_axis.title = "Percentile"
            chart.y_axis.delete = chart.x_axis.delete = False
            chart.add_data(Reference(ws, min_col=5, min_row=start, max_row=last), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=2, min_row=start + 1, max_row=last))
            chart.legend = None
            chart.height, chart.width = 10, 20
            ws.add_chart(chart, f"A{last + 3}")
        if p.get("history"):
            self.history(p["history"], self.wb.create_sheet("History"))
            # the trend's data sheet comes after the history sheet that charts it
        for sheet in self.wb.worksheets:
            landscape(sheet)


def _arrow(change: dict, w: dict) -> str:
    text = f"{dash(change['before'])} {w['to']} {dash(change['after'])}"
    if change["delta"] is not None:
        return text + (f" ({change['delta']:+g})" if change["delta"] else " (same)")
    return text + ("" if change["changed"] else " (same)")


def _side(side: dict) -> str:
    made = f"{side['assessment_date'] or 'no date'}: {', '.join(side['respondents'])}"
    return made + (f" (stored assessment {side['id']})" if side.get("id") else " (workbooks, not stored)")


def _date(side: dict, label: str) -> str:
    return f"{side['assessment_date'] or ''} ({label})".strip()


REPORTER = StoreXlsxReporter()
