"""Write the questionnaire workbook a consultant sends to the client.

Native Excel features only: dropdowns fed from named ranges on a hidden list
sheet, input messages, unlocked answer cells under sheet protection, frozen
header rows, print titles and fit-to-width.
"""
from __future__ import annotations


from assessor import __version__
from assessor.model import PROFILE_FIELDS
from assessor.questionnaire import layout as L
from assessor.questionnaire.bank import Bank
from assessor.xlsx import CREATOR, row_height, wrapped_lines

HEADER_FILL = "1F3864"
ANSWER_FILL = "FFF2CC"

INSTRUCTIONS_TEXT = (
    "How to fill in this questionnaire",
    "",
    "1. Profile: fill in the Value column (one line per field).",
    "2. Questions: for each statement choose an Answer from the dropdown: how established the practice is, "
    "0 (absent) to 5 (optimised). Choose N/A when the practice does not apply to your office, and "
    "Don't know when you cannot say: both are fine and are not scored as zero. Leave nothing blank if you can.",
    "   Evidence: name a document, report or system that shows the practice (optional but valuable).",
    "3. Roles: one row per role. Holder is the person (or people, separated by ';') holding the role, FTE the "
    "share of a full-time job each holder spends in it, In PMO yes or no, Reports to the Role ID of the role "
    "this one reports to. Leave Holder blank for a role your organisation does not have. Add your own roles in "
    "new rows with a new Role ID (capital letters, digits and '-').",
    "4. RACI: for each responsibility (row) put R (Responsible: does the work), A (Accountable: answers for it, "
    "exactly one per row), C (Consulted), I (Informed) or A/R in the column of each role. To add a role column, "
    "type its Role ID in the header row.",
    "",
    "Please do not rename sheets or header cells: the assessment reads them by name.",
    "Several people may each fill in a copy; the assessor combines them.",
)


def write_template(bank: Bank) -> bytes:
    """The template workbook for ``bank`` (the bytes of an .xlsx file)."""
    import io

    from assessor.xlsx import openpyxl

    wb = openpyxl().Workbook()
    _instructions(wb.active, bank)
    lists = _lists(wb, bank)
    _profile(wb.create_sheet(L.PROFILE))
    _questions(wb.create_sheet(L.QUESTIONS), bank, lists)
    _roles(wb.create_sheet(L.ROLES), bank, lists)
    _raci(wb.create_sheet(L.RACI), bank, lists)
    _stamp(wb, bank)
    wb.move_sheet(L.LISTS, offset=len(wb.sheetnames))
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _header(ws, headers, widths):
    from openpyxl.styles import Alignment, Font, PatternFill

    for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row=1, column=col, value=text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


INSTRUCTIONS_WIDTH = 70  # characters: what a portrait A4 page holds at full size (LibreOffice cuts, not shrinks)


def _instructions(ws, bank: Bank):
    from openpyxl.styles import Alignment, Font

    ws.title = L.INSTRUCTIONS
    ws.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    ws["A1"] = f"{bank.title} (questionnaire {bank.id} version {bank.version})"
    ws["A1"].font = Font(bold=True, size=14)
    row = 2
    for line in bank.instructions or INSTRUCTIONS_TEXT:
        row += 1
        ws.cell(row=row, column=1, value=line).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = row_height(wrapped_lines(line, INSTRUCTIONS_WIDTH))
    row += 2
    ws.cell(row=row, column=1, value="Answer scale").font = Font(bold=True)
    for level in bank.scale:
        row += 1
        text = f"{level.value} - {level.label}: {level.description}"
        ws.cell(row=row, column=1, value=text).alignment = Alignment(wrap_text=True)
        ws.row_dimensions[row].height = row_height(wrapped_lines(text, INSTRUCTIONS_WIDTH))
    for extra in (bank.not_applicable, bank.dont_know):
        row += 1
        ws.cell(row=row, column=1, value=extra)
    # one page wide, as many long as the text needs (fitting the whole sheet on one page shrank it
    # past reading, and LibreOffice then cut the lines at the margin instead)
    ws.page_setup.orientation, ws.page_setup.paperSize = "portrait", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def answer_options(bank: Bank) -> list[str]:
    return [f"{s.value} - {s.label}" for s in bank.scale] + [bank.not_applicable, bank.dont_know]


def _lists(wb, bank: Bank) -> dict[str, str]:
    """A hidden sheet of dropdown values, each list behind a workbook-level name."""
    from openpyxl.workbook.defined_name import DefinedName

    ws = wb.create_sheet(L.LISTS)
    columns = {
        "AnswerOptions": answer_options(bank),
        "RaciLetters": list(("R", "A", "C", "I", "A/R")),
        "YesNo": ["Yes", "No"],
    }
    names = {}
    for col, (name, values) in enumerate(columns.items(), start=1):
        letter = ws.cell(row=1, column=col).column_letter
        for row, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value).data_type = "s"
        ref = f"'{L.LISTS}'!${letter}$1:${letter}${len(values)}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
        names[name] = f"={name}"
    ws.sheet_state = "hidden"
    return names


def _dropdown(ws, formula: str, cells: str, title: str, prompt: str):
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    dv.promptTitle, dv.prompt = title[:32], prompt[:255]
    dv.showInputMessage = True
    dv.errorTitle, dv.error = "Not on the list", f"Choose a value from the list. {prompt}"[:255]
    # A warning, not a stop: respondents may type "3" or "0,5", which the reader accepts.
    dv.errorStyle = "warning"
    dv.showErrorMessage = True
    ws.add_data_validation(dv)
    dv.add(cells)


