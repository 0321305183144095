"""The question bank and its catalogues of standard roles and responsibilities.

A bank is data (``questionnaires/<id>.yaml``); its catalogues live beside it
(``roles.yaml`` and ``responsibilities.yaml`` unless the bank names others).
Loading validates everything and reports every problem with file, id and key
path before failing once.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from assessor import paths
from assessor.errors import BankError, Problem
from assessor.schema import Checker, label
from assessor.yamlfile import load_yaml

PMO_TYPES = ("supportive", "controlling", "directive")
TIERS = (1, 2, 3, 4)
TIER_NAMES = {1: "project office", 2: "programme office", 3: "portfolio office", 4: "P3MO"}
ROLE_FAMILIES = ("governance", "leadership", "portfolio", "programme", "project", "support", "coe")
SCOPES = ("project", "programme", "portfolio", "coe")
SCOPE_NAMES = {"project": "Project office functions", "programme": "Programme management",
               "portfolio": "Portfolio management", "coe": "Centre-of-excellence functions"}
OFFICE_SIZES = ("small", "medium", "large")
RACI_LETTERS = ("R", "A", "C", "I", "A/R")
ROLE_ID = r"[A-Z][A-Z0-9-]{1,11}"
RESPONSIBILITY_ID = r"[a-z][a-z0-9-]{2,39}"
QUESTION_ID = r"[A-Z]{2,4}-\d{2,3}"
DIMENSION_ID = r"[a-z][a-z0-9-]{1,30}"


@dataclass(frozen=True)
class ScaleLevel:
    value: int
    label: str
    description: str


@dataclass(frozen=True)
class Dimension:
    id: str
    code: str
    name: str
    description: str
    tiers: tuple[int, ...] = TIERS   # the office tiers whose functions this dimension describes


@dataclass(frozen=True)
class Question:
    id: str
    dimension: str
    level: int
    weight: float
    responsibility: str
    text: str
    guidance: str
    action: str
    evidences: tuple[str, ...] = ()   # further responsibilities whose practice the answer also shows

    @property
    def responsibilities(self) -> tuple[str, ...]:
        return (self.responsibility, *self.evidences)

    def descriptor(self, answer: int) -> str:
        """What the guidance says an answer of ``answer`` looks like ("4: its completeness and currency are
        monitored, ..."), or "" when the guidance does not spell that answer out."""
        return _descriptor(self.guidance, answer)


@functools.lru_cache(maxsize=4096)  # every roadmap asks again for the same few hundred
def _descriptor(guidance: str, answer: int) -> str:
    match = re.search(rf"(?:^|[.;:] ){answer}: (.+?)(?=; [0-5]: |$)", guidance)
    return match.group(1).strip() if match else ""


@dataclass(frozen=True)
class RoleSpec:
    id: str
    name: str
    family: str
    in_pmo: bool
    tiers: tuple[int, ...]
    types: tuple[str, ...]
    reports_to: str | None
    description: str
    body: bool = False        # a board or committee: its members answer for its decisions together, not in person


@dataclass(frozen=True)
class ResponsibilitySpec:
    id: str
    name: str
    family: str
    scope: str
    tiers: tuple[int, ...]
    types: tuple[str, ...]
    critical: bool
    assures: tuple[str, ...]
    default_raci: tuple[tuple[str, str], ...]  # (role id, letters), in file order
    description: str
    sizes: tuple[str, ...] = OFFICE_SIZES      # the office sizes that are expected to have it
    raci_by_type: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # PMO type -> its typical RACI

    def typical_raci(self, model: str | None = None) -> tuple[tuple[str, str], ...]:
        """The typical assignment for an office of type ``model`` (the default where no variant is given)."""
        return dict(self.raci_by_type).get(model, self.default_raci)


@dataclass(frozen=True)
class PreviousVersion:
    """How workbooks of an earlier version of this bank are read: matched by question id."""
    version: str
    changed: tuple[str, ...]             # same id, different meaning: the old answer is used as given
    added: tuple[str, ...]               # not asked in that version: unanswered unless carried
    carry: tuple[tuple[str, str], ...]   # (new id, old id): the old question asked both, so its answer stands for both
    removed: tuple[str, ...]             # asked then, not now: ignored without a warning of its own


@dataclass(frozen=True)
class Bank:
    id: str
    version: str
    title: str
    description: str
    scale: tuple[ScaleLevel, ...]
    not_applicable: str
    dont_know: str
    dimensions: tuple[Dimension, ...]
    questions: tuple[Question, ...]
    roles: tuple[RoleSpec, ...]
    responsibilities: tuple[ResponsibilitySpec, ...]
    families: tuple[tuple[str, str], ...]  # (id, name) of responsibility function families
    source: str
    instructions: tuple[str, ...] = ()     # the Instructions sheet's text, one paragraph per item
    previous: tuple[PreviousVersion, ...] = ()
    catalogues: tuple[str, ...] = ()       # the roles and responsibilities files read with it

    def previous_version(self, version: str) -> PreviousVersion | None:
        return next((p for p in self.previous if p.version == version), None)

    @property
    def questions_hash(self) -> str:
        """Fingerprint of what respondents answer: changes when a question does."""
        canonical = [[q.id, q.dimension, q.level, q.text] for q in self.questions]
        digest = hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode("utf-8"))
        return digest.hexdigest()[:16]

    def question(self, qid: str) -> Question | None:
        return self._question_index().get(qid)

    def _question_index(self) -> dict[str, Question]:
        index = self.__dict__.get("_qindex")
        if index is None:
            index = {q.id: q for q in self.questions}
            object.__setattr__(self, "_qindex", index)
        return index

    def dimension(self, did: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.id == did), None)

    def role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.roles)

    def responsibility_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.responsibilities)

    def scale_label(self, value: int) -> str:
        return next((s.label for s in self.scale if s.value == value), str(value))


