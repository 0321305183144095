"""The tables of an assessment, an office's history, a comparison and a benchmark: one definition of
each, as plain rows for the reports and as pandas DataFrames for notebook users.

    from assessor import api, frames
    report = api.assess(["march.xlsx"]).to_dict()
    frames.dimensions(report)            # one row per dimension: level, score, target, gap
    with api.open_store() as store:
        frames.history(store, "Meridian Bank")   # one row per assessment, a column per dimension

The ``*_rows`` functions are pure and import nothing heavy: the console tables and the Excel and HTML
reports of ``history``, ``compare`` and ``benchmark`` are built from them, so a notebook and a report
always show the same columns and values. pandas is imported only when a DataFrame is asked for, so
the command line never pays for it.
"""
from __future__ import annotations


def _pd():
    import pandas

    return pandas


def _frame(rows: list[dict], index: str, columns: list[str] | None = None):
    frame = _pd().DataFrame(rows, columns=columns or (list(rows[0]) if rows else [index]))
    return frame.set_index(index)


# -- one assessment -------------------------------------------------------------------------------

def dimension_rows(report: dict) -> list[dict]:
    from assessor.reports.base import caps_text

    return [{"dimension": d["id"], "name": d["name"], "status": d["status"], "level": d["level"],
             "score": d["score"], "target": d["target"], "gap": d["gap"], "answered": d["answered"],
             "not_applicable": d["not_applicable"], "dont_know": d["dont_know"], "unanswered": d["unanswered"],
             "questions": d["questions"], "next_level_needs": caps_text(d)} for d in report["maturity"]["dimensions"]]


def answer_rows(report: dict) -> list[dict]:
    return [{"question": a["question"], "dimension": a["dimension"], "level": a["level"], "status": a["status"],
             "value": a["value"], "low": a["low"], "high": a["high"], "respondents": len(a["responses"]),
             "text": a["text"]} for a in report["maturity"]["answers"]]


def response_rows(report: dict) -> list[dict]:
    """A row per respondent's answer to each question (the long form of ``answer_rows``)."""
    from assessor.reports.base import file_name

    return [{"question": a["question"], "dimension": a["dimension"], "level": a["level"], "text": a["text"],
             "merged": a["value"], "status": a["status"], "respondent": given["respondent"], "answer": given["answer"],
             "cell": given["cell"], "evidence": given["evidence"], "file": file_name(given["file"])}
            for a in report["maturity"]["answers"] for given in a["responses"]]


FINDING_COLUMNS = ["id", "rule", "severity", "category", "subject", "message", "weight", "cells", "where",
                   "recommendation"]


def finding_rows(report: dict) -> list[dict]:
    from assessor.reports.base import compact_cells

    several = len(report.get("respondents") or ()) > 1  # one workbook: its name on every cell says nothing
    return [{"id": f["id"], "rule": f["rule"], "severity": f["severity"], "category": f["category"],
             "subject": f.get("subject"), "message": f["message"], "weight": f.get("weight"),
             "cells": ", ".join(f"{e['sheet']}!{e['cell']}" for e in f["evidence"]),
             "where": compact_cells(f["evidence"], several),
             "recommendation": f["recommendation"]} for f in report["findings"]]


def dimensions(report: dict):
    return _frame(dimension_rows(report), "dimension")


def answers(report: dict):
    return _frame(answer_rows(report), "question")


def findings(report: dict):
    return _frame(finding_rows(report), "id", FINDING_COLUMNS)


def responses(report: dict):
    """Every respondent's answer: a row each, indexed by question (several rows per question)."""
    return _frame(response_rows(report), "question", list(response_rows(report)[0]) if report["maturity"]["answers"]
                  else ["question"])


# -- an office's history --------------------------------------------------------------------------

HISTORY_COLUMNS = ["id", "date", "type", "tier", "overall", "score"]


def history_rows(document: dict, measure: str = "level") -> list[dict]:
    """A row per stored assessment, oldest first, with each dimension's ``level`` (or ``score``)."""
    dims = [d["id"] for d in document["dimensions"]]
    rows = []
    for a in document["assessments"]:
        row = {"id": a["id"], "date": a["date"], "type": a["model"], "tier": a["tier"], "overall": a["overall"],
               "score": a["score"]}
        row.update({d: (a["dimensions"].get(d) or {}).get(measure) for d in dims})
        rows.append(row)
    return rows


def history(store, organisation: str, measure: str = "level"):
    """One office's stored assessments, oldest first: a row each, with every dimension's level."""
    from assessor.api import history_document

    document = history_document(store, organisation)
    columns = HISTORY_COLUMNS + [d["id"] for d in document["dimensions"]]
    frame = _frame(history_rows(document, measure), "id", columns)
    frame["date"] = _pd().to_datetime(frame["date"])
    return frame


# -- a comparison ---------------------------------------------------------------------------------

def comparison_rows(comparison: dict) -> list[dict]:
    """A row per dimension: level and score before and after, and the change."""
    return [{"dimension": d["id"], "name": d["name"],
             "level_before": d["level"]["before"], "level_after": d["level"]["after"], "level_change": d["level"]["delta"],
             "score_before": d["score"]["before"], "score_after": d["score"]["after"], "score_change": d["score"]["delta"]}
            for d in comparison["dimensions"]]


CHANGE_COLUMNS = ["id", "change", "severity", "severity_before", "rule", "subject", "message"]


def finding_change_rows(comparison: dict) -> list[dict]:
    """A row per finding of either side: new, persisting or resolved, with the severity before for the
    persisting and resolved ones; for two offices side by side, only in A, in both or only in B (the
    severity in A as ``severity_before``)."""
    from assessor.comparison import words

    rows = []
    for key, label, side in words(comparison)["findings"]:
        for f in comparison["findings"][key]:
            rows.append({"id": f["id"], "change": label, "severity": f["severity"],
                         "severity_before": f.get("severity_before", f["severity"] if side == "before" else None),
                         "rule": f["rule"], "subject": f.get("subject"), "message": f["message"]})
    return rows


def comparison(comparison: dict):
    return _frame(comparison_rows(comparison), "dimension")


def finding_changes(comparison: dict):
    return _frame(finding_change_rows(comparison), "id", CHANGE_COLUMNS)


# -- a benchmark ----------------------------------------------------------------------------------

def benchmark_rows(placement: dict) -> list[dict]:
    return [{"dimension": d["id"], "name": d["name"], "level": d["level"], "score": d["score"],
             "percentile": d["percentile"], "peer_median": d["peer_median"], "peers": d["peers"]}
            for d in placement["dimensions"]]


def benchmark(placement: dict):
    """A benchmark placement (``api.benchmark``): a row per dimension with its percentile."""
    return _frame(benchmark_rows(placement), "dimension")
