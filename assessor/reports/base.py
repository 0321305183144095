"""The interface every reporter follows."""
from __future__ import annotations

from typing import Protocol


class Reporter(Protocol):
    name: str
    binary: bool

    def render(self, data: dict) -> str | bytes:
        """The whole report for ``Assessment.to_dict()`` output (``api.write_report`` publishes it)."""


class TextReporter:
    """Reporters whose output is one text document."""

    name = "text"
    binary = False

    def render(self, data: dict) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


# coverage.responsibilities[].status values the reports mark as a gap (red) or a warning (amber)
GAP_STATUSES = ("no accountable", "several accountable", "accountable role not held")
WARN_STATUSES = ("accountable does the work",)


def raci_letters(row: dict) -> dict[str, str]:
    """Role id -> its letter on one ``coverage.responsibilities[]`` row (A and R together: A/R)."""
    letters: dict[str, str] = {}
    for key, letter in (("informed", "I"), ("consulted", "C"), ("responsible", "R"), ("accountable", "A")):
        for role in row[key]:
            letters[role] = "A/R" if (letter == "A" and letters.get(role) == "R") else letter
    return letters


def file_name(path: str) -> str:
    """The file's name without its folder, for a reader who knows which workbook it is."""
    return str(path).replace("\\", "/").rsplit("/", 1)[-1]


def overall_text(m: dict) -> str:
    """The overall level as a client reads it: how it is made, and the weakest dimension beside it."""
    o = m["overall"]
    score = "n/a" if o["score"] is None else f"{o['score']:.2f}"
    weakest = weakest_text(m)
    return (f"{level_text(o['level'])} ({overall_basis(o)}), score {score} of 5"
            + (f"; {weakest}" if weakest else ""))


def level_text(level) -> str:
    return "not assessed" if level is None else f"level {level}"


def overall_basis(o: dict) -> str:
    """'median of 12 dimensions', or for another overall_share 'the level at least 75% of them reach, of 12'."""
    if o["method"] == "median":
        return f"median of {o['dimensions']} dimensions"
    return f"{o['method']}, of {o['dimensions']} dimensions"


def weakest_text(m: dict) -> str:
    """"weakest: Governance and compliance (level 0)", or "" when no dimension has a level."""
    weakest = m["overall"]["weakest"]
    if not weakest["dimensions"]:
        return ""
    names = {d["id"]: d["name"] for d in m["dimensions"]}
    return f"weakest: {', '.join(names[i] for i in weakest['dimensions'])} (level {weakest['level']})"


def caps_text(d: dict) -> str:
    if d["status"] != "assessed":
        return d["status"]
    if not d["capped_by"]:
        return ""
    shown = ", ".join(f"{c['question']} ({_answer(c['value'])})" for c in d["capped_by"])
    return f"to reach level {d['next_level']}: {shown}"


def _answer(value) -> str:
    return "unknown" if value is None else f"{value:g}"


def finding_text(f: dict) -> str:
    """A grouped finding's message with its single matches under it."""
    if len(f["details"]) < 2:
        return f["message"]
    return f["message"] + "".join(f"\n- {x['message']}" for x in f["details"])


def produced_by(data: dict) -> str:
    """The report footer: which tool, engine, bank and rule base produced these conclusions."""
    tool, bank, rules = data["tool"], data["questionnaire"], data["rulebase"]
    return (f"pmo-assess {tool['version']}, {tool.get('engine', 'durable')} engine; question bank {bank['id']} "
            f"{bank['version']}; rule base {rules['rules']} rules, fingerprint {rules['fingerprint'][:12]}")


def compact_cells(evidence: list[dict], several_files: bool) -> str:
    """Cells as a reader scans them: "RACI!G2, G3, G5; Roles!A6" (the sheet named once per run of
    cells), each file's name before its cells when several respondents' workbooks are involved."""
    out, last = "", (None, None)
    for file, sheet, cell in dict.fromkeys((file_name(e["file"]), e["sheet"], e["cell"]) for e in evidence):
        if (file, sheet) == last:
            out += f", {cell}"
        else:
            named = several_files and file != last[0]
            out += ("; " if out else "") + (f"{file} " if named else "") + f"{sheet}!{cell}"
        last = (file, sheet)
    return out


def owner_text(owner: dict) -> str:
    """A roadmap action's owner: the catalogue's role, and a word when nobody in the office holds it."""
    return owner["name"] + ("" if owner.get("staffed", True) else " (no one holds this role yet)")
