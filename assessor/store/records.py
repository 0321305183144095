"""What of one assessment the store keeps, as plain rows (pure: no database here)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from assessor.errors import quote
from assessor.store.keys import name_key, workbooks_digest


@dataclass(frozen=True)
class Record:
    """One assessment ready to store: its identity, its office and the rows of each table."""
    digest: str
    organisation: str
    organisation_key: str
    office: str
    office_key: str
    assessment: dict
    workbooks: list
    dimensions: list
    findings: list
    answers: list


def record_of(assessment) -> Record:
    from assessor.store.database import StoreError

    data = assessment.to_dict()
    org = data["organisation"]
    primary = assessment.submission.responses[0].source
    if not name_key(org.get("organisation")):
        given = str(org.get("organisation") or "").strip()
        found = f"found {quote(given)}, which holds no name" if given else "found an empty Organisation"
        raise StoreError(f"{primary}: Profile: cannot save an assessment without the organisation's name "
                         f"({found}; expected the client's name, which keys its history)")
    digests = assessment.submission.digests
    classification, overall = data["classification"], data["maturity"]["overall"]
    row = {
        "assessed_on": org.get("assessment_date"),
        "bank_id": assessment.bank.id, "bank_version": assessment.bank.version,
        "bank_hash": assessment.bank.questions_hash,
        "rulebase_fingerprint": data["rulebase"]["fingerprint"],
        "tool_version": data["tool"]["version"], "engine": data["tool"]["engine"],
        "model": classification["model"], "tier": classification["tier"],
        "overall_level": overall["level"], "overall_score": overall["score"],
        "size": classification.get("size"), "industry": org.get("industry"),
        "employees": org.get("employees") if isinstance(org.get("employees"), int) else None,
        "report": json.dumps(data, ensure_ascii=False, sort_keys=False),
    }
    workbooks = [{"position": i, "sha256": sha, "file": r["file"], "respondent": r.get("respondent"),
                  "respondent_role": r.get("role"), "template_version": r.get("template_version")}
                 for i, (sha, r) in enumerate(zip(digests, data["respondents"]))]
    dimensions = [{"dimension": d["id"], "name": d["name"], "status": d["status"], "level": d["level"],
                   "score": d["score"]} for d in data["maturity"]["dimensions"]]
    findings = [{"finding_id": f["id"], "rule": f["rule"], "severity": f["severity"], "category": f["category"],
                 "subject": f.get("subject"), "message": f["message"]} for f in data["findings"]]
    answers = [{"question": a["question"], "dimension": a["dimension"], "status": a["status"],
                "value": a["value"] if isinstance(a["value"], (int, float)) else None}
               for a in data["maturity"]["answers"]]
    pmo = org.get("pmo_name") or "PMO"
    return Record(workbooks_digest(digests), str(org["organisation"]), name_key(org["organisation"]), str(pmo),
                  name_key(pmo), row, workbooks, dimensions, findings, answers)
