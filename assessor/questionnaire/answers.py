"""Interpreting what a respondent typed in a cell: answers, RACI letters, yes/no, numbers.

Pure functions: each returns the normalised value or raises ``ValueError`` with
a short description of what was expected.
"""
from __future__ import annotations

import math
import re

from assessor.model import ANSWERED, DONT_KNOW, NOT_APPLICABLE
from assessor.questionnaire import layout as L

_NA = {"n/a", "na", "n.a.", "not applicable"}
_DK = {"don't know", "dont know", "don’t know", "do not know", "unknown", "dk", "?"}
_LEADING_NUMBER = re.compile(r"\s*(-?\d+(?:[.,]\d+)?)\s*(?:[-–—:.)]\s*(.*))?$")
_SPACE = re.compile(r"\s+")
_PEOPLE = re.compile(r"[;\n]")


def parse_answer(value, scale_labels: dict[str, int], not_applicable: str, dont_know: str):
    """Return ``(status, level)`` for an answer cell; blank cells are handled by the caller.

    Accepts 3, 3.0, "3", "3 - Defined", "Defined", "N/A", "Don't know".
    """
    if isinstance(value, bool):
        raise ValueError("true/false")
    if isinstance(value, (int, float)):
        return ANSWERED, _level(value)
    text = str(value).strip()
    lowered = text.lower()
    if lowered in _NA or lowered == not_applicable.lower():
        return NOT_APPLICABLE, None
    if lowered in _DK or lowered == dont_know.lower():
        return DONT_KNOW, None
    match = _LEADING_NUMBER.match(text)
    if match:
        return ANSWERED, _level(float(match.group(1).replace(",", ".")))
    if lowered in scale_labels:
        return ANSWERED, scale_labels[lowered]
    raise ValueError("text")


def _level(number: float) -> int:
    if number != int(number) or not 0 <= number <= 5:
        raise ValueError("out of range")
    return int(number)


def parse_raci(value) -> str:
    text = str(value)
    if text in ("R", "A", "C", "I"):  # as typed, mostly
        return text
    text = _SPACE.sub("", text).upper()
    if text in ("R", "A", "C", "I"):
        return text
    if text in ("A/R", "R/A", "AR", "RA", "A,R", "R,A", "A+R", "R+A"):
        return "A/R"
    raise ValueError(text)


def parse_yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in L.YES:
        return True
    if text in L.NO:
        return False
    raise ValueError(text)


def parse_number(value) -> float:
    """A finite number typed as a number, as text, or with a decimal comma ("0,5")."""
    if isinstance(value, bool):
        raise ValueError("true/false")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip().replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(text) from None
    if not math.isfinite(number):  # "nan" and "inf" parse as floats but are not answers
        raise ValueError(str(value))
    return number


def split_people(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(p.strip() for p in _PEOPLE.split(str(value)) if p.strip())
