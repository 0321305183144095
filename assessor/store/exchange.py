"""Checking a benchmark file before a single record of it is stored: the exact shape an export has,
nothing more (no names, no free text can come in this way)."""
from __future__ import annotations

import re

from assessor.errors import Problem
from assessor.store.database import StoreError

MODELS = ("supportive", "controlling", "directive")
SIZES = ("small", "medium", "large")
_HASH = re.compile(r"^[0-9a-f]{32}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_ID = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
_SOURCE = re.compile(r"^[0-9a-f]{16}$")
MAX_RECORDS = 100_000


def validate(document, file: str) -> tuple[list[dict], str]:
    from assessor.benchmark import bands
    from assessor.store.store import EXPORT_FORMAT, EXPORT_VERSION

    industries = {b["band"] for b in bands()["industries"]}
    employees = {b["band"] for b in bands()["employees"]}
    problems: list[Problem] = []

    def bad(where, message, found, expected):
        problems.append(Problem(file, where, message, repr(found)[:60], expected))

    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise StoreError(f"{file}: not a pmo-assess benchmark file (expected the output of "
                         "`pmo-assess benchmark export`)")
    if document.get("version") != EXPORT_VERSION:
        raise StoreError(f"{file}: benchmark file version {document.get('version')!r}; this pmo-assess reads "
                         f"version {EXPORT_VERSION}")
    extra = set(document) - {"format", "version", "source", "records"}
    if extra:
        bad("(top level)", "unknown keys", sorted(extra), "format, version, source, records")
    source = document.get("source")
    if not isinstance(source, str) or not _SOURCE.match(source):
        bad("source", "not a store id", source, "16 hexadecimal digits")
    records = document.get("records")
    if not isinstance(records, list) or len(records) > MAX_RECORDS:
        bad("records", "not a list of records", type(records).__name__, f"a list of at most {MAX_RECORDS:,}")
        records = []
    keys = {"organisation", "assessed_on", "model", "tier", "size", "industry", "employees", "overall_level",
            "dimensions"}
    for i, r in enumerate(records):
        where = f"records[{i}]"
        if not isinstance(r, dict) or set(r) != keys:
            bad(where, "not a benchmark record", sorted(r) if isinstance(r, dict) else r, ", ".join(sorted(keys)))
            continue
        checks = (("organisation", isinstance(r["organisation"], str) and bool(_HASH.match(r["organisation"])),
                   "32 hexadecimal digits (a salted hash)"),
                  ("assessed_on", r["assessed_on"] is None or (isinstance(r["assessed_on"], str)
                                                               and bool(_MONTH.match(r["assessed_on"]))), "YYYY-MM"),
                  ("model", r["model"] in MODELS, ", ".join(MODELS)),
                  ("tier", r["tier"] in (1, 2, 3, 4) and not isinstance(r["tier"], bool), "1-4"),
                  ("size", r["size"] in SIZES, ", ".join(SIZES)),
                  ("industry", r["industry"] in industries, "an industry band"),
                  ("employees", r["employees"] is None or r["employees"] in employees, "an employees band"),
                  ("overall_level", r["overall_level"] is None or (type(r["overall_level"]) is int
                                                                   and 0 <= r["overall_level"] <= 5), "0-5 or null"))
        for key, ok, expected in checks:
            if not ok:
                bad(f"{where}.{key}", "not a valid value", r[key], expected)
        dims = r["dimensions"]
        if not isinstance(dims, dict) or not all(isinstance(k, str) and _ID.match(k) for k in dims):
            bad(f"{where}.dimensions", "not a map of dimension ids", dims, "{id: {level, score}}")
            continue
        for did, value in dims.items():
            if not (isinstance(value, dict) and set(value) == {"level", "score"}
                    and (value["level"] is None or (type(value["level"]) is int and 0 <= value["level"] <= 5))
                    and (value["score"] is None or (isinstance(value["score"], (int, float))
                                                    and not isinstance(value["score"], bool)
                                                    and 0 <= value["score"] <= 5))):
                bad(f"{where}.dimensions.{did}", "not a level and score", value, "{level: 0-5|null, score: 0-5|null}")
    if problems:
        raise StoreError(f"{file}: not a valid benchmark file; nothing was imported", problems,
                         consequence="nothing was imported")
    return records, source
