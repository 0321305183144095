"""The portfolio a batch leaves beside the office reports: ``portfolio.xlsx`` (one row per office with
its levels as a heat map, a sheet of the files that failed, one of what reading the others warned about,
charts of the distribution) and, when JSON
is among the formats, ``portfolio.json``. Every name from a workbook is written as inert text."""
from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from assessor.reports.xlsx_cells import Sheets, landscape, page_furniture
from assessor.xlsx import column_letter as _letter

SEVERITIES = ("critical", "high", "medium", "low", "info")
TIERS = {1: "project office", 2: "programme office", 3: "portfolio office", 4: "P3MO"}
MODELS = ("supportive", "controlling", "directive")


def document(batch) -> dict:
    """The portfolio as JSON: offices in report-name order, failed files by path (deterministic)."""
    return {"kind": "portfolio", "files": batch.files,
            "offices": [{"report": r.stem, "organisation": r.organisation, "pmo_name": r.pmo_name,
                         "files": list(r.files), "assessed": r.assessed, "error": r.error or None,
                         "type": r.model or None, "tier": r.tier, "overall": r.overall, "score": r.score,
                         "dimensions": {d: level for d, _, level in r.dimensions},
                         "findings": dict(r.findings), "reports": list(r.reports),
                         "warnings": [{"file": w.file, "location": w.location, "message": w.message, "found": w.found,
                                       "expected": w.expected} for w in r.warnings]} for r in batch.offices],
            "failed": [{"file": f, "error": e} for f, e in batch.failed],
            "skipped_reports": sorted(batch.reports)}


def write_portfolio(batch, outdir: Path, options) -> list[Path]:
    from assessor.output import publish

    written = [publish(outdir / "portfolio.xlsx", render(batch), options.force)]
    if "json" in options.formats:
        from assessor.reports import reporter

        text = reporter("json").render(document(batch)).encode("utf-8")
        written.append(publish(outdir / "portfolio.json", text, options.force))
    return written


