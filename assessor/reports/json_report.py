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
from assessor.terminal import BEYOND_C0


def dumps(data) -> str:
    try:
        import orjson
    except ImportError:  # pragma: no cover - a declared dependency; the standard library gives the same
        orjson = None
    if orjson is not None:
        try:
            text = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
        except (TypeError, orjson.JSONEncodeError):
            text = None  # a key or value orjson does not take: the standard library says what it is
        if text is not None:
            return text
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


ASCII = bytes(range(128))


class JsonReporter(TextReporter):
    name = "json"

    def render(self, data: dict) -> str:
        return self.render_bytes(data).decode("utf-8")

    def render_bytes(self, data: dict) -> bytes:
        """The document as UTF-8. Outside the C0 range json leaves control and bidi characters raw;
        written as \\u escapes the document means the same and is safe to print to a terminal."""
        try:
            import orjson

            raw = orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
        except (ImportError, TypeError, ValueError):
            raw = None  # a key or value orjson does not take: the standard library says what it is
        if raw is not None and b"\x7f" not in raw:
            # Only the non-ASCII characters can be unsafe: taking every ASCII byte out leaves them
            # (whole: no ASCII byte is part of a longer UTF-8 sequence), a few hundred bytes to search
            # instead of a third of a megabyte (the regex over it cost a millisecond a report).
            if not BEYOND_C0.search(raw.translate(None, ASCII).decode("utf-8")):
                return raw
        text = dumps(data)
        return BEYOND_C0.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8")


REPORTER = JsonReporter()
