"""Which workbooks are one office's respondents: the same organisation and PMO name in the Profile
(spelled any way: the store's name keys), or with ``--by-folder`` the same folder."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from assessor.errors import quote
from assessor.store.keys import name_key


@dataclass(frozen=True)
class Placement:
    """What the survey of one file found: the office it names, or why it cannot be placed; and where
    the file as read waits for its office (a pickle in the batch's spool), so that it is read once."""
    path: str
    organisation: str = ""
    pmo_name: str = ""
    error: str = ""
    spooled: str = ""
    order: tuple = ()   # office.respondent_order: the first respondent names the office, as in its report
    report: bool = False  # one of pmo-assess's own reports (an earlier batch's output folder): skipped


@dataclass(frozen=True)
class OfficeGroup:
    key: tuple[str, str]
    organisation: str
    pmo_name: str
    files: tuple[str, ...]
    label: str          # what its report files are named after: "organisation / PMO", or the folder
    spooled: tuple[str, ...] = ()   # the files as read (pickles in the spool), in the order of ``files``
    # A folder's office whose workbooks name several organisations: each name (as its first workbook
    # spells it) with its files. Such an office is named after its folder, and is no organisation's.
    organisations: tuple[tuple[str, tuple[str, ...]], ...] = ()


def by_profile(placements: list[Placement]) -> tuple[list[OfficeGroup], list[Placement]]:
    """(offices, files that cannot be placed): a file without an organisation's name names no office."""
    groups: dict[tuple[str, str], list[Placement]] = {}
    unplaced = []
    for p in placements:
        if p.error:
            unplaced.append(p)
        elif not name_key(p.organisation):
            said = "is blank" if not p.organisation.strip() else f"holds no name ({quote(p.organisation)})"
            unplaced.append(Placement(p.path, error=f"{p.path}: Profile: the Organisation {said}, so the file "
                                      "cannot be placed in an office (fill it in, or use --by-folder)"))
        else:
            groups.setdefault((name_key(p.organisation), name_key(p.pmo_name)), []).append(p)
    return [_group(key, members) for key, members in sorted(groups.items())], unplaced


def by_folder(placements: list[Placement]) -> tuple[list[OfficeGroup], list[Placement]]:
    """One office per folder: its workbooks are its respondents, whatever their Profiles say. When they
    name several organisations, the office is the folder's, named after it."""
    groups: dict[str, list[Placement]] = {}
    unplaced = []
    for p in placements:
        if p.error:
            unplaced.append(p)
        else:
            groups.setdefault(str(Path(p.path).parent), []).append(p)
    labels = folder_labels(list(groups))
    return [_group((folder, ""), members, labels[folder]) for folder, members in sorted(groups.items())], unplaced


def folder_labels(folders: list[str]) -> dict[str, str]:
    """Each folder named by its path below the folders' common root ("eu/west", "us/west"), so that
    two folders called "west" are two offices of different names; a folder that is the root itself
    (or the only folder) by its own name."""
    if not folders:
        return {}
    absolute = {f: os.path.abspath(f) for f in folders}
    root = os.path.commonpath(list(absolute.values()))
    return {f: " / ".join(Path(os.path.relpath(a, root)).parts) if a != root else Path(a).name
            for f, a in absolute.items()}


def _group(key, members: list[Placement], folder: str | None = None) -> OfficeGroup:
    members = sorted(members, key=lambda m: m.path)
    first = min(members, key=lambda m: (m.order, m.path))  # the office's first respondent, as its report has it
    label = folder if folder is not None else f"{first.organisation} / {first.pmo_name}".rstrip(" /")
    files, spooled = tuple(m.path for m in members), tuple(m.spooled for m in members)
    organisations = _named(members, "organisation")
    if len(organisations) > 1:  # (only a folder's office can hold several: by_profile groups by the name)
        pmo = _named(members, "pmo_name")
        return OfficeGroup(key, label, next(iter(pmo)) if len(pmo) == 1 else "", files, label, spooled,
                           tuple((name, tuple(paths)) for name, paths in organisations.items()))
    return OfficeGroup(key, first.organisation or (folder or ""), first.pmo_name, files, label, spooled)


def _named(members: list[Placement], field: str) -> dict[str, list[str]]:
    """The names ``field`` holds in the members' Profiles, spelled any way, each as the first respondent
    naming it spells it, with the files naming it; a blank names nothing."""
    named: dict[str, tuple[str, list[str]]] = {}
    for m in sorted(members, key=lambda m: (m.order, m.path)):
        value = getattr(m, field)
        if name_key(value):
            named.setdefault(name_key(value), (value, []))[1].append(m.path)
    return {name: sorted(paths) for name, paths in named.values()}
