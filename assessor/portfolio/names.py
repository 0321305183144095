"""Report file names for offices: readable in the client's own script, safe on every file system,
unique in one folder."""
from __future__ import annotations

import re
import unicodedata

MOST = 80         # characters of a stem
MOST_BYTES = 200  # and its UTF-8 bytes: file systems allow 255 bytes for a name, extension included
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)),
            "portfolio"}  # Windows' device names, and the portfolio workbook's own name


def stem(text: str) -> str:
    """``"Contoso / PMO: <2027>"`` -> ``"Contoso - PMO 2027"``: letters (of any script, with their
    accents), digits, spaces, dots, hyphens and underscores only; no control, format (bidi) or
    punctuation character a shell or Windows treats specially; no leading or trailing dot or space; at
    most 80 characters and 200 bytes. ``"Ørsted"``, ``"Société Générale"`` and ``"日本郵船"`` keep their names."""
    composed = unicodedata.normalize("NFKC", text.replace("/", " - "))  # full-width forms become plain ones
    kept = "".join(ch if ch in " ._-" or unicodedata.category(ch)[0] in "LMN" else " " for ch in composed)
    cleaned = re.sub(r"\.{2,}", ".", kept)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .-_")
    cleaned = _shorter(cleaned).strip(" .-_")
    cleaned = re.sub(r"(?:\s+-+)+\s*|\s*(?:-+\s+)+", " - ", cleaned).strip(" -")  # "Roll-out" stays
    if not cleaned or unicodedata.category(cleaned[0])[0] == "M":
        cleaned = f"office {cleaned}".strip()  # a name cannot start with an accent on nothing
    if cleaned.split(".")[0].strip().lower() in RESERVED:
        cleaned = f"{cleaned} office"
    return cleaned


def _shorter(text: str) -> str:
    text = text[:MOST]
    while len(text.encode("utf-8")) > MOST_BYTES:
        text = text[:-1]
    return text


def unique_stems(texts: list[str]) -> list[str]:
    """A stem for each text, in order; a repeat (compared case-blind, as macOS and Windows do) gets -2, -3..."""
    taken: set[str] = set()
    out = []
    for text in texts:
        base = stem(text)
        candidate, n = base, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out
