"""Writing cells into the Excel reports: every string from a workbook or a store as inert text, tables
with a styled head that print on landscape pages, rows tall enough for their wrapped text."""
from __future__ import annotations

import datetime as dt

from assessor.xlsx import column_letter as _letter

HEADER_FILL = "1F3864"
SEVERITY_FILL = {"critical": "9C0006", "high": "E15759", "medium": "F28E2B", "low": "FFD966", "info": "D9D9D9"}


def _clean(value) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub(" ", str(value))


def _lines(value, width) -> int:
    """Roughly how many lines a wrapped cell needs at this column width."""
    text = str(value or "")
    return max(1, sum(-(-max(len(part), 1) // max(int((width or 10) * 1.1), 1)) for part in text.split("\n")))


class Sheets:
    """Cell writing shared by every Excel reporter."""

    def __init__(self):
        from openpyxl.styles import Alignment, Font, PatternFill

        self.bold = Font(bold=True)
        self.head_font = Font(bold=True, color="FFFFFF")
        self.head_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.fills = {k: PatternFill("solid", fgColor=v) for k, v in SEVERITY_FILL.items()}

    def put(self, ws, row: int, col: int, value, wrap: bool = False):
        """Numbers stay numbers; every string is forced to text (never a formula or link)."""
        cell = ws.cell(row=row, column=col)
        if value is None:
            return cell
        if isinstance(value, bool):
            cell.value = "yes" if value else "no"
        elif isinstance(value, (int, float, dt.date)):
            cell.value = value
        else:
            cell.value = _clean(value)
            cell.data_type = "s"
            if cell.value[:1] in ("=", "+", "-", "@"):
                cell.quotePrefix = True  # Excel shows it as typed and will not evaluate it on edit
        if wrap:
            cell.alignment = self.wrap
        return cell

    def table_head(self, ws, row: int, headers, widths):
        for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
            cell = self.put(ws, row, col, text)
            cell.font, cell.fill = self.head_font, self.head_fill
            cell.alignment = self.wrap
            ws.column_dimensions[_letter(col)].width = width
        ws.freeze_panes = ws.cell(row=row + 1, column=1)
        ws.print_title_rows = f"{row}:{row}"
        landscape(ws)

    def rows(self, ws, start: int, rows, wrap_cols=()):
        for r, values in enumerate(rows, start=start):
            lines = 1
            for c, value in enumerate(values, start=1):
                self.put(ws, r, c, value, wrap=c in wrap_cols)
                if c in wrap_cols and value:
                    lines = max(lines, _lines(value, ws.column_dimensions[_letter(c)].width))
            if lines > 1:  # spreadsheet programs do not grow rows for wrapped text on their own when printing
                ws.row_dimensions[r].height = 15 * min(lines, 12)
        return start + len(rows) - 1


def landscape(ws) -> None:
    """Print the sheet on landscape pages, as wide as one page and as long as it needs."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
