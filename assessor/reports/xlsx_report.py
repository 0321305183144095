"""The Excel gap report a consultant hands to a client (openpyxl, native Excel features only).

Sheets: Summary (type, tier, reasons, overall maturity, findings by severity,
radar chart), Dimensions (bar chart), Findings (an Excel table with a
remediation plan: Owner, Due, Status), Coverage (the RACI matrix, gaps marked
by conditional formatting that stays live as the client edits it; load per
person), Roadmap, Answers, Trace.

Every string that came from a workbook is written as text, never as a formula
or a link: ``text()`` forces the cell type and strips characters XML cannot
hold, so a respondent's ``=HYPERLINK(...)`` stays inert.
"""
from __future__ import annotations


from assessor.plan import STATUSES as STATUS_CHOICES  # what --plan reads back is what the dropdown offers
from assessor.reports.base import TextReporter

STATUS_WORDS = {"dont_know": "don't know", "unanswered": "blank", "not_applicable": "N/A"}


from assessor.frames import dimension_rows, finding_rows, response_rows
from assessor.reports.base import (GAP_STATUSES, WARN_STATUSES, file_name, finding_text, overall_text, owner_text,
                                   produced_by, raci_letters)
from assessor.reports.xlsx_cells import SEVERITY_FILL, Sheets, _clean, landscape, page_furniture
from assessor.xlsx import column_letter as _letter
from assessor.xlsx import CREATOR, row_height, wrapped_lines


class XlsxReporter(TextReporter):
    name = "xlsx"
    binary = True

    def render(self, data: dict) -> bytes:
        import io

        buffer = io.BytesIO()
        self._workbook(data).save(buffer)
        return buffer.getvalue()

    def _workbook(self, data: dict):
        from assessor.xlsx import openpyxl

        wb = openpyxl().Workbook()
        book = _Book(wb, data)
        book.summary(wb.active)
        book.dimensions(wb.create_sheet("Dimensions"))
        book.findings(wb.create_sheet("Findings"))
        if data.get("plan"):
            book.resolved(wb.create_sheet("Resolved"))
        book.coverage(wb.create_sheet("Coverage"))
        book.roadmap(wb.create_sheet("Roadmap"))
        book.answers(wb.create_sheet("Answers"))
        book.trace(wb.create_sheet("Trace"))
        book.summary_charts(wb.active)
        org = data["organisation"].get("organisation") or ""
        place = " - ".join(x for x in (org, data["organisation"].get("pmo_name") or "") if x)
        date = data["organisation"].get("assessment_date")
        page_furniture(wb, "PMO assessment" + (f": {place}" if place else ""), f"assessed {date}" if date else "")
        wb.properties.title = _clean(f"PMO assessment - {org}")[:200]
        wb.properties.creator = f"{CREATOR} {data['tool']['version']}"
        return wb


