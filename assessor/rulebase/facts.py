"""Facts: what the rule engine reasons over.

A fact is a kind plus flat attributes of plain types (str, int, float, bool),
normalised before they reach any engine (durable-rules compares "5" > 10 as
true). An attribute that does not apply is left out, never None: a test on a
missing attribute is false in both engines.

``KINDS`` is the schema of every fact kind: rule lint checks kinds and
attribute names against it, and the compiler type-checks literals with it.
Rule files may declare further kinds that their rules conclude.
"""
from __future__ import annotations

from typing import NamedTuple

NUMBER, TEXT, FLAG = "number", "text", "flag"

KINDS: dict[str, dict[str, str]] = {
    # --- input facts, made from the workbooks -------------------------------------------------
    "profile": {"organisation": TEXT, "industry": TEXT, "employees": NUMBER, "active_projects": NUMBER,
                "active_programmes": NUMBER, "pmo_fte": NUMBER, "respondents": NUMBER,
                "size": TEXT},  # small, medium or large (requirements.office_size, bands in coverage.yaml)
    "answer": {"question": TEXT, "dimension": TEXT, "level": NUMBER, "weight": NUMBER,
               "responsibility": TEXT, "status": TEXT, "value": NUMBER, "spread": NUMBER,
               "low": NUMBER, "high": NUMBER, "respondents": NUMBER, "has_evidence": FLAG, "action": TEXT},
    "criterion": {"dimension": TEXT, "level": NUMBER, "score": NUMBER, "applicable": FLAG,
                  "answered": NUMBER, "questions": NUMBER, "floor": NUMBER, "met": FLAG},
    "dimension": {"dimension": TEXT, "name": TEXT, "score": NUMBER, "applicable": FLAG,
                  "questions": NUMBER, "answered": NUMBER, "not_applicable": NUMBER, "dont_know": NUMBER,
                  "unanswered": NUMBER, "answered_share": NUMBER,
                  # floor_N: the least answer among the dimension's applicable practices of levels 1..N
                  # (scoring.Criterion.floor); level N is met when floor_N >= N. "Don't know" and blank
                  # count -1 (no evidence: never met); 5 when no practice up to N applies (does not block).
                  "floor_1": NUMBER, "floor_2": NUMBER, "floor_3": NUMBER, "floor_4": NUMBER, "floor_5": NUMBER},
    "role": {"role": TEXT, "name": TEXT, "family": TEXT, "held": FLAG, "holders": NUMBER, "fte": NUMBER,
             "in_pmo": FLAG, "reports_to": TEXT, "standard": FLAG, "accountable": NUMBER, "responsible": NUMBER,
             "escalates": FLAG},
    "holding": {"person": TEXT, "role": TEXT, "fte": NUMBER},
    "assignment": {"responsibility": TEXT, "role": TEXT, "letters": TEXT, "accountable": FLAG,
                   "responsible": FLAG, "role_held": FLAG},
    "responsibility": {"responsibility": TEXT, "name": TEXT, "family": TEXT, "scope": TEXT, "standard": FLAG,
                       "critical": FLAG, "accountable": NUMBER, "responsible": NUMBER, "letters": NUMBER,
                       "accountable_held": NUMBER, "responsible_held": NUMBER, "claim": NUMBER},
    # --- from the responsibility graph (assessor/responsibility.py) ---------------------------------
    "person": {"person": TEXT, "fte": NUMBER, "roles": NUMBER, "accountable": NUMBER, "responsible": NUMBER,
               "sole_critical": NUMBER, "role_list": TEXT, "sole_list": TEXT,
               # the same lists as a sentence shows them: role names, responsibility names quoted
               "role_names": TEXT, "sole_names": TEXT,
               # every role they hold is a board or committee (the catalogue's body: true): a group,
               # whose absence or full-time load is not one person's
               "body": FLAG},
    "independence": {"delivered": TEXT, "assurance": TEXT, "role_delivery": TEXT, "role_assurance": TEXT,
                     "person": TEXT, "same_role": FLAG, "delivered_name": TEXT, "assurance_name": TEXT,
                     "role_delivery_name": TEXT, "role_assurance_name": TEXT},
    "reporting_cycle": {"roles": TEXT, "names": TEXT},  # role ids, and role names, "A -> B -> A"
    # one per function (project, programme, portfolio, coe): of its RACI rows, how many a staffed role
    # inside the PMO (In PMO yes) is Responsible or Accountable for
    "pmo_function": {"function": TEXT, "rows": NUMBER, "carried": NUMBER, "share": NUMBER},
    # --- from merging the respondents' Roles and RACI sheets (assessor/organisation.py) ----------------
    # One per field two voters filled differently: ``field`` holder, fte, in_pmo, reports_to or raci;
    # ``column`` its header (Holder, FTE, In PMO, Reports to, RACI letter); ``subject`` the role, or
    # "responsibility / role" for a RACI cell; ``values`` each respondent's value and cell, as text;
    # ``used`` the merged value; ``respondents`` the voters; ``distinct`` how many values they gave.
    "disagreement": {"field": TEXT, "column": TEXT, "role": TEXT, "responsibility": TEXT, "subject": TEXT,
                     "subject_name": TEXT,  # the subject as a sentence says it: role name, or “responsibility” / role
                     "values": TEXT, "used": TEXT, "respondents": NUMBER, "distinct": NUMBER},
    # --- asserted once the type and tier are decided (assessor/requirements.py) ---------------------
    # subject role, responsibility or dimension; the coverage attributes are on responsibilities only.
    "requirement": {"subject": TEXT, "item": TEXT, "name": TEXT, "scope": TEXT, "tier": NUMBER, "type": TEXT,
                    "reason": TEXT, "present": FLAG, "covered": FLAG, "critical": FLAG, "function": TEXT,
                    "function_name": TEXT, "function_missing": FLAG, "function_critical": FLAG,
                    "family": TEXT, "family_name": TEXT,
                    "typical": TEXT, "typical_held": FLAG, "size": TEXT, "gap": TEXT},
    # one per person who is the only R or A person for critical responsibilities the office's own type
    # and tier expect: how many (critical), their ids (list) and their names as a sentence shows them
    "sole_holder": {"person": TEXT, "body": FLAG, "critical": NUMBER, "list": TEXT, "names": TEXT},
    # --- concluded by rules -------------------------------------------------------------------
    "type_evidence": {"type": TEXT, "points": NUMBER, "reason": TEXT},
    "tier_evidence": {"tier": NUMBER, "points": NUMBER, "reason": TEXT},
    "maturity_level": {"dimension": TEXT, "level": NUMBER},
    "office_function": {"scope": TEXT, "reason": TEXT},
}

