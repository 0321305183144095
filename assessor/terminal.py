"""Text for a terminal: a workbook's characters never drive it.

A respondent's text reaches the console in warnings, errors and the console report. Control
characters (C0 with ESC and the 8-bit CSI ``\\x9b``, DEL, C1), line and paragraph separators and
the bidirectional overrides and isolates (``U+202E`` turns a line around) are shown escaped, as
``\\x1b``, ``\\x9b``, ``\\u202e``, so the consultant sees what the cell holds and the terminal does
nothing with it.
"""
from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escaped_character(match: re.Match) -> str:
    """One unsafe character as the text that names it: ``\\x1b``, ``\\u202e``, ``\\n``."""
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def shown(text) -> str:
    """``text`` as one line a terminal shows literally: every control, separator and bidi character
    escaped, newlines included (one printed problem is one line)."""
    return _UNSAFE.sub(escaped_character, "" if text is None else str(text))


def shown_lines(text: str) -> str:
    """Several lines of our own (a report): each line's unsafe characters escaped, the newlines kept."""
    return "\n".join(shown(line) for line in str(text).split("\n"))


# The same characters above the C0 range (json escapes C0 itself; the HTML writer adds C0 to this):
# what a JSON or HTML report printed to a terminal must still not carry raw.
BEYOND_C0 = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def json_escaped(text: str) -> str:
    """JSON text with the characters json leaves raw above C0 written as \\u escapes: the same
    document, safe to print to a terminal."""
    return BEYOND_C0.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
