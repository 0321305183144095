"""Placing an office among its peers: each dimension's percentile in the peer group's latest
assessments, and the anonymised bands a peer group is matched on.

Pure: profiles in, placement out. A profile is ``{model, tier, size, industry, employees,
overall_level, dimensions: {id: {level, score}}}`` with ``industry`` and ``employees`` already bands.
"""
from __future__ import annotations

import functools
import re
import statistics
from pathlib import Path

from assessor.errors import AssessorError

BANDS_FILE = Path(__file__).resolve().parent / "store" / "bands.yaml"
FILTERS = ("industry", "tier", "size", "model", "employees")


class BenchmarkError(AssessorError):
    """A peer group that cannot be formed or shown."""


@functools.lru_cache(maxsize=1)
def bands() -> dict:
    from assessor.yamlfile import load_yaml

    return load_yaml(BANDS_FILE, BenchmarkError)


def industry_band(text) -> str:
    words = re.findall(r"\w+", str(text or "").casefold())
    for entry in bands()["industries"]:
        if any(w.startswith(str(k)) for k in entry["words"] for w in words):
            return entry["band"]
    return bands()["industries"][-1]["band"]


def employees_band(count) -> str | None:
    if not isinstance(count, (int, float)) or isinstance(count, bool):
        return None
    for entry in bands()["employees"]:
        if count >= entry["from"] and ("to" not in entry or count < entry["to"]):
            return entry["band"]
    return None


def parse_peers(spec: str | None) -> dict:
    """``industry=energy,tier=2,size=medium`` -> the filters, each value in band form."""
    wanted: dict = {}
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        key, sep, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or key not in FILTERS or not value:
            raise BenchmarkError(f"--peers: {part!r} is not a filter (expected key=value with key one of: "
                                 f"{', '.join(FILTERS)}; e.g. industry=energy,tier=2,size=medium)")
        if key == "tier":
            if value not in ("1", "2", "3", "4"):
                raise BenchmarkError(f"--peers: tier={value!r} (expected 1, 2, 3 or 4)")
            wanted[key] = int(value)
        elif key == "industry":
            wanted[key] = industry_band(value)
        else:
            wanted[key] = value.lower() if key in ("size", "model") else value
    return wanted


def matches(profile: dict, wanted: dict) -> bool:
    return all(profile.get(k) == v for k, v in wanted.items())


def place(office: dict, peers: list[dict], wanted: dict, dimension_names: dict) -> dict:
    """Each dimension's percentile of ``office`` among ``peers`` (office excluded by the caller)."""
    minimum = int(bands()["minimum_peers"])
    group = [p for p in peers if matches(p, wanted)]
    described = ", ".join(f"{k}={v}" for k, v in wanted.items()) or "all stored offices"
    if len(group) < minimum:
        raise BenchmarkError(f"the peer group ({described}) has {len(group)} office(s); at least {minimum} are "
                             "needed so that no office can be told apart: widen --peers")
    rows = []
    order = [d for d in dimension_names if d in office["dimensions"]] + \
        sorted(d for d in office["dimensions"] if d not in dimension_names)
    for did in order:
        mine = office["dimensions"][did]
        scores = [p["dimensions"][did]["score"] for p in group
                  if did in p["dimensions"] and p["dimensions"][did].get("score") is not None]
        score = mine.get("score")
        row = {"id": did, "name": dimension_names.get(did, did), "level": mine.get("level"), "score": score,
               "peers": len(scores), "percentile": None, "peer_median": _median(scores)}
        if score is not None and len(scores) >= minimum:
            below = sum(s < score for s in scores)
            equal = sum(s == score for s in scores)
            row["percentile"] = round(100 * (below + 0.5 * equal) / len(scores))
        rows.append(row)
    overall = [p["overall_level"] for p in group if p.get("overall_level") is not None]
    return {"kind": "benchmark", "peers": {"filters": wanted, "described": described, "size": len(group)},
            "office": {k: office.get(k) for k in ("organisation", "pmo_name", "assessment_date", "model", "tier",
                                                   "size", "industry", "overall_level")},
            "overall": {"level": office.get("overall_level"), "peer_median": _median(overall)},
            "dimensions": rows}


def _median(values: list):
    return round(statistics.median(values), 2) if values else None
