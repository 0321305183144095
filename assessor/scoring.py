"""Answers -> merged answers, per-level criteria and continuous dimension scores.

Pure functions. Several respondents are merged per question by the median of
their answers; N/A is left out of every score; "don't know" and blanks are
not zeros, they are missing evidence.

The staged model: an answer is the maturity of one practice (the scale's labels
are the maturity levels), so level L of a dimension is reached when every
applicable practice of levels 1..L is established at least at L. Uniform answers
k give level k; raising an answer never lowers a level; one answer moved by 1
moves a level by at most 1; the practices below the next level are what cap it.
"""
from __future__ import annotations

import math
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


# A practice's answer as the staged rules read it when there is no number: "don't know" and blank
# are no evidence, below every level (never met); a level with no applicable practice does not block.
NO_EVIDENCE, NOT_BLOCKING = -1, 5


@dataclass(frozen=True)
class Criterion:
    """Level ``level`` of one dimension: met when every applicable practice of levels 1..level is
    established at least at ``level`` (the staged reading of an answer scale whose values are the
    maturity labels themselves)."""
    dimension: str
    level: int
    score: float | None       # weighted mean of the answered questions at this level (continuous view)
    applicable: bool          # False when every question at this level is N/A (or there is none)
    answered: int
    questions: int
    floor: float = NOT_BLOCKING  # the least answer among the applicable practices of levels 1..level

    @property
    def met(self) -> bool:
        return self.floor >= self.level


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
    weight = math.fsum(a.question.weight for a in scored)
    if not weight:
        return None
    # fsum: exactly rounded, so every Python gives the same score (3.12 changed what sum() returns).
    return round(math.fsum(a.value * a.question.weight for a in scored) / weight, 2)


def practice_value(answer: MergedAnswer) -> float | None:
    """What a practice counts as in the staged model: its (median) answer; no evidence when
    "don't know" or blank; None when N/A (left out)."""
    if answer.status == NOT_APPLICABLE:
        return None
    return NO_EVIDENCE if answer.value is None else answer.value


def criteria(merged: list[MergedAnswer], bank: Bank) -> list[Criterion]:
    """One criterion per dimension and level 1-5, with the floor of the practices up to it."""
    groups: dict[tuple[str, int], list[MergedAnswer]] = {}
    for a in merged:
        groups.setdefault((a.question.dimension, a.question.level), []).append(a)
    out = []
    for dim in bank.dimensions:
        floor = NOT_BLOCKING
        for level in range(1, 6):
            answers = groups.get((dim.id, level), [])
            values = [v for a in answers if (v := practice_value(a)) is not None]
            floor = min([floor, *values])
            out.append(Criterion(dim.id, level, _weighted_mean(answers), bool(values),
                                 sum(a.status == ANSWERED for a in answers), len(answers), floor))
    return out


def caps(merged: list[MergedAnswer], dimension: str, level: int) -> list[MergedAnswer]:
    """The practices that stop ``dimension`` at ``level``: those of levels 1..level+1 whose answer is
    below level+1, or unknown ("don't know", blank). Empty at level 5."""
    if level >= 5:
        return []
    goal = level + 1
    return [a for a in merged if a.question.dimension == dimension and a.question.level <= goal
            and (v := practice_value(a)) is not None and v < goal]


def dimension_scores(merged: list[MergedAnswer], bank: Bank) -> list[DimensionScore]:
    """A dimension is applicable when one of its foundation practices (those of its lowest level) is:
    with every one of them N/A the function does not exist in the office's scope (no programmes,
    say), and a level built on the answers above them would be a level of nothing."""
    out = []
    for dim in bank.dimensions:
        answers = [a for a in merged if a.question.dimension == dim.id]
        count = {s: sum(a.status == s for a in answers) for s in (ANSWERED, NOT_APPLICABLE, DONT_KNOW, UNANSWERED)}
        lowest = min((a.question.level for a in answers), default=None)
        applicable = any(a.status != NOT_APPLICABLE for a in answers if a.question.level == lowest)
        out.append(DimensionScore(dim.id, dim.name, _weighted_mean(answers) if applicable else None,
                                  applicable, len(answers), count[ANSWERED],
                                  count[NOT_APPLICABLE], count[DONT_KNOW], count[UNANSWERED]))
    return out


def overall(levels: dict[str, int | None], scores: dict[str, float | None], share: float,
            excluded: tuple[str, ...] = ()) -> tuple[int | None, float | None]:
    """Overall level: the highest N that at least ``share`` of the assessed dimensions reach (0.5:
    the median, of an even number the higher middle value); overall score: the mean of their scores.
    Dimensions without a level (not applicable, too little evidence) and ``excluded`` ones are left out;
    with none left there is no overall level (None)."""
    applicable = [d for d, lvl in levels.items() if lvl is not None and d not in excluded]
    if not applicable:  # nothing assessed: no overall level, rather than one that reads like level 0
        return None, None
    level = 0
    for n in range(1, 6):
        if sum(levels[d] >= n for d in applicable) >= share * len(applicable):
            level = n
    values = [scores[d] for d in applicable if scores.get(d) is not None]
    return level, (round(math.fsum(values) / len(values), 2) if values else None)
