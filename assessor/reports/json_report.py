"""JSON: the stable machine contract (schema in schemas/assessment.schema.json).

Deterministic: the same inputs give byte-identical output (insertion-ordered
keys built in a fixed order, no timestamps).
"""
from __future__ import annotations

import json

from assessor.reports.base import TextReporter
from assessor.terminal import BEYOND_C0


class JsonReporter(TextReporter):
    name = "json"

    def render(self, data: dict) -> str:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        # Outside the C0 range json leaves control and bidi characters raw; written as \\u escapes the
        # document means the same and is safe to print to a terminal.
        return BEYOND_C0.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


REPORTER = JsonReporter()