def resolve(ref: str | Path | None) -> Path:
    """A bank given by id (``pmo-core``) or by path (``my/bank.yaml``)."""
    if ref is None:
        ref = paths.DEFAULT_QUESTIONNAIRE
    candidate = Path(ref)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        return candidate
    return paths.questionnaires_dir() / f"{ref}.yaml"


def load_bank(ref: str | Path | None = None) -> Bank:
    path = resolve(ref)
    if not path.exists():
        shipped = sorted(p.stem for p in paths.questionnaires_dir().glob("*.yaml")
                         if p.stem not in ("roles", "responsibilities"))
        asked = "the default bank" if ref is None else repr(str(ref))
        raise BankError(f"no question bank found at {path} ({asked}): expected a path to a .yaml file "
                        f"or one of the shipped banks: {', '.join(shipped) or 'none shipped'}")
    data = load_yaml(path, BankError)
    check = Checker(str(path))
    top = check.mapping(data, "(top level)")
    check.keys(top, "(top level)",
               ["id", "version", "title", "scale", "not_applicable", "dont_know", "dimensions", "questions"],
               ["description", "roles", "responsibilities", "instructions", "previous_versions"])
    if "questions" not in top:  # another YAML file (a targets file, a rule file): its catalogues are no news
        message = "not a question bank (it has no questions)"
        expected = "a question bank's .yaml, or the id of a shipped one"
        raise BankError(f"{path}: {message}", [Problem(str(path), "", message, expected=expected)])
    scale = _scale(check, top.get("scale"))
    dimensions = _dimensions(check, top.get("dimensions"))
    roles_file = path.parent / str(top.get("roles", "roles.yaml"))
    resp_file = path.parent / str(top.get("responsibilities", "responsibilities.yaml"))
    roles, role_problems = _roles(roles_file)
    families, responsibilities, resp_problems = _responsibilities(resp_file, {r.id for r in roles})
    questions = _questions(check, top.get("questions"), {d.id for d in dimensions},
                           {r.id for r in responsibilities})
    for dim in dimensions:
        # The staged model builds every level on the level-1 practices: without one, level 1 of the
        # dimension would be met by nothing (and all-0 answers would not give level 0). Checked once the
        # questions themselves are sound, so that one wrong dimension id is not reported twice.
        if questions and not check.problems and not any(q.dimension == dim.id and q.level == 1 for q in questions):
            check.error(f"dimensions[{dim.id}]", "has no level-1 question",
                        expected="at least one question with level: 1 (its foundation practice)")
    instructions = tuple(str(x) for x in check.sequence(top.get("instructions", []), "instructions"))
    previous = _previous_versions(check, top.get("previous_versions") or {}, {q.id for q in questions},
                                  str(top.get("version")))
    problems = check.problems + role_problems + resp_problems
    if problems:
        raise BankError(f"question bank {path} is invalid", problems)
    return Bank(
        id=str(top["id"]), version=str(top["version"]), title=str(top["title"]),
        description=str(top.get("description", "")), scale=scale,
        not_applicable=str(top["not_applicable"]), dont_know=str(top["dont_know"]),
        dimensions=dimensions, questions=questions, roles=roles,
        responsibilities=responsibilities, families=families, source=str(path),
        instructions=instructions, previous=previous, catalogues=(str(roles_file), str(resp_file)),
    )


