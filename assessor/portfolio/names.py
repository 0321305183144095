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


def stem(text: str, fallback: str = "") -> str:
    """``"Contoso / PMO: <2027>"`` -> ``"Contoso - PMO 2027"``: letters (of any script, with their
    accents), digits, spaces, dots, hyphens and underscores only; no control, format (bidi), invisible
    or punctuation character a shell or Windows treats specially; no leading or trailing dot or space;
    at most 80 characters and 200 bytes. ``"Ørsted"``, ``"Société Générale"`` and ``"日本郵船"`` keep
    their names. A name with nothing of that kind (all emoji) takes ``fallback`` instead: the workbook's
    own file name tells two such offices apart better than "office" and "office-2"."""
    cleaned = _cleaned(text) or _cleaned(fallback)
    if not cleaned or unicodedata.category(cleaned[0])[0] == "M":
        cleaned = f"office {cleaned}".strip()  # a name cannot start with an accent on nothing
    first, dot, rest = cleaned.partition(".")
    if same_name(first.strip()) in RESERVED:  # Windows reads "nul.txt - PMO" as the device NUL too
        cleaned = f"{first.rstrip()} office{dot}{rest}"
    return _shorter(cleaned)


def readable(text: str) -> bool:
    """Whether a stem made of ``text`` keeps anything of it (an all-emoji name keeps nothing)."""
    return bool(_cleaned(text))


def _cleaned(text: str) -> str:
    composed = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text.replace("/", " - ")))  # full-width forms become plain
    kept = "".join(ch if ch in " ._-" or unicodedata.category(ch)[0] in "LMN" else " " for ch in composed)
    cleaned = re.sub(r"\.{2,}", ".", kept)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .-_")
    return re.sub(r"(?:\s+-+)+\s*|\s*(?:-+\s+)+", " - ", cleaned).strip(" -")  # "Roll-out" stays


def same_name(text: str) -> str:
    """What two names must differ in for Windows and macOS to keep both: compared case-blind the way
    their file systems do (upper case first: Turkish "ı" is "I" there, which casefold alone misses)."""
    return text.upper().casefold()


def _fits(text: str, suffix: str) -> bool:
    return len(text) + len(suffix) <= MOST and len(text.encode("utf-8")) + len(suffix.encode("utf-8")) <= MOST_BYTES


def _shorter(text: str, suffix: str = "") -> str:
    """``text`` within the limits, with room left for ``suffix``. A name too long keeps its start and
    its end ("Department for Transport and ... - Northern Region - PMO"): two long names of one
    organisation mostly differ at the end, and so does the PMO name."""
    if _fits(text, suffix):
        return text.rstrip(" .-_") or "office"
    joint = " - "
    room = MOST - len(suffix) - len(joint)            # characters for the start and the end
    tail = text[-(room * 2 // 5):].lstrip(" .-_")    # the end: two fifths of the room
    head = text[:room - len(tail)]
    while head and not _fits(f"{head}{joint}{tail}", suffix):  # letters of several bytes: fewer of them
        head = head[:-1]
    head = head.rstrip(" .-_")
    return f"{head}{joint}{tail}" if head else tail


def unique_stems(texts: list[str], fallbacks: list[str] | None = None) -> list[str]:
    """A stem for each text, in order; a repeat (as a case-blind file system compares) gets -2, -3...
    ``fallbacks[i]`` names the i-th when its text holds nothing a file name can keep."""
    taken: set[str] = set()
    out = []
    for i, text in enumerate(texts):
        base = stem(text, fallbacks[i] if fallbacks else "")
        candidate, n = base, 1
        while same_name(candidate) in taken:
            n += 1
            candidate = f"{_shorter(base, f'-{n}')}-{n}"  # within the limits with its number
        taken.add(same_name(candidate))
        out.append(candidate)
    return out


def sort_key(name: str) -> tuple:
    """A report name's place in a listing: accents and case set aside ("Électricité" among the E's),
    then the name itself, so the order is total."""
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return (bare.casefold(), name)
