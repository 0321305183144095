"""The typed model of what respondents sent: one ``Response`` per workbook.

Several respondents' workbooks about one PMO form one ``Submission``. Every
value keeps the cell it came from (``Questions!E14``) so that any conclusion
can be explained down to the workbook. Roles, assignments and RACI rows also
name their file (``source``): in the organisation merged over several
respondents (assessor/organisation.py) the same cell of two files must not be
confused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assessor.errors import Problem

# How an answer cell was filled in. Blank is "not answered", never zero.
ANSWERED = "answered"
NOT_APPLICABLE = "not_applicable"
DONT_KNOW = "dont_know"
UNANSWERED = "unanswered"

PROFILE_FIELDS = (
    # (key, label in the Profile sheet, kind)
    ("organisation", "Organisation", "text"),
    ("pmo_name", "PMO name", "text"),
    ("respondent", "Respondent", "text"),
    ("respondent_role", "Respondent role", "text"),
    ("assessment_date", "Assessment date", "date"),
    ("industry", "Industry", "text"),
    ("employees", "Employees", "count"),
    ("active_projects", "Active projects", "count"),
    ("active_programmes", "Active programmes", "count"),
    ("pmo_fte", "PMO headcount (FTE)", "fte"),
    ("pmo_head_reports_to", "PMO head reports to", "text"),
)


def name_key(name: str) -> str:
    """One name however it is spaced or capitalised: people, respondents, organisations."""
    return re.sub(r"\s+", " ", str(name)).strip().casefold()


@dataclass(frozen=True)
class Answer:
    question_id: str
    status: str            # ANSWERED, NOT_APPLICABLE, DONT_KNOW or UNANSWERED
    value: int | None      # 0..5 when answered
    cell: str              # where the answer is, e.g. "Questions!E14"
    evidence: str = ""
    evidence_cell: str = ""
    raw: str = ""          # the cell as typed, for explanations ("3 - Defined")


@dataclass(frozen=True)
class ProfileValue:
    key: str
    value: str | int | float | None
    cell: str


@dataclass(frozen=True)
class Role:
    role_id: str
    name: str
    holders: tuple[str, ...]   # people; a row may name several, separated by ";"
    fte: float | None          # each holder's FTE in this role
    in_pmo: bool | None
    reports_to: str | None     # a role id
    cell: str                  # the Role ID cell, e.g. "Roles!A5"
    standard: bool             # from the catalogue (True) or added by the client
    holder_cell: str = ""
    fte_cell: str = ""
    reports_to_cell: str = ""
    in_pmo_cell: str = ""
    # The file of the Role ID and Holder cells, and of the other three where they differ (a merged
    # role takes each field from the respondents who gave its value). Blank inside a Response: the
    # file is Response.source; the merged organisation always sets them.
    source: str = ""
    fte_source: str = ""
    in_pmo_source: str = ""
    reports_to_source: str = ""


@dataclass(frozen=True)
class Assignment:
    responsibility_id: str
    role_id: str
    letters: str               # R, A, C, I or A/R
    cell: str
    source: str = ""           # the file of the cell (blank inside a Response: Response.source)


@dataclass(frozen=True)
class ResponsibilityRow:
    responsibility_id: str
    name: str
    cell: str
    standard: bool
    source: str = ""           # the file of the row (blank inside a Response: Response.source)


@dataclass(frozen=True)
class Stamp:
    """Which template produced the workbook; ``found`` False for an unstamped file."""
    template_id: str
    version: str
    questions_hash: str
    found: bool


@dataclass(frozen=True)
class Response:
    """One respondent's filled workbook."""
    source: str
    stamp: Stamp
    profile: tuple[ProfileValue, ...]
    answers: tuple[Answer, ...]
    roles: tuple[Role, ...]
    responsibilities: tuple[ResponsibilityRow, ...]
    assignments: tuple[Assignment, ...]
    warnings: tuple[Problem, ...] = field(default=())
    # (Role ID, header cell such as "RACI!G1") per RACI column: a blank RACI cell is a vote too
    # ("no involvement") and a disagreement must name it, though no Assignment records it.
    raci_columns: tuple[tuple[str, str], ...] = ()

    def profile_value(self, key: str):
        return next((p.value for p in self.profile if p.key == key), None)

    def answer(self, question_id: str) -> Answer | None:
        return next((a for a in self.answers if a.question_id == question_id), None)

    @property
    def respondent(self) -> str:
        return str(self.profile_value("respondent") or self.source)


@dataclass(frozen=True)
class Submission:
    """Every respondent's workbook for one PMO, in canonical order (reader.canonical_order): the
    first is the primary respondent, whose Profile describes the office."""
    responses: tuple[Response, ...]
    bank_id: str
    bank_version: str
    digests: tuple[str, ...] = ()   # each response's workbook SHA-256, in the same order (the store's key)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(w for r in self.responses for w in r.warnings)
