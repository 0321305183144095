"""Build model objects directly (no workbook I/O) for property-based and unit tests."""
from __future__ import annotations

from assessor.model import (ANSWERED, Answer, Assignment, ProfileValue, Response, ResponsibilityRow, Role, Stamp,
                            Submission)


def response(bank, answers: dict, held_roles: dict | None = None, raci: dict | None = None,
             source: str = "generated.xlsx", respondent: str = "Generated", profile: dict | None = None) -> Response:
    """answers: qid -> (status, value); held_roles: role id -> (holders tuple, fte, in_pmo, reports_to);
    raci: (responsibility id, role id) -> letters."""
    held_roles = held_roles or {}
    raci = raci or {}
    rows = {q.id: i for i, q in enumerate(bank.questions, start=2)}
    answer_objs = tuple(Answer(qid, status, value, f"Questions!E{rows[qid]}", "", f"Questions!F{rows[qid]}",
                               str(value) if status == ANSWERED else status)
                        for qid, (status, value) in answers.items())
    roles = []
    for i, spec in enumerate(bank.roles, start=2):
        holders, fte, in_pmo, reports_to = held_roles.get(spec.id, ((), None, spec.in_pmo, spec.reports_to))
        roles.append(Role(spec.id, spec.name, tuple(holders), fte, in_pmo, reports_to, f"Roles!A{i}", True,
                          f"Roles!C{i}", f"Roles!D{i}", f"Roles!F{i}"))
    columns = {r.id: i for i, r in enumerate(bank.roles, start=3)}
    resp_rows = {r.id: i for i, r in enumerate(bank.responsibilities, start=2)}
    responsibilities = tuple(ResponsibilityRow(r.id, r.name, f"RACI!A{resp_rows[r.id]}", True) for r in bank.responsibilities)
    assignments = tuple(Assignment(resp, role, letters, f"RACI!{_col(columns[role])}{resp_rows[resp]}")
                        for (resp, role), letters in sorted(raci.items()))
    values = {"organisation": "Generated Ltd", "respondent": respondent, "active_projects": 10,
              "active_programmes": 1, **(profile or {})}
    prof = tuple(ProfileValue(k, v, f"Profile!B{i}") for i, (k, v) in enumerate(values.items(), start=2))
    return Response(source, Stamp(bank.id, bank.version, bank.questions_hash, True), prof, answer_objs, tuple(roles),
                    responsibilities, assignments)


def submission(bank, *responses: Response) -> Submission:
    return Submission(tuple(responses), bank.id, bank.version)


from assessor.xlsx import column_letter as _col  # noqa: E402


def clone_workbook(source, out, organisation: str, old: str | None = None):
    """A copy of a filled workbook for another client: the Profile's organisation replaced in the
    sheet XML (fast enough to make hundreds: no spreadsheet library involved)."""
    import zipfile
    from pathlib import Path
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(source) as archive:
        entries = [(info, archive.read(info.filename)) for info in archive.infolist()]
        if old is None:  # the Profile's B2, inline as our template writes it
            profile = next(data for info, data in entries if info.filename == "xl/worksheets/sheet2.xml")
            start = profile.index(b'r="B2"')
            old = profile[profile.index(b"<t>", start) + 3:profile.index(b"</t>", start)].decode("utf-8")
    new_text = f"<t>{escape(organisation)}</t>".encode("utf-8")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(f"<t>{escape(old)}</t>".encode("utf-8"), new_text, 1)
            target.writestr(info, data)
    return Path(out)