def _scale(check: Checker, raw) -> tuple[ScaleLevel, ...]:
    levels = []
    for i, item in enumerate(check.sequence(raw, "scale")):
        path = f"scale{label(item, i)}"
        item = check.mapping(item, path)
        if not check.keys(item, path, ["value", "label"], ["description"]):
            continue
        levels.append(ScaleLevel(check.integer(item, "value", path, 0, 5),
                                 check.text(item, "label", path), str(item.get("description", ""))))
    if sorted(s.value for s in levels) != list(range(6)) and not check.problems:
        check.error("scale", "must define each answer value 0..5 once",
                    ",".join(str(s.value) for s in levels), "0,1,2,3,4,5")
    return tuple(sorted(levels, key=lambda s: s.value))


def _dimensions(check: Checker, raw) -> tuple[Dimension, ...]:
    items = check.sequence(raw, "dimensions")
    check.unique_ids(items, "dimensions")
    out = []
    for i, item in enumerate(items):
        path = f"dimensions{label(item, i)}"
        item = check.mapping(item, path)
        if not check.keys(item, path, ["id", "code", "name"], ["description", "tiers"]):
            continue
        tiers = check.choices(item, "tiers", path, TIERS) if "tiers" in item else TIERS
        out.append(Dimension(check.text(item, "id", path, DIMENSION_ID),
                             check.text(item, "code", path, r"[A-Z]{2,4}"),
                             check.text(item, "name", path), str(item.get("description", "")), tiers))
    return tuple(out)


def _questions(check: Checker, raw, dimension_ids: set, responsibility_ids: set) -> tuple[Question, ...]:
    items = check.sequence(raw, "questions")
    check.unique_ids(items, "questions")
    out = []
    for i, item in enumerate(items):
        path = f"questions{label(item, i)}"
        item = check.mapping(item, path)
        if not check.keys(item, path, ["id", "dimension", "level", "weight", "responsibility",
                                       "text", "guidance", "action"], ["evidences"]):
            continue
        q = Question(
            id=check.text(item, "id", path, QUESTION_ID),
            dimension=check.text(item, "dimension", path),
            level=check.integer(item, "level", path, 1, 5),
            weight=check.number(item, "weight", path, 0.1, 10),
            responsibility=check.text(item, "responsibility", path),
            text=check.text(item, "text", path),
            guidance=check.text(item, "guidance", path),
            action=check.text(item, "action", path),
            evidences=tuple(str(x) for x in check.sequence(item.get("evidences", []), f"{path}.evidences")),
        )
        if q.dimension and q.dimension not in dimension_ids:
            check.error(f"{path}.dimension", "unknown dimension", q.dimension,
                        "one of the ids under dimensions:")
        if q.responsibility and q.responsibility not in responsibility_ids:
            check.error(f"{path}.responsibility", "unknown responsibility", q.responsibility,
                        "an id from the responsibilities catalogue")
        for extra in q.evidences:
            if extra not in responsibility_ids:
                check.error(f"{path}.evidences", "unknown responsibility", extra,
                            "an id from the responsibilities catalogue")
        out.append(q)
    return tuple(out)


def _raci(check: Checker, raw, path: str, role_ids: set) -> dict:
    """A typical assignment: known roles, valid letters, exactly one Accountable."""
    raci = check.mapping(raw, path)
    for role, letters in raci.items():
        if role not in role_ids:
            check.error(f"{path}.{role}", "unknown role", role, "a role id from the roles catalogue")
        if letters not in RACI_LETTERS:
            check.error(f"{path}.{role}", "invalid RACI letter", letters, "R, A, C, I or A/R")
    accountable = [r for r, v in raci.items() if v in ("A", "A/R")]
    if raci and len(accountable) != 1:
        check.error(path, "needs exactly one Accountable", ", ".join(accountable) or "none", "one role with A or A/R")
    return raci


def _previous_versions(check: Checker, raw, question_ids: set, version: str) -> tuple[PreviousVersion, ...]:
    out = []
    for old, spec in check.mapping(raw, "previous_versions").items():
        path = f"previous_versions[{old}]"
        spec = check.mapping(spec, path)
        if not check.keys(spec, path, [], ["changed", "added", "carry", "removed"]):
            continue
        if str(old) == version:
            check.error(path, "is the bank's own version", old, "an earlier version")
        lists = {key: tuple(str(x) for x in check.sequence(spec.get(key, []), f"{path}.{key}"))
                 for key in ("changed", "added", "removed")}
        for key in ("changed", "added"):
            for qid in lists[key]:
                if qid not in question_ids:
                    check.error(f"{path}.{key}", "unknown question", qid, "a question id of this bank")
        for qid in lists["removed"]:
            if qid in question_ids:
                check.error(f"{path}.removed", "question is still in the bank", qid, "a question this version dropped")
        carry = check.mapping(spec.get("carry", {}), f"{path}.carry")
        for new, was in carry.items():
            if new not in lists["added"]:
                check.error(f"{path}.carry.{new}", "only a question added since that version can be carried", new,
                            "an id listed under added")
            if was in lists["added"]:
                check.error(f"{path}.carry.{new}", "carried from a question that version did not ask", was,
                            "a question id asked in that version")
        out.append(PreviousVersion(str(old), lists["changed"], lists["added"],
                                   tuple((str(k), str(v)) for k, v in carry.items()), lists["removed"]))
    return tuple(out)


