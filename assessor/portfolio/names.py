"""Report file names for offices: readable, safe on every file system, unique in one folder."""
from __future__ import annotations

import re
import unicodedata

MOST = 80
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)),
            "portfolio"}  # Windows' device names, and the portfolio workbook's own name


def stem(text: str) -> str:
    """``"Contoso / PMO: <2027>"`` -> ``"Contoso - PMO 2027"``: ASCII letters, digits, spaces, dots,
    hyphens and underscores only, no leading or trailing dot or space, at most 80 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^A-Za-z0-9 ._-]+", " ", ascii_text.replace("/", " - "))
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .-_")[:MOST].strip(" .-_")
    cleaned = re.sub(r"(?:\s+-+)+\s*|\s*(?:-+\s+)+", " - ", cleaned).strip(" -")  # "Roll-out" stays
    if not cleaned:
        cleaned = "office"
    if cleaned.split(".")[0].strip().lower() in RESERVED:
        cleaned = f"{cleaned} office"
    return cleaned


def unique_stems(texts: list[str]) -> list[str]:
    """A stem for each text, in order; a repeat (compared case-blind, as macOS and Windows do) gets -2, -3..."""
    taken: set[str] = set()
    out = []
    for text in texts:
        base = stem(text)
        candidate, n = base, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate.lower())
        out.append(candidate)
    return out
