"""Stable keys from names a client types: the same organisation however its Profile spells it."""
from __future__ import annotations

import hashlib
import re
import unicodedata

_NOT_WORD = re.compile(r"[^\w]+")


def name_key(name) -> str:
    """``"Contoso  Manufacturing Ltd."`` and ``"contoso manufacturing ltd"`` give one key: Unicode
    compatibility forms folded, case folded, punctuation and runs of spaces made one space."""
    text = unicodedata.normalize("NFKC", str(name or "")).casefold()
    words = " ".join(_NOT_WORD.sub(" ", text).split())
    if words:
        return words
    # a name of pictographs only ("🚀🚀") is still a name, not a blank; punctuation and signs alone
    # ("-", "...", "+", "$") are none
    return "".join(ch for ch in text if unicodedata.category(ch) == "So")


def workbooks_digest(sha256s) -> str:
    """One assessment per set of workbooks, whatever the order they were given in."""
    return hashlib.sha256("\n".join(sorted(sha256s)).encode("ascii")).hexdigest()
