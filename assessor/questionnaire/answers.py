"""Interpreting what a respondent typed in a cell: answers, RACI letters, yes/no, numbers.

Pure functions: each returns the normalised value or raises ``ValueError`` with
a short description of what was expected.
"""
from __future__ import annotations

import datetime as dt
import math
import re

from assessor.model import ANSWERED, DONT_KNOW, NOT_APPLICABLE
from assessor.questionnaire import layout as L

_NA = {"n/a", "na", "n.a.", "not applicable"}
_DK = {"don't know", "dont know", "don’t know", "do not know", "unknown", "dk", "?"}
_LEADING_NUMBER = re.compile(r"\s*(-?\d+(?:[.,]\d+)?)\s*(?:[-–—:.)]\s*(.*))?$")
_SPACE = re.compile(r"\s+")
# what follows "2 - " when it is another level (alone, or with its label), not a label that holds a number
# ("3 - 12 of 14 projects report on time", "4: 2024 standard")
_ANOTHER_LEVEL = re.compile(r"[0-5](?:[.,]0+)?\s*(?:[-–—:.)]\s*\D.*)?")
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
        number = float(match.group(1).replace(",", "."))
        rest = match.group(2) or ""
        if _ANOTHER_LEVEL.fullmatch(rest) and 0 <= number <= 5:  # "2 - 3", "2–3": between two levels
            raise ValueError("range")
        return ANSWERED, _level(number)
    if lowered in scale_labels:
        return ANSWERED, scale_labels[lowered]
    raise ValueError("text")


def _level(number: float) -> int:
    if not 0 <= number <= 5:
        raise ValueError("out of range")
    if number != int(number):
        raise ValueError("not whole", number)  # 3.5: between two levels, not beyond them
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


_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})\s*$")
_ISO_SLASHES = re.compile(r"\s*(\d{4})\s*[/.]\s*(\d{1,2})\s*[/.]\s*(\d{1,2})\s*$")
_WORDY_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y")


def _spelled(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def parse_date(value) -> tuple[dt.date, str | None]:
    """A date typed as text: ISO (2025-03-14, 2025/03/14, 2025-03-14T10:00), day first (14/03/2025,
    14.03.2025, 14-03-2025, 14/03/25), or in words (14 March 2025, March 14, 2025). Returns the date
    and, when the reading took an assumption, what it assumed: day first for a text that reads two
    ways (03/04/2025, as in most of the world), month first only where day first cannot be
    (03/14/2025), and a two-digit year in this century. ValueError otherwise."""
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text), None
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text).date(), None   # a date and a time: the date
    except ValueError:
        pass
    iso = _ISO_SLASHES.match(text)
    if iso:
        return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))), None
    numeric = _NUMERIC_DATE.match(text)
    if numeric:
        first, second, year = (int(g) for g in numeric.groups())
        notes = []
        if len(numeric.group(3)) == 2:
            year += 2000
            notes.append(f"the year {numeric.group(3)} as {year}")
        if second > 12 and first <= 12:
            read = dt.date(year, first, second)
            notes.append(f"month first, as {second} cannot be a month")
        elif first > 12 or first == second:
            read = dt.date(year, second, first)
        else:
            read = dt.date(year, second, first)
            other = dt.date(year, first, second)
            notes.append(f"day first; type {other.isoformat()} instead if {_spelled(other)} was meant")
        return read, (f"read as {_spelled(read)} ({'; '.join(notes)})" if notes else None)
    for form in _WORDY_FORMATS:
        try:
            return dt.datetime.strptime(" ".join(text.split()), form).date(), None
        except ValueError:
            continue
    raise ValueError("not a date")