def render(batch) -> bytes:
    """The workbook, written row by row (openpyxl's write-only mode): a portfolio of thousands of offices
    is streamed to the file rather than held as a sheet of cell objects in the parent's memory. Each
    sheet's layout (widths, frozen head, print setup) is set before its first row, as that mode needs."""
    from assessor.xlsx import CREATOR, openpyxl

    wb = openpyxl().Workbook(write_only=True)
    sheets = [wb.create_sheet(title) for title in ("Offices", "Failed files", "Warnings", "Distribution")]
    page_furniture(wb, f"Portfolio: {sum(r.assessed for r in batch.offices)} offices", "pmo-assess batch")
    book = _Book()
    book.offices(sheets[0], batch)
    book.failed(sheets[1], batch)
    book.warned(sheets[2], batch)
    book.distribution(sheets[3], batch)
    wb.properties.creator = CREATOR
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class _Book(Sheets):
    """The portfolio's sheets, each cell made as it is appended (write-only sheets)."""

    def __init__(self):
        from openpyxl.cell import WriteOnlyCell

        super().__init__()
        self.make = WriteOnlyCell

    def cells(self, ws, values, wrap_cols=(), head: bool = False, tall: bool = False) -> list:
        """A row's cells. A number or a blank in a plain cell goes in as it is (the writer makes its cell:
        a portfolio's rows are mostly figures); text always gets a cell of ours, forced to text."""
        out = []
        for c, value in enumerate(values, start=1):
            if not (head or tall) and c not in wrap_cols and (value is None or type(value) in (int, float)):
                out.append(value)
                continue
            cell = self.fill(self.make(ws), value, wrap=head or c in wrap_cols)
            if head:
                cell.font, cell.fill = self.head_font, self.head_fill
            elif tall and c not in wrap_cols:
                cell.alignment = self.top  # beside a tall wrapped cell, a short one reads from the top
            out.append(cell)
        return out

    def table(self, ws, headers, widths, rows, wrap_cols=()) -> None:
        """A table from A1: the styled head (frozen, repeated on every printed page), then its rows, each
        as tall as its wrapped text."""
        self.table_layout(ws, 1, headers, widths)
        ws.append(self.cells(ws, headers, head=True))
        for r, values in enumerate(rows, start=2):
            ws.append(self.cells(ws, values, wrap_cols, tall=self.grow_row(ws, r, values, wrap_cols)))

    def offices(self, ws, batch) -> None:
        from openpyxl.formatting.rule import ColorScaleRule

        assessed = [r for r in batch.offices if r.assessed]
        dims = []
        for r in assessed:  # the bank's dimensions, in its order (every office of a batch shares the bank)
            dims += [(d, name) for d, name, _ in r.dimensions if (d, name) not in dims]
        head = (["Organisation", "PMO", "Respondents", "Type", "Tier", "Overall level", "Overall score"]
                + [name for _, name in dims] + [s.capitalize() for s in SEVERITIES] + ["Warnings", "Report", "Not assessed"])
        widths = [28, 28, 11, 12, 16, 9, 9] + [11] * len(dims) + [8] * len(SEVERITIES) + [10, 30, 50]
        rows = []
        for r in batch.offices:
            levels = {d: level for d, _, level in r.dimensions}
            counts = dict(r.findings)
            rows.append([r.organisation, r.pmo_name, len(r.files), r.model or None,
                         f"{r.tier} {r.tier_name}" if r.tier else None, r.overall, r.score]
                        + [levels.get(d) for d, _ in dims] + [counts.get(s) for s in SEVERITIES]
                        + [len(r.warnings) if r.assessed else None, ", ".join(r.reports) or None, r.error or None])
        if rows:
            first, last = _letter(6), _letter(7 + len(dims))
            # a heat map of the levels (and the overall), live in Excel and LibreOffice
            ws.conditional_formatting.add(f"{first}2:{last}{1 + len(rows)}", ColorScaleRule(
                start_type="num", start_value=0, start_color="F8696B", mid_type="num", mid_value=2.5,
                mid_color="FFEB84", end_type="num", end_value=5, end_color="63BE7B"))
            ws.auto_filter.ref = f"A1:{_letter(len(head))}{1 + len(rows)}"
        self.table(ws, head, widths, rows, wrap_cols=(len(head),))

    def failed(self, ws, batch) -> None:
        rows = [[f, e] for f, e in batch.failed] or [["none: every file was read", None]]
        self.table(ws, ("File", "First error"), (60, 100), rows, wrap_cols=(2,))

    def warned(self, ws, batch) -> None:
        """Every warning of the assessed offices' workbooks (what did not stop their assessment, such as a
        formula kept as text), by office: a consultant checks these before handing a report over."""
        rows = [[r.stem, w.file, w.location, w.message, w.found or None, w.expected or None]
                for r in batch.offices for w in r.warnings]
        self.table(ws, ("Report", "File", "Location", "Warning", "Found", "Expected"), (30, 45, 16, 60, 40, 30),
                   rows or [["none: no workbook gave a warning"] + [None] * 5], wrap_cols=(4, 5, 6))

    def distribution(self, ws, batch) -> None:
        from openpyxl.chart import BarChart, Reference

        assessed = [r for r in batch.offices if r.assessed]
        tables = [("Type", [(m, sum(r.model == m for r in assessed)) for m in MODELS]),
                  ("Tier", [(f"{t} {name}", sum(r.tier == t for r in assessed)) for t, name in TIERS.items()]),
                  ("Overall level", [(f"level {n}", sum(r.overall == n for r in assessed)) for n in range(6)]),
                  ("Worst finding", _worst(assessed))]
        grid: list[list] = [[] for _ in range(1 + max(len(counts) for _, counts in tables))]
        for i, (title, counts) in enumerate(tables):  # side by side: label and count, then a blank column
            col = 1 + 3 * i
            ws.column_dimensions[_letter(col)].width = 22
            for r, row in enumerate(grid):
                row += [None] * (col - 1 - len(row))
                if r == 0:
                    row += self.cells(ws, (title, "Offices"), head=True)
                elif r <= len(counts):
                    row += self.cells(ws, counts[r - 1])
            chart = BarChart()
            chart.title = f"Offices by {title.lower()}"
            chart.y_axis.title = "Offices"
            chart.y_axis.delete = chart.x_axis.delete = False
            chart.add_data(Reference(ws, min_col=col + 1, min_row=1, max_row=1 + len(counts)), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=col, min_row=2, max_row=1 + len(counts)))
            chart.legend = None
            chart.height, chart.width = 7.5, 12
            ws.add_chart(chart, f"{_letter(1 + 8 * (i % 2))}{10 + 16 * (i // 2)}")
        landscape(ws)
        for row in grid:
            ws.append(row)


def _worst(offices) -> list[tuple[str, int]]:
    worst = Counter()
    for r in offices:
        counts = dict(r.findings)
        worst[next((s for s in SEVERITIES if counts.get(s)), "none")] += 1
    return [(s, worst.get(s, 0)) for s in SEVERITIES + ("none",)]