def _profile(ws):
    from openpyxl.styles import PatternFill, Protection

    _header(ws, L.PROFILE_HEADERS, (28, 60))
    for row, (_, text, kind) in enumerate(PROFILE_FIELDS, start=2):
        ws.cell(row=row, column=1, value=text)
        value = ws.cell(row=row, column=2)
        value.protection = Protection(locked=False)
        value.fill = PatternFill("solid", fgColor=ANSWER_FILL)
        if kind == "date":
            value.number_format = "yyyy-mm-dd"
    ws.protection.sheet = True


def _questions(ws, bank: Bank, lists):
    from openpyxl.styles import Alignment, PatternFill, Protection

    _header(ws, L.QUESTION_HEADERS, (9, 24, 60, 50, 18, 40))
    names = {d.id: d.name for d in bank.dimensions}
    fill = PatternFill("solid", fgColor=ANSWER_FILL)
    wrap = Alignment(wrap_text=True, vertical="top")
    widths = (9, 24, 60, 50)
    for row, q in enumerate(bank.questions, start=2):
        for col, value in enumerate((q.id, names[q.dimension], q.text, q.guidance), start=1):
            ws.cell(row=row, column=col, value=value).alignment = wrap
        # rows grow to their wrapped text on screen, not in print: tall enough, or lines overprint
        ws.row_dimensions[row].height = row_height(max(wrapped_lines(v, w) for v, w in zip(
            (q.id, names[q.dimension], q.text, q.guidance), widths)))
        for col in (5, 6):
            cell = ws.cell(row=row, column=col)
            cell.protection = Protection(locked=False)
            cell.fill = fill
            cell.alignment = wrap
    last = len(bank.questions) + 1
    scale = "; ".join(f"{s.value} {s.label}" for s in bank.scale)
    _dropdown(ws, lists["AnswerOptions"], f"E2:E{last}", "Answer",
              f"How established is this practice? {scale}; or {bank.not_applicable} / {bank.dont_know}.")
    ws.auto_filter.ref = f"A1:F{last}"
    # Protection keeps question text intact; sorting and filtering stay allowed.
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False


def _roles(ws, bank: Bank, lists):
    _header(ws, L.ROLE_HEADERS, (14, 34, 30, 8, 9, 14))
    for row, role in enumerate(bank.roles, start=2):
        ws.cell(row=row, column=1, value=role.id)
        ws.cell(row=row, column=2, value=role.name)
        ws.cell(row=row, column=5, value="Yes" if role.in_pmo else "No")
        ws.cell(row=row, column=6, value=role.reports_to)
    last = len(bank.roles) + 100  # room for the client's own roles
    _dropdown(ws, lists["YesNo"], f"E2:E{last}", "In PMO", "Yes if the role sits in the PMO, otherwise No.")
    from openpyxl.worksheet.datavalidation import DataValidation

    # the limit the reader holds FTEs to: a warning in Excel, an error at import
    fte = DataValidation(type="decimal", operator="between", formula1="0", formula2=str(L.MAX_FTE), allow_blank=True)
    fte.promptTitle, fte.prompt = "FTE", "Share of a full-time job each holder spends in this role, e.g. 0.5"
    fte.showInputMessage = fte.showErrorMessage = True
    fte.errorStyle = "warning"
    ws.add_data_validation(fte)
    fte.add(f"D2:D{last}")


def _raci(ws, bank: Bank, lists):
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    roles = bank.role_ids()
    _header(ws, L.RACI_FIXED_HEADERS + roles, (22, 48) + (8,) * len(roles))
    for col in range(3, 3 + len(roles)):
        ws.cell(row=1, column=col).alignment = Alignment(text_rotation=90, horizontal="center")
    ws.row_dimensions[1].height = 90
    for row, resp in enumerate(bank.responsibilities, start=2):
        ws.cell(row=row, column=1, value=resp.id)
        ws.cell(row=row, column=2, value=resp.name)
    ws.freeze_panes = "C2"
    last_row = len(bank.responsibilities) + 50
    last_col = get_column_letter(2 + len(roles) + 20)  # room for the client's own roles
    _dropdown(ws, lists["RaciLetters"], f"C2:{last_col}{last_row}", "RACI",
              "R Responsible, A Accountable (one per row), C Consulted, I Informed, or A/R.")


def _stamp(wb, bank: Bank):
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.workbook.defined_name import DefinedName

    meta = wb.create_sheet(L.META)
    stamp = (("template_id", bank.id), ("template_version", bank.version),
             ("questions_hash", bank.questions_hash), ("generator", f"pmo-assess {__version__}"))
    meta.cell(row=1, column=1, value="key")
    meta.cell(row=1, column=2, value="value")
    for row, (key, value) in enumerate(stamp, start=2):
        meta.cell(row=row, column=1, value=key)
        meta.cell(row=row, column=2, value=value).data_type = "s"
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    wb.defined_names[L.NAME_VERSION] = DefinedName(L.NAME_VERSION, attr_text=f'"{bank.version}"')
    for name, value in ((L.PROP_ID, bank.id), (L.PROP_VERSION, bank.version), (L.PROP_HASH, bank.questions_hash)):
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    wb.properties.title = bank.title
    wb.properties.creator = f"{CREATOR} {__version__}"
