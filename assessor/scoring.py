"""Answers -> merged answers, per-level criteria and continuous dimension scores.

Pure functions. Several respondents are merged per question by the median of
their answers; N/A is left out of every score; "don't know" and blanks are
not zeros, they are missing evidence.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from assessor.model import ANSWERED, DONT_KNOW, NOT_APPLICABLE, UNANSWERED, Answer, Submission
from assessor.questionnaire.bank import Bank, Question


@dataclass(frozen=True)
class MergedAnswer:
    question: Question
    status: str
    value: float | None          # median of the respondents' answers
    low: int | None
    high: int | None
    answers: tuple[tuple[str, str, Answer], ...]  # (file, respondent, answer) for every respondent

    @property
    def spread(self) -> int | None:
        return None if self.low is None else self.high - self.low

    @property
    def has_evidence(self) -> bool:
        return any(a.evidence for _, _, a in self.answers)


# A level's criterion score as staged rules read it (Criterion.gate), when there is no mean:
NOT_BLOCKING, NO_EVIDENCE = 5, -1  # the whole level N/A (top of the scale); nothing answered (below it)


@dataclass(frozen=True)
class Criterion:
    dimension: str
    level: int
    score: float | None       # weighted mean of the answered questions at this level
    applicable: bool          # False when every question at this level is N/A
    answered: int
    questions: int

    @property
    def gate(self) -> float:
        """The score staged maturity rules compare with the threshold: a level whose questions are
        all N/A does not block (5, the top of the scale, meets any threshold); a level with nothing
        answered has no evidence (-1, below any threshold, never meets one)."""
        if not self.applicable:
            return NOT_BLOCKING
        return NO_EVIDENCE if self.score is None else self.score


@dataclass(frozen=True)
class DimensionScore:
    dimension: str
    name: str
    score: float | None       # continuous 0-5: weighted mean of every answered question
    applicable: bool
    questions: int
    answered: int
    not_applicable: int
    dont_know: int
    unanswered: int

    @property
    def answered_share(self) -> float:
        applicable = self.questions - self.not_applicable
        return round(self.answered / applicable, 4) if applicable else 0.0


def merge_answers(submission: Submission, bank: Bank) -> list[MergedAnswer]:
    merged = []
    for question in bank.questions:
        given = [(r.source, r.respondent, a) for r in submission.responses
                 if (a := r.answer(question.id)) is not None]
        values = [a.value for _, _, a in given if a.status == ANSWERED]
        statuses = {a.status for _, _, a in given}
        if values:
            status = ANSWERED
        elif DONT_KNOW in statuses:
            status = DONT_KNOW
        elif NOT_APPLICABLE in statuses:
            status = NOT_APPLICABLE
        else:
            status = UNANSWERED
        merged.append(MergedAnswer(question, status, float(statistics.median(values)) if values else None,
                                   min(values) if values else None, max(values) if values else None,
                                   tuple(given)))
    return merged


def _weighted_mean(answers: list[MergedAnswer]) -> float | None:
    scored = [a for a in answers if a.status == ANSWERED]
    weight = sum(a.question.weight for a in scored)
    if not weight:
        return None
    return round(sum(a.value * a.question.weight for a in scored) / weight, 2)


def criteria(merged: list[MergedAnswer], bank: Bank) -> list[Criterion]:
    """One criterion per dimension and level 1-5; a level without questions is not applicable
    (it cannot block the levels above it)."""
    groups: dict[tuple[str, int], list[MergedAnswer]] = {}
    for a in merged:
        groups.setdefault((a.question.dimension, a.question.level), []).append(a)
    out = []
    for dim in bank.dimensions:
        for level in range(1, 6):
            answers = groups.get((dim.id, level), [])
            out.append(Criterion(dim.id, level, _weighted_mean(answers),
                                 any(a.status != NOT_APPLICABLE for a in answers),
                                 sum(a.status == ANSWERED for a in answers), len(answers)))
    return out


def dimension_scores(merged: list[MergedAnswer], bank: Bank) -> list[DimensionScore]:
    out = []
    for dim in bank.dimensions:
        answers = [a for a in merged if a.question.dimension == dim.id]
        count = {s: sum(a.status == s for a in answers) for s in (ANSWERED, NOT_APPLICABLE, DONT_KNOW, UNANSWERED)}
        out.append(DimensionScore(dim.id, dim.name, _weighted_mean(answers),
                                  count[NOT_APPLICABLE] < len(answers), len(answers), count[ANSWERED],
                                  count[NOT_APPLICABLE], count[DONT_KNOW], count[UNANSWERED]))
    return out


def overall(levels: dict[str, int | None], scores: dict[str, float | None], share: float,
            excluded: tuple[str, ...] = ()) -> tuple[int, float | None]:
    """Overall level: the highest N that at least ``share`` of the applicable dimensions reach;
    overall score: the mean of the applicable dimensions' scores."""
    applicable = [d for d, lvl in levels.items() if lvl is not None and d not in excluded]
    if not applicable:
        return 0, None
    level = 0
    for n in range(1, 6):
        if sum(levels[d] >= n for d in applicable) >= share * len(applicable):
            level = n
    values = [scores[d] for d in applicable if scores.get(d) is not None]
    return level, (round(sum(values) / len(values), 2) if values else None)
