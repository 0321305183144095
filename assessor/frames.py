"""pandas DataFrames for notebook users: one assessment's answers, findings and dimensions, an
office's history and a benchmark placement, built from the same JSON contract the reports read.

    from assessor import api, frames
    report = api.assess(["march.xlsx"]).to_dict()
    frames.dimensions(report)            # one row per dimension: level, score, target, gap
    with api.open_store() as store:
        frames.history(store, "Meridian Bank")   # one row per assessment, a column per dimension

pandas is imported here only, so the command line never pays for it.
"""
from __future__ import annotations


def _pd():
    import pandas

    return pandas


def dimensions(report: dict):
    rows = [{"dimension": d["id"], "name": d["name"], "status": d["status"], "level": d["level"],
             "score": d["score"], "target": d["target"], "gap": d["gap"], "answered": d["answered"],
             "questions": d["questions"]} for d in report["maturity"]["dimensions"]]
    return _pd().DataFrame(rows).set_index("dimension")


def answers(report: dict):
    rows = [{"question": a["question"], "dimension": a["dimension"], "level": a["level"], "status": a["status"],
             "value": a["value"], "low": a["low"], "high": a["high"], "respondents": len(a["responses"]),
             "text": a["text"]} for a in report["maturity"]["answers"]]
    return _pd().DataFrame(rows).set_index("question")


def findings(report: dict):
    rows = [{"id": f["id"], "rule": f["rule"], "severity": f["severity"], "category": f["category"],
             "subject": f.get("subject"), "message": f["message"], "weight": f.get("weight"),
             "cells": ", ".join(f"{e['sheet']}!{e['cell']}" for e in f["evidence"])} for f in report["findings"]]
    columns = ["id", "rule", "severity", "category", "subject", "message", "weight", "cells"]
    return _pd().DataFrame(rows, columns=columns).set_index("id")


def history(store, organisation: str):
    """One office's stored assessments, oldest first: a row each, with every dimension's level."""
    from assessor.api import office_of

    office = office_of(store, organisation)
    rows = []
    for a in store.assessments_of(office.id):
        row = {"id": a["id"], "date": a["date"], "type": a["model"], "tier": a["tier"], "overall": a["overall"],
               "score": a["score"]}
        row.update({d: v["level"] for d, v in sorted(a["dimensions"].items())})
        rows.append(row)
    frame = _pd().DataFrame(rows).set_index("id")
    frame["date"] = _pd().to_datetime(frame["date"])
    return frame


def benchmark(placement: dict):
    """A benchmark placement (``api.benchmark``): a row per dimension with its percentile."""
    rows = [{"dimension": d["id"], "name": d["name"], "level": d["level"], "score": d["score"],
             "percentile": d["percentile"], "peer_median": d["peer_median"], "peers": d["peers"]}
            for d in placement["dimensions"]]
    return _pd().DataFrame(rows).set_index("dimension")
