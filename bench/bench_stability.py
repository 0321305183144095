"""Stability: every numeric answer of every sample and calibration office moved by +1 and -1, one at a time.

A verdict an expert would sign does not flip on one answer: the type and the tier should stay in
at least 99% of the cases, and no dimension level nor the overall level may move by more than one.
Not a timing: the figures are counts, the same on any machine.

Usage: python bench/bench_stability.py [--quick] [--json FILE]
"""
from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

OFFICES = common.SAMPLES + sorted((common.REPO / "samples" / "calibration").glob("*.xlsx"))


def moved(submission, question: str, value: int):
    """The submission with one respondent's answer to ``question`` set to ``value``."""
    (response,) = submission.responses
    answers = tuple(dataclasses.replace(a, value=value, raw=str(value)) if a.question_id == question else a
                    for a in response.answers)
    return dataclasses.replace(submission, responses=(dataclasses.replace(response, answers=answers),))


def verdict(assessment) -> tuple:
    data = assessment.to_dict()
    levels = {d["id"]: d["level"] for d in data["maturity"]["dimensions"]}
    return data["classification"]["model"], data["classification"]["tier"], levels, data["maturity"]["overall"]["level"]


def main() -> int:
    args = common.parse_args(__doc__.splitlines()[0])
    common.header("stability of the verdicts under one answer moved by 1",
                  [f"{len(OFFICES)} offices: samples/*.xlsx and samples/calibration/*.xlsx",
                   "each numeric answer +1 and -1 (within 0-5), one at a time, full assessment each time"],
                  args.quick)
    from assessor.api import Assessor
    from assessor.questionnaire.reader import read_submission

    assessor = Assessor()
    cases = kept = 0
    dim_moves: Counter = Counter()
    overall_moves: Counter = Counter()
    flips: list[str] = []
    for path in OFFICES:
        submission = read_submission([path], assessor.bank)
        base = verdict(assessor.assess_submission(submission))
        answers = [a for a in submission.responses[0].answers if a.status == "answered"]
        if args.quick:
            answers = answers[::7]
        office_cases = office_kept = 0
        for a in answers:
            for step in (-1, 1):
                value = a.value + step
                if not 0 <= value <= 5:
                    continue
                model, tier, levels, overall = verdict(assessor.assess_submission(moved(submission, a.question_id, value)))
                office_cases += 1
                if (model, tier) == base[:2]:
                    office_kept += 1
                else:
                    flips.append(f"{path.stem} {a.question_id} {a.value}->{value}: {base[0]} {base[1]} -> {model} {tier}")
                for dim, level in levels.items():
                    if level is not None and base[2][dim] is not None:
                        dim_moves[abs(level - base[2][dim])] += 1
                overall_moves[abs(overall - base[3])] += 1
        cases += office_cases
        kept += office_kept
        print(f"   {path.stem:<24} {base[0]:<12} tier {base[1]}  overall {base[3]}  "
              f"{office_kept}/{office_cases} keep type and tier", flush=True)
    for line in flips:
        print(f"   type or tier changed: {line}")
    share = kept / cases if cases else 1.0
    common.check("type and tier changed by one answer (share of cases)", (1 - share) * 100, 1.0 + 1e-9, "%",
                 f"{kept} of {cases} cases keep both ({share:.1%})")
    common.check("largest change of a dimension level", max(dim_moves), 2, "levels",
                 "moves: " + ", ".join(f"{k}: {v}" for k, v in sorted(dim_moves.items())))
    common.check("largest change of the overall level", max(overall_moves), 2, "levels",
                 "moves: " + ", ".join(f"{k}: {v}" for k, v in sorted(overall_moves.items())))
    return common.finish(args)


if __name__ == "__main__":
    sys.exit(main())
