"""The workbook format: sheet names and header cells. This is a public contract
(documented in README.md); the template writer and the reader both use it.
"""
from __future__ import annotations

INSTRUCTIONS = "Instructions"
PROFILE = "Profile"
QUESTIONS = "Questions"
ROLES = "Roles"
RACI = "RACI"
META = "_meta"
LISTS = "_lists"

REQUIRED_SHEETS = (PROFILE, QUESTIONS, ROLES, RACI)

PROFILE_HEADERS = ("Field", "Value")
QUESTION_HEADERS = ("ID", "Dimension", "Question", "Guidance", "Answer", "Evidence")
ROLE_HEADERS = ("Role ID", "Role", "Holder", "FTE", "In PMO", "Reports to")
RACI_FIXED_HEADERS = ("Responsibility ID", "Responsibility")

YES = ("yes", "y", "true")
NO = ("no", "n", "false")

# Defined names stamped in every template (a second copy of the stamp in _meta
# and the document properties: LibreOffice and hand edits lose some of them).
NAME_VERSION = "TemplateVersion"
PROP_ID = "TemplateId"
PROP_VERSION = "TemplateVersion"
PROP_HASH = "QuestionsHash"

# Never read more than this many rows of one sheet: a hostile or runaway sheet
# must not make the import slow or large.
MAX_ROWS = 5000
MAX_COLUMNS = 200
# A holder's FTE in one role is a share of one full-time job: far above 1 it is a typing slip (a
# headcount, a year), and unbounded values would overflow the sums of a person's load.
MAX_FTE = 10
# A Profile figure (employees, active projects and programmes, PMO headcount) above this is a typing
# slip: no organisation is that large, and 1e308 employees became a 309-digit integer in the report.
MAX_PROFILE_NUMBER = 10_000_000