INPUT_KINDS = ("profile", "answer", "criterion", "dimension", "role", "holding", "assignment", "responsibility",
               "person", "independence", "reporting_cycle", "pmo_function", "disagreement", "requirement",
               "sole_holder")

# Asserted by the session after derivations settle; absence (``not``) rules wait for it.
PHASE_KIND = "phase"


class Evidence(NamedTuple):
    """Where a fact came from in a workbook: the cell and what it held (a named tuple: an assessment
    makes a few thousand, and a frozen dataclass costs four times as much to make)."""
    file: str
    sheet: str
    cell: str
    value: str = ""
    respondent: str = ""
    attr: str = ""  # the fact attribute this cell supplies ("" = the whole fact)

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{self.cell}"

    def to_dict(self) -> dict:
        return {"file": self.file, "sheet": self.sheet, "cell": self.cell, "value": self.value,
                "respondent": self.respondent}


class Fact(NamedTuple):
    """One fact (a named tuple, like Evidence: an assessment makes five hundred of them)."""
    id: int
    kind: str
    attrs: dict
    evidence: tuple[Evidence, ...] = ()
    derived_by: str = ""                 # rule id that concluded it
    premises: tuple[int, ...] = ()       # fact ids the conclusion rests on

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    def label(self) -> str:
        key = next((self.attrs[k] for k in ("question", "dimension", "role", "responsibility", "person", "type",
                                            "tier", "scope") if k in self.attrs), "")
        return f"{self.kind}:{key}" if key != "" else self.kind


