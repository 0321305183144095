"""JSON: the stable machine contract (schema in schemas/assessment.schema.json).

Deterministic: the same inputs give byte-identical output (insertion-ordered
keys built in a fixed order, no timestamps).
"""
from __future__ import annotations

import json

from assessor.reports.base import TextReporter


class JsonReporter(TextReporter):
    name = "json"

    def render(self, data: dict) -> str:
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


REPORTER = JsonReporter()
