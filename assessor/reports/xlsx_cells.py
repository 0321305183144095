"""Writing cells into the Excel reports: every string from a workbook or a store as inert text, tables
with a styled head that print on landscape pages, rows tall enough for their wrapped text."""
from __future__ import annotations

import datetime as dt

from assessor.terminal import BEYOND_C0, escaped_character
from assessor.xlsx import column_letter as _letter
from assessor.xlsx import row_height, wrapped_lines

HEADER_FILL = "1F3864"
SEVERITY_FILL = {"critical": "9C0006", "high": "E15759", "medium": "F28E2B", "low": "FFD966", "info": "D9D9D9"}


def _clean(value) -> str:
    """Text a cell can hold (XML forbids most C0 controls: a space instead), with the C1, separator and
    bidi characters shown as the text naming them ('\\u202e'), as the console and HTML show them: raw,
    a right-to-left override turned the name around in its cell."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return BEYOND_C0.sub(escaped_character, ILLEGAL_CHARACTERS_RE.sub(" ", str(value)))


class Sheets:
    """Cell writing shared by every Excel reporter."""

    def __init__(self):
        from openpyxl.styles import Alignment, Font, PatternFill

        self.bold = Font(bold=True)
        self.head_font = Font(bold=True, color="FFFFFF")
        self.head_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")
        self.fills = {k: PatternFill("solid", fgColor=v) for k, v in SEVERITY_FILL.items()}
        self._aligned: dict = {}

    def align(self, cell, alignment):
        """``cell.alignment = alignment``, for the thousands of cells of a report. openpyxl hashes the
        style object at every assignment (a quarter of writing a report), so the cell style each
        (style, alignment) pair gives is worked out once per workbook and copied after that."""
        from copy import copy

        style = cell._style  # None until the cell is first styled
        key = (id(cell.parent.parent), b"" if style is None else style.tobytes(), id(alignment))
        made = self._aligned.get(key)
        if made is None:
            cell.alignment = alignment
            self._aligned[key] = (copy(cell._style), cell.parent.parent)  # (holding the workbook keeps its id its own)
        else:
            cell._style = copy(made[0])
        return cell

    def put(self, ws, row: int, col: int, value, wrap: bool = False):
        """Numbers stay numbers; every string is forced to text (never a formula or link)."""
        return self.fill(ws.cell(row=row, column=col), value, wrap)

    def fill(self, cell, value, wrap: bool = False):
        """``put`` for a cell already made (a write-only sheet's cells are made before they are appended)."""
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
            self.align(cell, self.wrap)
        return cell

    def table_head(self, ws, row: int, headers, widths):
        self.table_layout(ws, row, headers, widths)
        for col, text in enumerate(headers, start=1):
            cell = self.put(ws, row, col, text)
            cell.font, cell.fill = self.head_font, self.head_fill
            cell.alignment = self.wrap

    @staticmethod
    def table_layout(ws, row: int, headers, widths) -> None:
        """What a table's head sets on its sheet rather than in its cells: the column widths, the head
        row's height, the frozen head, the head repeated on every printed page, landscape pages (a
        write-only sheet needs them before its first row)."""
        lines = 1
        for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
            ws.column_dimensions[_letter(col)].width = width
            lines = max(lines, _head_lines(text, width))
        if lines > 1:  # a heading wrapped in a narrow column: the row grows, or it is cut and overprints
            ws.row_dimensions[row].height = row_height(lines)
        ws.freeze_panes = f"A{row + 1}"
        ws.print_title_rows = f"{row}:{row}"
        landscape(ws)

    def rows(self, ws, start: int, rows, wrap_cols=()):
        for r, values in enumerate(rows, start=start):
            self.grow_row(ws, r, values, wrap_cols)
            for c, value in enumerate(values, start=1):
                cell = self.put(ws, r, c, value, wrap=c in wrap_cols)
                if c not in wrap_cols:
                    self.align(cell, self.top)  # beside a tall wrapped cell, a short one reads from the top
        return start + len(rows) - 1

    @staticmethod
    def grow_row(ws, row: int, values, wrap_cols) -> bool:
        """Make the row as tall as its wrapped text (spreadsheet programs do not grow rows for it on their
        own when printing); whether it grew."""
        lines = max([1] + [wrapped_lines(values[c - 1], ws.column_dimensions[_letter(c)].width)
                           for c in wrap_cols if c <= len(values) and values[c - 1]])
        if lines > 1:
            ws.row_dimensions[row].height = row_height(lines)
        return lines > 1


def landscape(ws) -> None:
    """Print the sheet on landscape A4 pages, as wide as one page and as long as it needs."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = _a4()
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def page_furniture(wb, heading: str, note: str) -> None:
    """Every sheet's printed header (``heading`` left, the sheet's name right) and footer (``note``
    left, "page n of m" right), on A4 with margins that leave them room."""
    from openpyxl.worksheet.page import PageMargins

    for ws in wb.worksheets:
        ws.oddHeader.left.text, ws.oddHeader.right.text = _header_text(heading), "&A"
        ws.oddFooter.left.text, ws.oddFooter.right.text = _header_text(note), "page &P of &N"
        for part in (ws.oddHeader.left, ws.oddFooter.left, ws.oddHeader.right, ws.oddFooter.right):
            part.size = 9
        ws.page_setup.paperSize = _a4()
        ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.7, header=0.3, footer=0.3)


def _a4() -> str:
    from openpyxl.worksheet.worksheet import Worksheet  # (a write-only sheet does not carry the constant)

    return Worksheet.PAPERSIZE_A4


HEADER_CHARACTERS = 80


def _header_text(text: str) -> str:
    """Text for a header or footer: no control, separator or bidi character; cut to a length a page
    holds (before escaping, so no code is split); and every "&" doubled, as "&" starts a code there
    (page number, font) and "&&" prints one."""
    text = _clean(text).replace("\n", " ").replace("\t", " ").replace("\r", " ")  # (_clean names bidi characters)
    if len(text) > HEADER_CHARACTERS:
        text = text[:HEADER_CHARACTERS - 1].rstrip() + "…"
    return text.replace("&", "&&")


def _head_lines(text: str, width) -> int:
    """Lines a bold heading needs: wrapped at word boundaries, a bold letter a little wider."""
    room, lines, used = max(int((width or 10) * 0.95), 1), 1, 0
    for word in str(text).split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
        while used > room:  # a word longer than the column breaks inside it
            lines, used = lines + 1, used - room
    return lines