class _Book(Sheets):
    def __init__(self, wb, data: dict):
        super().__init__()
        self.wb, self.data = wb, data

    # --- sheets --------------------------------------------------------------------------------
    def summary(self, ws):
        from openpyxl.styles import Font

        d = self.data
        org, c, m = d["organisation"], d["classification"], d["maturity"]
        ws.title = "Summary"
        ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 20, 70
        landscape(ws)
        self.put(ws, 1, 1, "PMO assessment" + (f": {org['organisation']}" if org.get("organisation") else "")
                 ).font = Font(bold=True, size=16)
        lines = [
            ("PMO", org.get("pmo_name")),
            ("Assessment date", org.get("assessment_date")),
            ("Respondents", ", ".join(str(r.get("respondent") or r["file"]) for r in d["respondents"])),
            ("Question bank", f"{d['questionnaire']['id']} {d['questionnaire']['version']}"),
            ("PMO type", f"{c['model']} (confidence {c['confidence']['model']:.0%}"
                         + (f"; runner-up {c['runner_up']['model']}" if c["runner_up"]["model"] else "") + ")"),
            ("Tier", f"{c['tier']} - {c['tier_name']} (confidence {c['confidence']['tier']:.0%}"
                     + (f"; runner-up {c['runner_up']['tier']} {c['runner_up']['tier_name']}"
                        if c["runner_up"]["tier"] else "") + ")"),
            ("Overall maturity", overall_text(m)),
            ("Produced by", produced_by(d)),
        ]
        row = 3
        self.put(ws, row, 1, "Key messages").font = self.bold
        for n, message in enumerate(d["summary"], start=1):
            self.put(ws, row, 2, f"{n}. {message['text']}", wrap=True)
            ws.row_dimensions[row].height = row_height(wrapped_lines(message["text"], 68))
            row += 1
        row += 1
        for label, value in lines:
            self.put(ws, row, 1, label).font = self.bold
            self.put(ws, row, 2, value, wrap=True)
            ws.row_dimensions[row].height = row_height(wrapped_lines(value, 70))  # Excel caps rows at 409 pt
            row += 1
        row += 1
        if d.get("priorities"):
            self.put(ws, row, 1, "Top priorities").font = self.bold
            for p in d["priorities"]:
                row += 1
                self.put(ws, row, 1, f"{p['rank']}. {p['severity']}").fill = self.fills[p["severity"]]
                text = f"{p['message']} - {p['recommendation']}"
                self.put(ws, row, 2, text, wrap=True)
                ws.row_dimensions[row].height = row_height(wrapped_lines(text, 70))
            row += 2
        self.put(ws, row, 1, "Why this type and tier").font = self.bold
        for reason in c["because"]:  # the cells each rests on are in the Trace sheet
            row += 1
            self.put(ws, row, 1, reason["rule"])
            self.put(ws, row, 2, reason["reason"], wrap=True)
            ws.row_dimensions[row].height = row_height(wrapped_lines(reason["reason"], 70))
        row += 2
        self.put(ws, row, 1, "Findings by severity").font = self.bold
        counts = {}
        for f in d["findings"]:
            counts[f["severity"]] = counts.get(f["severity"], 0) + 1
        for severity in SEVERITY_FILL:
            row += 1
            self.put(ws, row, 1, severity).fill = self.fills[severity]
            self.put(ws, row, 2, counts.get(severity, 0))

    def summary_charts(self, ws):
        from openpyxl.chart import RadarChart, Reference

        dims = self._scored_dimensions()
        if not dims:
            return
        chart = RadarChart()
        chart.type = "marker"
        # the score, not the whole level: a low-maturity office (every level 0) still has a shape
        chart.title = "Maturity: score and target level"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 5
        sheet = self.wb["Dimensions"]
        last = 1 + len(dims)
        for column in (3, 5):  # Score (0-5), Target
            chart.add_data(Reference(sheet, min_col=column, min_row=1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=2, min_row=2, max_row=last))
        chart.legend.position = "b"  # beside the radar it covers the right-hand dimensions' names
        chart.height, chart.width = 11, 16
        ws.add_chart(chart, "D3")  # beside the summary table, on the same printed page

    def _scored_dimensions(self):
        """The dimensions with a level, which the charts draw; the others follow them in the table."""
        return [d for d in self.data["maturity"]["dimensions"] if d["level"] is not None]

    def dimensions(self, ws):
        from openpyxl.chart import BarChart, Reference

        headers = ("ID", "Dimension", "Score (0-5)", "Level", "Target", "Gap", "Answered", "N/A", "Don't know",
                   "Unanswered", "Status", "What stops the next level")
        self.table_head(ws, 1, headers, (14, 40, 11, 8, 8, 8, 10, 8, 11, 12, 20, 50))
        rows = dimension_rows(self.data)  # the notebook's frames.dimensions, scored dimensions first (the chart's)
        dims = [d for d in rows if d["level"] is not None] + [d for d in rows if d["level"] is None]
        self.rows(ws, 2, [(d["dimension"], d["name"], d["score"], d["level"], d["target"], d["gap"], d["answered"],
                           d["not_applicable"], d["dont_know"], d["unanswered"], d["status"], d["next_level_needs"])
                          for d in dims], wrap_cols=(12,))
        scored = len(self._scored_dimensions())
        if scored:
            chart = BarChart()
            chart.type = "bar"
            chart.title = "Score, level and target by dimension"
            chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 5
            # Score (0-5), Level and Target: the continuous score, the staged level, and where it should be
            chart.add_data(Reference(ws, min_col=3, max_col=5, min_row=1, max_row=1 + scored), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=2, min_row=2, max_row=1 + scored))
            chart.height, chart.width = 12, 18
            ws.add_chart(chart, f"B{len(rows) + 4}")  # below the table: beside it, it shrank the printed page

    def findings(self, ws):
        from openpyxl.worksheet.datavalidation import DataValidation
        from openpyxl.worksheet.table import Table, TableStyleInfo

        headers = ("ID", "Severity", "Category", "Subject", "Message", "Where in the workbook", "Recommendation",
                   "Rule", "Owner", "Due", "Status")
        # about 200 characters across: a landscape page at three quarters scale, ids and texts wrapped
        self.table_head(ws, 1, headers, (20, 9, 11, 16, 42, 18, 36, 11, 12, 11, 12))
        findings = self.data["findings"]
        carried = {p["id"]: p for p in (self.data.get("plan") or {}).get("persisting", [])}
        rows = []
        for f, row in zip(findings, finding_rows(self.data)):  # frames.findings, with grouped details spelled out
            plan = carried.get(f["id"], {})
            # what the client typed and the plan could not read stays in its cell, as text, with a comment
            # saying why (blank, it was lost from the report after the next one)
            rows.append((row["id"], row["severity"], row["category"], row["subject"], finding_text(f), row["where"],
                         row["recommendation"], row["rule"], plan.get("owner"),
                         _due(plan.get("due")) or _kept(plan, "Due"), _kept(plan, "Status") or plan.get("status") or "Open"))
        last = self.rows(ws, 2, rows, wrap_cols=(1, 3, 4, 5, 6, 7, 8)) if rows else 1
        for r, f in enumerate(findings, start=2):
            ws.cell(row=r, column=2).fill = self.fills.get(f["severity"], self.fills["info"])
            ws.cell(row=r, column=10).number_format = "yyyy-mm-dd"
            plan = carried.get(f["id"])
            if plan:
                reopened = ([f"Marked Done in {self.data['plan']['source']} ({plan['was']}), but still found: "
                             "reopened."] if plan["reopened"] else [])
                _note(ws.cell(row=r, column=10), _texts(plan, "Due"))
                _note(ws.cell(row=r, column=11), reopened + _texts(plan, "Status"))
        end = max(last, 2)
        table = Table(displayName="Findings", ref=f"A1:K{end}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
        status = DataValidation(type="list", formula1='"' + ",".join(STATUS_CHOICES) + '"', allow_blank=True)
        status.promptTitle, status.prompt = "Status", "Where the remediation stands"
        status.showInputMessage = True
        ws.add_data_validation(status)
        status.add(f"K2:K{end + 500}")
        due = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True)
        due.promptTitle, due.prompt = "Due", "Date the action is due, e.g. 2027-03-31"
        due.showInputMessage, due.errorStyle = True, "warning"
        ws.add_data_validation(due)
        due.add(f"J2:J{end + 500}")

    def resolved(self, ws):
        """The earlier plan's findings no longer found, with who owned them and what they said."""
        plan = self.data["plan"]
        self.put(ws, 1, 1, f"Resolved since {plan['source']}"
                 + (f" ({plan['assessment_date']})" if plan.get("assessment_date") else "")).font = self.bold
        self.table_head(ws, 2, ("ID", "Severity", "Message", "Owner", "Due", "Status before", "Was at"),
                        (26, 10, 70, 16, 12, 14, 14))
        # the message whole, its details under it, as the earlier Findings sheet wrote them
        rows = [(r["id"], r["severity"], "\n- ".join([r["message"] or ""] + r["details"]) or None, r["owner"],
                 _due(r["due"]) or _kept(r, "Due"), _kept(r, "Status") or r["status"], r["was"]) for r in plan["resolved"]]
        if rows:
            self.rows(ws, 3, rows, wrap_cols=(3,))
            for r, item in enumerate(plan["resolved"], start=3):
                ws.cell(row=r, column=5).number_format = "yyyy-mm-dd"
                _note(ws.cell(row=r, column=5), _texts(item, "Due"))
                _note(ws.cell(row=r, column=6), _texts(item, "Status"))

    def coverage(self, ws):
        from openpyxl.formatting.rule import CellIsRule, FormulaRule
        from openpyxl.styles import Alignment, PatternFill

        cov = self.data["coverage"]
        roles = [r["id"] for r in cov["roles"]]
        headers = ("Responsibility ID", "Responsibility", "Required", "Status", "Findings") + tuple(roles)
        self.table_head(ws, 1, headers, (26, 42, 10, 24, 18) + (6,) * len(roles))
        for col in range(6, 6 + len(roles)):
            ws.cell(row=1, column=col).alignment = Alignment(text_rotation=90, horizontal="center")
        ws.row_dimensions[1].height = 95
        ws.freeze_panes = "F2"
        rows = []
        for r in cov["responsibilities"]:
            letters = raci_letters(r)
            rows.append((r["id"], r["name"], r["required"], r["status"], " ".join(r["findings"]))
                        + tuple(letters.get(role) for role in roles))
        last = self.rows(ws, 2, rows) if rows else 1
        red = PatternFill("solid", fgColor="F4B6B6")
        amber = PatternFill("solid", fgColor="FCE4B6")
        status_range = f"D2:D{max(last, 2)}"
        for text in GAP_STATUSES:
            ws.conditional_formatting.add(status_range, CellIsRule(operator="equal", formula=[f'"{text}"'], fill=red))
        for text in WARN_STATUSES:
            ws.conditional_formatting.add(status_range, CellIsRule(operator="equal", formula=[f'"{text}"'], fill=amber))
        if roles:
            first, end = "F", _letter(5 + len(roles))
            # Live checks on the matrix itself: a row whose letters do not hold exactly one A turns red.
            ws.conditional_formatting.add(
                f"A2:B{max(last, 2)}",
                FormulaRule(formula=[f'AND(COUNTA(${first}2:${end}2)>0,COUNTIF(${first}2:${end}2,"A")'
                                     f'+COUNTIF(${first}2:${end}2,"A/R")<>1)'], fill=red))
        # Load per person, below the matrix.
        row = max(last, 2) + 3
        self.put(ws, row, 1, "Load per person").font = self.bold
        row += 1
        for col, text in enumerate(("Person", "Roles", "FTE", "Accountable for", "Responsible for",
                                    "Sole R/A on critical", "Findings"), start=1):
            cell = self.put(ws, row, col, text)
            cell.font, cell.fill = self.head_font, self.head_fill
        start = row + 1
        end_row = self.rows(ws, start, [(p["person"], ", ".join(p["roles"]), p["fte"], p["accountable"],
                                         p["responsible"], ", ".join(p["sole_critical"]), " ".join(p["findings"]))
                                        for p in cov["people"]]) if cov["people"] else start
        ws.conditional_formatting.add(f"C{start}:C{end_row}", CellIsRule(operator="greaterThan", formula=["1"],
                                                                         fill=red))

    def roadmap(self, ws):
        """Every action in roadmap order, phase by phase: the practices and what the tier needs."""
        headers = ("Rank", "Phase", "Action", "Owner (role)", "Effort", "Unlocks", "From", "Answer", "Target",
                   "Weighted gap", "Assigned to", "Due")
        self.table_head(ws, 1, headers, (6, 14, 46, 18, 16, 22, 24, 9, 7, 8, 14, 11))
        items = {i["question"]: i for i in self.data["roadmap"]["items"]}
        rows = []
        for phase in self.data["roadmap"]["phases"]:
            for a in phase["actions"]:
                if a["kind"] == "practice":
                    i = items[a["question"]]
                    source = f"{i['question']} ({i['dimension_name']}, level {i['question_level']})"
                    answer = i["answer"] if i["answer"] is not None else STATUS_WORDS.get(i["status"], i["status"])
                    numbers = (answer, i["target"], i["weighted_gap"])
                else:
                    source = f"{a['responsibility']}" + (" (critical)" if a["critical"] else "")
                    numbers = (None, None, None)
                rows.append((a["rank"], phase["name"], a["text"], owner_text(a["owner"]),
                             f"{a['effort']['band']}: {a['effort']['label']}", a["unlocks"], source, *numbers,
                             None, None))
        if rows:
            self.rows(ws, 2, rows, wrap_cols=(2, 3, 4, 5, 6, 7))
            for r in range(2, 2 + len(rows)):
                ws.cell(row=r, column=12).number_format = "yyyy-mm-dd"

    def answers(self, ws):
        headers = ("Question", "Dimension", "Level", "Question text", "Merged answer", "Status", "Respondent",
                   "Answer given", "Cell", "Evidence", "File")
        self.table_head(ws, 1, headers, (9, 14, 6, 60, 9, 13, 20, 16, 14, 50, 30))
        rows = [tuple(r.values()) for r in response_rows(self.data)]  # frames.responses, column for column
        if rows:
            self.rows(ws, 2, rows, wrap_cols=(4, 10))
            ws.auto_filter.ref = f"A1:K{1 + len(rows)}"

    def trace(self, ws):
        headers = ("Rule", "Matched facts", "Cells", "Concluded", "Finding")
        self.table_head(ws, 1, headers, (16, 50, 60, 30, 30))
        rows = [(t["rule"], "; ".join(f"{m['as']}={m['label']}" for m in t["matched"]),
                 "; ".join(dict.fromkeys(_named(c) for m in t["matched"] for c in m["cells"])),
                 t["concluded"], t["finding"]) for t in self.data["trace"]]
        if rows:
            self.rows(ws, 2, rows, wrap_cols=(2, 3))
            ws.auto_filter.ref = f"A1:E{1 + len(rows)}"


def _named(cell: str) -> str:
    """'samples/bank.xlsx Profile!B2' as the other sheets show a cell: 'bank.xlsx Profile!B2'."""
    path, _, ref = cell.rpartition(" ")
    return f"{file_name(path)} {ref}" if path else cell


def _due(value):
    """A carried Due as a date cell (the plan carries only ISO dates: a Due that was not a date is None,
    and what was typed goes back in its cell as text, ``_kept``, with the note saying why)."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _kept(item: dict, column: str) -> str | None:
    """The text typed in ``column`` that the plan could not read, or None."""
    return next((n["typed"] for n in item.get("notes", ()) if n["column"] == column and n.get("typed")), None)


def _texts(item: dict, column: str) -> list[str]:
    return [n["text"] for n in item.get("notes", ()) if n["column"] == column]


def _note(cell, texts: list[str]) -> None:
    """An Excel note (comment) on the cell: what the plan held there that the cell does not show.
    A note is text only; it is never evaluated."""
    if texts:
        from openpyxl.comments import Comment

        cell.comment = Comment(_clean("\n".join(texts)), "pmo-assess", height=120, width=260)


REPORTER = XlsxReporter()
