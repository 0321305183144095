"""The workbooks of one office: the order they are taken in, and the checks that they are
several people's views of the same office.

Pure: responses (and the SHA-256 of each file) in, responses or problems out. The order is
canonical so that nothing downstream (merged answers, merged Roles and RACI, ties, the profile
shown, warnings) depends on the order the files were given in. One person's two workbooks, or
workbooks of different organisations, are separate assessments, and are refused.
"""
from __future__ import annotations

import shlex
from pathlib import Path

from assessor.errors import Problem, quote
from assessor.model import Response, name_key


def respondent_order(r: Response, digest: str) -> tuple:
    """Respondent (case and spacing ignored), assessment date, file name, then the file's SHA-256:
    a key that names the workbook, not the place it was given on the command line."""
    return (name_key(r.profile_value("respondent") or ""), str(r.profile_value("assessment_date") or ""),
            Path(r.source).name, digest)


def canonical_order(responses: list[Response], digests: dict[str, str]) -> list[Response]:
    return sorted(responses, key=lambda r: respondent_order(r, digests.get(r.source, "")))


def not_one_office(responses: list[Response], digests: dict[str, str], one_organisation: bool = True) -> list[Problem]:
    """Every reason these workbooks are not several people's views of one office. ``one_organisation``
    False: the user has said which files are one office (a batch's --by-folder), whatever the
    organisations typed in them."""
    copies = _same_workbook(responses, digests)
    distinct = [r for r in responses if r.source not in {p.file for p in copies}]
    return copies + _same_respondent(distinct) + (_other_organisations(distinct) if one_organisation else [])


def _same_workbook(responses: list[Response], digests: dict[str, str]) -> list[Problem]:
    first: dict[str, str] = {}
    problems = []
    for r in responses:
        digest = digests[r.source]
        if digest in first:  # a copy under another name: the same weight twice in every median
            problems.append(Problem(r.source, "", f"the same workbook is given twice (also as {first[digest]}: "
                                    "the files are identical)", expected="each respondent's workbook once"))
        first.setdefault(digest, r.source)
    return problems


def _profile_cell(r: Response, key: str) -> str:
    return next((p.cell for p in r.profile if p.key == key), "Profile")


def _groups(responses: list[Response], key: str) -> dict[str, list[Response]]:
    """Responses by a non-blank Profile value, compared case- and spacing-blind, in canonical order. An
    organisation or PMO name is compared as the store and the batch compare them (punctuation too:
    "Meridian Bank." is Meridian Bank), so the three agree on what one office is."""
    from assessor.store.keys import name_key as office_key

    keyed = office_key if key in ("organisation", "pmo_name") else name_key
    groups: dict[str, list[Response]] = {}
    for r in responses:
        value = keyed(r.profile_value(key) or "")
        if value:
            groups.setdefault(value, []).append(r)
    return groups


def _same_respondent(responses: list[Response]) -> list[Problem]:
    problems = []
    for group in _groups(responses, "respondent").values():
        if len(group) < 2:
            continue
        first, others = group[0], group[1:]
        where = ", ".join(f"{r.source} ({_profile_cell(r, 'respondent')}, dated "
                          f"{r.profile_value('assessment_date') or 'blank'})" for r in others)
        problems.append(Problem(
            first.source, _profile_cell(first, "respondent"),
            f"respondent {quote(first.respondent)} (dated {first.profile_value('assessment_date') or 'blank'}) "
            f"also filled {where}: one office's respondents are different people, and one person's "
            "workbooks of different dates are separate assessments: assess each workbook on its own "
            "(one `pmo-assess assess` per date) and compare the reports",
            quote(first.respondent), "each respondent once"))
    return problems


def _other_organisations(responses: list[Response]) -> list[Problem]:
    """One assessment is one office: workbooks of several organisations are refused, with the
    command that assesses each organisation on its own."""
    groups = _groups(responses, "organisation")
    if len(groups) < 2:
        return []
    problems = []
    for group in groups.values():
        first = group[0]
        files = [r.source for r in group]
        problems.append(Problem(
            first.source, _profile_cell(first, "organisation"),
            f"workbooks of {len(groups)} organisations were given, and one assessment is one office; assess "
            f"each organisation's workbooks separately, {quote(first.profile_value('organisation'))} with: "
            "pmo-assess assess " + " ".join(shlex.quote(f) for f in files),
            quote(first.profile_value("organisation")), "the same organisation in every workbook"))
    return problems


def with_pmo_name_warning(responses: list[Response]) -> list[Response]:
    """Different PMO names within one organisation are worth a look, not a refusal (a PMO renamed,
    or a respondent naming their own part of it); the first response carries the warning."""
    return _with_names_warning(responses, "pmo_name", "PMOs", "one PMO name")


def with_organisation_warning(responses: list[Response]) -> list[Response]:
    """Organisations spelled differently in workbooks the user put in one office (--by-folder)."""
    return _with_names_warning(responses, "organisation", "organisations", "one organisation")


def _with_names_warning(responses: list[Response], key: str, what: str, expected: str) -> list[Response]:
    groups = _groups(responses, key)
    if len(groups) < 2:
        return responses
    first = responses[0]
    names = "; ".join(f"{quote(g[0].profile_value(key))} ({', '.join(r.source for r in g)})"
                      for g in groups.values())
    extra = Problem(first.source, _profile_cell(first, key), f"respondents name different {what}; they are "
                    "assessed as one office", names, expected, severity="warning")
    return [Response(**{**first.__dict__, "warnings": first.warnings + (extra,)})] + responses[1:]