def normalise(attrs: dict) -> dict:
    """Plain, engine-safe values; None dropped; numbers as int when whole (stable JSON)."""
    out = None
    for key, value in attrs.items():
        kind = type(value)
        if kind is str or kind is bool or kind is int:
            if out is not None:
                out[key] = value
            continue
        if out is None:  # the first value to change: copy what came before it
            out = {}
            for k, v in attrs.items():
                if k == key:
                    break
                out[k] = v
        if kind is float:  # the usual other kind: a score, a median, an FTE
            out[key] = int(value) if value.is_integer() else round(value, 4)
        elif value is None:
            continue
        elif isinstance(value, (bool, str)):
            out[key] = value
        elif isinstance(value, (int, float)):
            number = float(value)
            out[key] = int(number) if number.is_integer() else round(number, 4)
        else:
            out[key] = str(value)
    return attrs if out is None else out  # already plain (most facts): nothing to change


# Known value domains: lint uses them to reject rules that can never fire
# (a test for a value the attribute never takes).
ANSWER_STATUSES = ("answered", "not_applicable", "dont_know", "unanswered")
DOMAINS: dict[tuple[str, str], tuple] = {
    ("answer", "status"): ANSWER_STATUSES,
    ("answer", "level"): (1, 5),
    ("answer", "value"): (0, 5),
    ("answer", "low"): (0, 5),
    ("answer", "high"): (0, 5),
    ("answer", "spread"): (0, 5),
    ("criterion", "level"): (1, 5),
    ("criterion", "score"): (0, 5),
    ("dimension", "score"): (0, 5),
    ("dimension", "answered_share"): (0, 1),
    ("criterion", "floor"): (-1, 5),
    **{("dimension", f"floor_{n}"): (-1, 5) for n in range(1, 6)},
    ("assignment", "letters"): ("R", "A", "C", "I", "A/R"),
    ("responsibility", "scope"): ("project", "programme", "portfolio", "coe"),
    ("type_evidence", "type"): ("supportive", "controlling", "directive"),
    ("tier_evidence", "tier"): (1, 4),
    ("maturity_level", "level"): (0, 5),
    ("office_function", "scope"): ("project", "programme", "portfolio", "coe"),
    ("requirement", "subject"): ("role", "responsibility", "dimension"),
    ("requirement", "function"): ("project", "programme", "portfolio", "coe"),
    ("requirement", "size"): ("small", "medium", "large"),
    ("profile", "size"): ("small", "medium", "large"),
    ("pmo_function", "function"): ("project", "programme", "portfolio", "coe"),
    ("pmo_function", "share"): (0, 1),
    ("requirement", "scope"): ("current", "next"),
    ("requirement", "tier"): (1, 4),
    ("person", "sole_critical"): (0, 10000),
    ("sole_holder", "critical"): (1, 10000),
    ("disagreement", "field"): ("holder", "fte", "in_pmo", "reports_to", "raci"),
    ("disagreement", "column"): ("Holder", "FTE", "In PMO", "Reports to", "RACI letter"),
    ("disagreement", "respondents"): (2, 10000),
    ("disagreement", "distinct"): (2, 10000),
}

# Attributes whose literal values must name something in the question bank.
BANK_REFERENCES = {"question": "question", "dimension": "dimension", "role": "role", "reports_to": "role",
                   "responsibility": "responsibility", "delivered": "responsibility",
                   "assurance": "responsibility", "role_delivery": "role", "role_assurance": "role"}
