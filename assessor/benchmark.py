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
KEY_ALIASES = {"type": "model"}  # the reports call the model the office's type
TIERS = (1, 2, 3, 4)


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


# -- --peers: each filter's value in the form profiles hold, or why it cannot be one ----------------

def _label_key(text: str) -> str:
    """A band label however it is typed: "5,000 and over", "5000 and over", "5,000 AND OVER"."""
    return re.sub(r"[\s,]+", "", str(text).casefold())


def _one_of(values, what: str):
    def parse(value: str):
        if value.casefold() in values:
            return value.casefold()
        raise ValueError(f"is not {what} (expected one of: {', '.join(values)})")
    return parse


def _tier(value: str) -> int:
    if value.strip() in {str(t) for t in TIERS}:
        return int(value)
    raise ValueError(f"is not a tier (expected {', '.join(map(str, TIERS[:-1]))} or {TIERS[-1]})")


_HEAD_COUNT = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")


def _employees(value: str) -> str:
    """A head count (6800, 6,800) is put in its band; a band is named by its label."""
    labels = [entry["band"] for entry in bands()["employees"]]
    if _HEAD_COUNT.fullmatch(value):
        return employees_band(int(value.replace(",", "")))
    by_key = {_label_key(label): label for label in labels}
    if _label_key(value) in by_key:
        return by_key[_label_key(value)]
    raise ValueError("is neither a head count nor an employees band (expected a number of employees such as "
                     f"6800, or a band: {'; '.join(labels)})")


def _industry(value: str) -> str:
    """An industry band by its name, or by a word of it (energy, bank, council...)."""
    entries = bands()["industries"]
    by_key = {_label_key(e["band"]): e["band"] for e in entries}
    if _label_key(value) in by_key:
        return by_key[_label_key(value)]
    band = industry_band(value)
    if band != entries[-1]["band"]:  # the last band is where a word no band knows falls
        return band
    examples = ", ".join(str(e["words"][0]) for e in entries if e["words"])
    raise ValueError(f"names no industry band (expected a band: {'; '.join(e['band'] for e in entries)}; or a word "
                     f"of one, such as {examples})")


def _parsers() -> dict:
    from assessor.store.exchange import MODELS, SIZES

    return {"industry": _industry, "tier": _tier, "size": _one_of(SIZES, "an office size"),
            "model": _one_of(MODELS, "a PMO type"), "employees": _employees}


# A comma followed by a key= starts the next filter: a comma inside a value ("5,000 and over") does not.
_NEXT_FILTER = re.compile(r",(?=\s*[A-Za-z_][\w-]*\s*=)")


def parse_peers(spec: str | None) -> dict:
    """``industry=energy,tier=2,size=medium`` -> the filters, each value in band form (a head count
    in its band, an industry word in its industry's band). Every filter that is not one is said, at once."""
    wanted: dict = {}
    wrong: list[str] = []
    parsers = _parsers()
    for part in filter(None, (p.strip() for p in _NEXT_FILTER.split(spec or ""))):
        key, sep, value = part.partition("=")
        # a trailing or doubled comma ("size=large,", "size=medium,,tier=2") separates nothing
        key, value = key.strip().lower(), value.strip().rstrip(", ")
        key = KEY_ALIASES.get(key, key)
        if not sep or key not in FILTERS or not value:
            also = {key: alias for alias, key in KEY_ALIASES.items()}
            keys = ", ".join(f"{k} (or {also[k]})" if k in also else k for k in FILTERS)
            wrong.append(f"{part!r} is not a filter (expected key=value with key one of: {keys}; "
                         "e.g. industry=energy,tier=2,size=medium)")
            continue
        try:
            parsed = parsers[key](value)
        except ValueError as exc:
            wrong.append(f"{key}={value!r} {exc}")
            continue
        if key in wanted and wanted[key] != parsed:
            wrong.append(f"{key} is given twice ({wanted[key]} and {parsed}); a peer group has one value of each")
            continue
        wanted[key] = parsed
    if wrong:
        raise BenchmarkError("--peers: " + "; ".join(wrong))
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