def _roles(path: Path) -> tuple[tuple[RoleSpec, ...], list]:
    data = load_yaml(path, BankError)
    check = Checker(str(path))
    top = check.mapping(data, "(top level)")
    check.keys(top, "(top level)", ["id", "version", "roles"])
    items = check.sequence(top.get("roles"), "roles")
    check.unique_ids(items, "roles")
    out = []
    for i, item in enumerate(items):
        p = f"roles{label(item, i)}"
        item = check.mapping(item, p)
        if not check.keys(item, p, ["id", "name", "family", "in_pmo", "tiers", "types"],
                          ["reports_to", "description", "body"]):
            continue
        fam = check.text(item, "family", p)
        if fam and fam not in ROLE_FAMILIES:
            check.error(f"{p}.family", "unknown role family", fam, "one of " + ", ".join(ROLE_FAMILIES))
        out.append(RoleSpec(
            id=check.text(item, "id", p, ROLE_ID), name=check.text(item, "name", p), family=fam,
            in_pmo=check.boolean(item, "in_pmo", p), tiers=check.choices(item, "tiers", p, TIERS),
            types=check.choices(item, "types", p, PMO_TYPES), reports_to=item.get("reports_to"),
            description=str(item.get("description", "")), body=check.boolean(item, "body", p, False),
        ))
    ids = {r.id for r in out}
    for role in out:
        if role.reports_to is not None and role.reports_to not in ids:
            check.error(f"roles[{role.id}].reports_to", "unknown role", role.reports_to, "a role id in this file")
    return tuple(out), check.problems


def _responsibilities(path: Path, role_ids: set):
    data = load_yaml(path, BankError)
    check = Checker(str(path))
    top = check.mapping(data, "(top level)")
    check.keys(top, "(top level)", ["id", "version", "families", "responsibilities"])
    families = []
    for i, item in enumerate(check.sequence(top.get("families"), "families")):
        p = f"families{label(item, i)}"
        item = check.mapping(item, p)
        if check.keys(item, p, ["id", "name"]):
            families.append((check.text(item, "id", p), check.text(item, "name", p)))
    family_ids = {f for f, _ in families}
    items = check.sequence(top.get("responsibilities"), "responsibilities")
    check.unique_ids(items, "responsibilities")
    out = []
    for i, item in enumerate(items):
        p = f"responsibilities{label(item, i)}"
        item = check.mapping(item, p)
        if not check.keys(item, p, ["id", "name", "family", "scope", "tiers", "types", "default_raci"],
                          ["critical", "assures", "description", "sizes", "raci_by_type"]):
            continue
        fam = check.text(item, "family", p)
        if fam and fam not in family_ids:
            check.error(f"{p}.family", "unknown function family", fam, "an id under families:")
        scope = check.text(item, "scope", p)
        if scope and scope not in SCOPES:
            check.error(f"{p}.scope", "unknown scope", scope, "one of " + ", ".join(SCOPES))
        raci = _raci(check, item.get("default_raci"), f"{p}.default_raci", role_ids)
        variants = []
        for model, variant in check.mapping(item.get("raci_by_type", {}), f"{p}.raci_by_type").items():
            if model not in PMO_TYPES:
                check.error(f"{p}.raci_by_type.{model}", "unknown PMO type", model, "one of " + ", ".join(PMO_TYPES))
            variants.append((model, tuple(_raci(check, variant, f"{p}.raci_by_type.{model}", role_ids).items())))
        assures = item.get("assures") or []
        out.append(ResponsibilitySpec(
            id=check.text(item, "id", p, RESPONSIBILITY_ID), name=check.text(item, "name", p),
            family=fam, scope=scope, tiers=check.choices(item, "tiers", p, TIERS),
            types=check.choices(item, "types", p, PMO_TYPES),
            critical=check.boolean(item, "critical", p, False),
            assures=tuple(check.sequence(assures, f"{p}.assures")),
            default_raci=tuple((str(k), str(v)) for k, v in raci.items()),
            description=str(item.get("description", "")),
            sizes=check.choices(item, "sizes", p, OFFICE_SIZES) if "sizes" in item else OFFICE_SIZES,
            raci_by_type=tuple(variants),
        ))
    ids = {r.id for r in out}
    for resp in out:
        for target in resp.assures:
            if target not in ids:
                check.error(f"responsibilities[{resp.id}].assures", "unknown responsibility", target,
                            "a responsibility id in this file")
    return tuple(families), tuple(out), check.problems
