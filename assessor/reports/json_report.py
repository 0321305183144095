"""JSON: the stable machine contract (schema in schemas/assessment.schema.json).

Deterministic: the same inputs give byte-identical output (insertion-ordered keys built in a fixed
order, no timestamps). Written by orjson, which gives the bytes ``json.dumps(indent=2,
ensure_ascii=False)`` gives for every document we make (tests/test_json_schema.py checks the golden
files both ways) at fifty times the speed, which a batch of two hundred offices notices; the one
difference is a number below 1e-4 written as 0.00001 rather than 1e-05, the same value.
"""
from __future__ import annotations

import json

from assessor.reports.base import TextReporter
from assessor.terminal import BEYOND_C0, json_escaped

ASCII = bytes(range(128))


def dumps(data) -> str:
    """The document's JSON text, unescaped (``json.dumps(indent=2, ensure_ascii=False)``'s text)."""
    return _encoded(data).decode("utf-8")


def _encoded(data) -> bytes:
    try:
        import orjson
    except ImportError:  # pragma: no cover - a declared dependency; the standard library gives the same
        orjson = None
    if orjson is not None:
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
        except TypeError:  # (orjson.JSONEncodeError) a key or value orjson does not take: the standard
            pass           # library says what it is
    return (json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


class JsonReporter(TextReporter):
    name = "json"

    def render(self, data: dict) -> str:
        return self.render_bytes(data).decode("utf-8")

    def render_bytes(self, data: dict) -> bytes:
        """The document as UTF-8. Outside the C0 range json leaves control and bidi characters raw;
        written as \\u escapes the document means the same and is safe to print to a terminal."""
        raw = _encoded(data)
        # Only the non-ASCII characters can be unsafe: taking every ASCII byte out leaves them (whole:
        # no ASCII byte is part of a longer UTF-8 sequence), a few hundred bytes to search instead of a
        # third of a megabyte (the regex over it cost a millisecond a report).
        if b"\x7f" not in raw and not BEYOND_C0.search(raw.translate(None, ASCII).decode("utf-8")):
            return raw
        return json_escaped(raw.decode("utf-8")).encode("utf-8")


REPORTER = JsonReporter()
