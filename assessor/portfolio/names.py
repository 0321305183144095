"""Report file names for offices: readable in the client's own script, safe on every file system,
unique in one folder."""
from __future__ import annotations

import re
import unicodedata

MOST = 80         # characters of a stem
MOST_BYTES = 200  # and its UTF-8 bytes: file systems allow 255 bytes for a name, extension included
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)),
            "portfolio"}  # Windows' device names, and the portfolio workbook's own name
# Letters and marks that show as nothing (Unicode's default-ignorable code points outside the format
# category, which goes anyway): a name made of them, or padded with them, would look like another.
_INVISIBLE = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0"
                        "\U000e0100-\U000e01ef]")


def stem(text: str) -> str:
    """``"Contoso / PMO: <2027>"`` -> ``"Contoso - PMO 2027"``: letters (of any script, with their
    accents), digits, spaces, dots, hyphens and underscores only; no control, format (bidi), invisible
    or punctuation character a shell or Windows treats specially; no leading or trailing dot or space;
    at most 80 characters and 200 bytes. ``"Ørsted"``, ``"Société Générale"`` and ``"日本郵船"`` keep
    their names."""
    composed = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text.replace("/", " - ")))  # full-width forms become plain
    kept = "".join(ch if ch in " ._-" or unicodedata.category(ch)[0] in "LMN" else " " for ch in composed)
    cleaned = re.sub(r"\.{2,}", ".", kept)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .-_")
    cleaned = re.sub(r"(?:\s+-+)+\s*|\s*(?:-+\s+)+", " - ", cleaned).strip(" -")  # "Roll-out" stays
    if not cleaned or unicodedata.category(cleaned[0])[0] == "M":
        cleaned = f"office {cleaned}".strip()  # a name cannot start with an accent on nothing
    if same_name(cleaned.split(".")[0].strip()) in RESERVED:
        cleaned = f"{cleaned} office"
    return _shorter(cleaned)


def same_name(text: str) -> str:
    """What two names must differ in for Windows and macOS to keep both: compared case-blind the way
    their file systems do (upper case first: Turkish "ı" is "I" there, which casefold alone misses)."""
    return text.upper().casefold()


def _shorter(text: str) -> str:
    text = text[:MOST]
    while len(text.encode("utf-8")) > MOST_BYTES:
        text = text[:-1]
    return text.rstrip(" .-_") or "office"


def unique_stems(texts: list[str]) -> list[str]:
    """A stem for each text, in order; a repeat (as a case-blind file system compares) gets -2, -3..."""
    taken: set[str] = set()
    out = []
    for text in texts:
        base = stem(text)
        candidate, n = base, 1
        while same_name(candidate) in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(same_name(candidate))
        out.append(candidate)
    return out


def sort_key(name: str) -> tuple:
    """A report name's place in a listing: accents and case set aside ("Électricité" among the E's),
    then the name itself, so the order is total."""
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return (bare.casefold(), name)
