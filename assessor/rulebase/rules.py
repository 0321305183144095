"""Rule files: schema, loading and lint.

A rule file is YAML (loaded safely, never evaluated): ``rules:`` a list of
rules, optional ``settings:`` (thresholds read by the pure classification and
scoring code) and optional ``facts:`` (new fact kinds its rules conclude).
Every problem names the file, the rule id and the key path.

Rule shape::

    - id: TYPE-DIR-01              # stable, unique across the rule base
      title: ...
      rationale: ...
      source: PMBOK 6th ed. 2.4.4.3
      priority: 100                # optional; lower fires first (0..65535)
      when:
        all:                       # or any: (each alternative becomes its own match)
          - fact: answer           # a fact kind; every pattern tests one
            as: a                  # alias, used by later patterns and templates
            where:                 # attribute tests, all must hold
              question: AS-04      # equality
              status: answered     # eq ne gt gte lt lte in exists, e.g. value: {gte: 3}
              value: {lte: {setting: authority_absent}}   # a threshold kept in settings:
              dimension: {eq: {ref: d.dimension}}   # a join with an earlier alias
            any:                   # optional: at least one of these groups holds
              - {status: answered}
          - not: {fact: role, where: {role: PM}}    # absence: evaluated after derivations
      then:
        conclude: {kind: type_evidence, set: {type: directive, points: 3, reason: "..."}}
        # or
        finding: {severity: high, category: ..., subject: "{a.question}", message: "...",
                  recommendation: "..."}
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assessor.errors import Problem, RuleError, quote
from assessor.rulebase.facts import BANK_REFERENCES, DOMAINS, FLAG, INPUT_KINDS, KINDS, NUMBER, PHASE_KIND, TEXT
from assessor.yamlfile import load_yaml

# No regex operator: durable-rules has its own regex dialect, and the reference
# evaluator must agree with it exactly.
OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "exists")
SEVERITIES = ("critical", "high", "medium", "low", "info")
RULE_ID = r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+"
ALIAS = r"[a-z][a-z0-9_]{0,20}"
TEMPLATE_FIELD = re.compile(r"\{([a-z][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\}")
PLAIN_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")   # {count}, {items}: a group's own placeholders
GROUP_PLACEHOLDERS = ("count", "items")
MAX_PATTERNS = 15  # durable-rules allows 16 per rule; the session adds one for the phase gate


@dataclass(frozen=True)
class Ref:
    alias: str
    attr: str


@dataclass(frozen=True)
class Test:
    attr: str
    op: str
    value: Any  # a literal, a tuple for "in", or a Ref for a join


@dataclass(frozen=True)
class Pattern:
    kind: str
    alias: str
    tests: tuple[Test, ...]
    any_of: tuple[tuple[Test, ...], ...] = ()
    negated: bool = False
    path: str = ""  # where it is in the rule, e.g. "when.all[0]", for messages


@dataclass(frozen=True)
class Conclusion:
    kind: str
    values: tuple[tuple[str, Any], ...]  # (attribute, literal or Ref)


@dataclass(frozen=True)
class GroupSpec:
    """One root cause, one finding: the matches of a rule that share ``by`` become one finding whose
    details are the single matches. Templates may use {alias.attr} of the group's first match (only
    what the group has in common makes sense there), {count} and {items}."""
    by: str = ""              # template; "" puts every match of the rule in one group
    subject: str = ""
    message: str = ""
    recommendation: str = ""
    item: str = ""            # how one match is named in {items}; default: its subject


@dataclass(frozen=True)
class FindingSpec:
    severity: str
    category: str
    subject: str
    message: str
    recommendation: str
    weight: float = 1.0       # importance within its severity; a group weighs this times its matches
    group: GroupSpec | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    rationale: str
    source: str
    priority: int
    alternatives: tuple[tuple[Pattern, ...], ...]  # one pattern list per `any` alternative; one for `all`
    conclusion: Conclusion | None
    finding: FindingSpec | None
    file: str
    concern: str
    raw: dict = field(default_factory=dict, compare=False, repr=False)  # as written, for `rules show`

    @property
    def absence(self) -> bool:
        """Rules with a ``not`` wait for derivations to settle (durable-rules checks absence only once)."""
        return any(p.negated for alt in self.alternatives for p in alt)


@dataclass(frozen=True)
class Rulebase:
    rules: tuple[Rule, ...]
    kinds: dict
    settings: dict
    files: tuple[str, ...]
    fingerprint: str = ""

    def rule(self, rule_id: str) -> Rule | None:
        index = self.__dict__.get("_index")
        if index is None:
            index = {r.id: r for r in self.rules}
            object.__setattr__(self, "_index", index)
        return index.get(rule_id)

    def setting(self, key: str, default=None):
        return self.settings.get(key, default)

    def used_kinds(self) -> set[str]:
        return {p.kind for r in self.rules for alt in r.alternatives for p in alt}

    def possible_points(self, kind: str, key: str) -> dict:
        """Total points rules could conclude per class (e.g. per PMO type): the denominator of confidence."""
        cache = self.__dict__.setdefault("_possible_points", {})  # rules are immutable: count once
        if (kind, key) not in cache:
            cache[kind, key] = self._count_points(kind, key)
        return dict(cache[kind, key])

    def _count_points(self, kind: str, key: str) -> dict:
        totals: dict = {}
        for rule in self.rules:
            c = rule.conclusion
            if c and c.kind == kind:
                values = dict(c.values)
                if not isinstance(values.get(key), Ref) and isinstance(values.get("points"), (int, float)):
                    totals[values[key]] = totals.get(values[key], 0) + values["points"]
        return totals


@dataclass
class _Context:
    file: str
    kinds: dict
    settings: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)

    def error(self, rule_id: str, path: str, message: str, found: Any = "", expected: str = ""):
        where = f"rules[{rule_id}]" + (f".{path}" if path else "")
        self.problems.append(Problem(self.file, where, message, quote(found) if found != "" else "", expected))


def rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in Path(directory).glob("*.yaml") if not p.name.startswith("_"))


def load_rulebase(directories: list[Path], bank=None) -> Rulebase:
    """Load every ``*.yaml`` under the given folders (later folders add rules); lint; fail once."""
    files: list[Path] = []
    for directory in directories:
        directory = Path(directory)
        if not directory.is_dir():
            raise RuleError(f"{directory}: rule folder not found",
                            [Problem(str(directory), "", "rule folder not found", expected="a folder of .yaml rule files")])
        found = rule_files(directory)
        if not found:
            raise RuleError(f"{directory}: no rule files",
                            [Problem(str(directory), "", "no .yaml rule files in this folder")])
        files.extend(found)
    raw = [(str(path), load_yaml(path, RuleError)) for path in files]
    kinds = {k: dict(v) for k, v in KINDS.items()}
    problems: list[Problem] = []
    for file, data in raw:  # declared kinds first: a rule may use a kind another file declares
        if isinstance(data, dict) and isinstance(data.get("facts"), dict):
            for kind, attrs in data["facts"].items():
                if kind in kinds:
                    problems.append(Problem(file, f"facts.{kind}", "fact kind already defined", kind, "a new name"))
                elif isinstance(attrs, dict) and {"id", "kind", "sid"} & set(attrs):
                    problems.append(Problem(file, f"facts.{kind}", "id, kind and sid are reserved attribute names",
                                            ", ".join(sorted({"id", "kind", "sid"} & set(attrs)))))
                elif not isinstance(attrs, dict) or any(t not in (NUMBER, TEXT, FLAG) for t in attrs.values()):
                    problems.append(Problem(file, f"facts.{kind}", "attributes must map names to number, text or flag",
                                            str(attrs)))
                else:
                    kinds[kind] = dict(attrs)
    settings: dict = {}
    for file, data in raw:  # settings first too: a rule may use a threshold another file sets
        if isinstance(data, dict) and isinstance(data.get("settings"), dict):
            for key, value in data["settings"].items():
                if key in settings:
                    problems.append(Problem(file, f"settings.{key}", "setting already defined in another file",
                                            key, "each setting once"))
                settings[key] = value
    problems.extend(_check_settings(raw))
    rules, seen = [], {}
    for file, data in raw:
        ctx = _Context(file, kinds, settings)
        for rule in _file_rules(ctx, data, seen):
            rules.append(rule)
        problems.extend(ctx.problems)
    if not problems:
        problems.extend(_whole_base_checks(rules, bank))
        problems.extend(_rule_references(rules, raw))
    if problems:
        raise RuleError(f"{len(problems)} problem(s) in the rule files", problems)
    import hashlib
    digest = hashlib.sha256(b"".join(Path(f).read_bytes() for f, _ in raw)).hexdigest()[:16]
    return Rulebase(tuple(rules), kinds, settings, tuple(f for f, _ in raw), digest)


def _file_rules(ctx: _Context, data, seen: dict):
    if not isinstance(data, dict):
        ctx.problems.append(Problem(ctx.file, "(top level)", "must be a mapping with a 'rules:' list", quote(data)))
        return
    for key in data:
        if key not in ("rules", "settings", "facts", "description", "concern"):
            ctx.problems.append(Problem(ctx.file, key, "unknown key", key, "rules, settings, facts, description, concern"))
    concern = str(data.get("concern") or Path(ctx.file).stem)
    items = data.get("rules") or []
    if not isinstance(items, list):
        ctx.problems.append(Problem(ctx.file, "rules", "must be a list of rules", quote(items)))
        return
    for index, item in enumerate(items):
        rid = str(item["id"]) if isinstance(item, dict) and isinstance(item.get("id"), (str, int)) else f"#{index}"
        if rid in seen:
            ctx.error(rid, "id", f"duplicate rule id (first in {seen[rid]})", rid, "a unique id")
            continue
        seen[rid] = ctx.file
        rule = _rule(ctx, rid, item, concern)
        if rule is not None:
            yield rule


def _rule(ctx: _Context, rid: str, item, concern: str) -> Rule | None:
    if not isinstance(item, dict):
        ctx.error(rid, "", "a rule must be a mapping", item)
        return None
    before = len(ctx.problems)
    allowed = {"id", "title", "rationale", "source", "priority", "when", "then"}
    for key in item:
        if key not in allowed:
            ctx.error(rid, key, "unknown key", key, "one of " + ", ".join(sorted(allowed)))
    for key in ("id", "title", "rationale", "source", "when", "then"):
        if key not in item:
            ctx.error(rid, key, "missing required key", expected=f"a value for '{key}'")
    if "id" in item and not isinstance(item["id"], str):
        ctx.error(rid, "id", "rule id must be text", item["id"], "capitals and digits in dash-separated parts, e.g. TYPE-DIR-01")
    elif isinstance(item.get("id"), str) and not re.fullmatch(RULE_ID, item["id"]):
        ctx.error(rid, "id", "rule id has the wrong form", item["id"], "capitals and digits in dash-separated parts, e.g. TYPE-DIR-01")
    for key in ("title", "rationale", "source"):
        if key in item and (not isinstance(item[key], str) or not item[key].strip()):
            ctx.error(rid, key, "must be non-empty text", item[key])
    priority = item.get("priority", 100)
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 65535:
        ctx.error(rid, "priority", "priority out of range", priority, "a whole number 0..65535 (lower fires first)")
        priority = 100
    alternatives = _when(ctx, rid, item.get("when"))
    # What `then` may refer to: aliases bound in every alternative (with `any`, each
    # alternative fires on its own, so an alias of another alternative is unbound).
    per_alt = [{p.alias: p.kind for p in alt if not p.negated} for alt in alternatives]
    aliases = {a: k for a, k in per_alt[0].items() if all(other.get(a) == k for other in per_alt)} if per_alt else {}
    conclusion, finding = _then(ctx, rid, item.get("then"), aliases)
    if len(ctx.problems) > before:
        return None
    return Rule(item["id"], item["title"].strip(), item["rationale"].strip(), item["source"].strip(), priority,
                alternatives, conclusion, finding, ctx.file, concern, item)


def _when(ctx: _Context, rid: str, when) -> tuple:
    if not isinstance(when, dict) or len(when) != 1 or next(iter(when)) not in ("all", "any"):
        ctx.error(rid, "when", "must be a mapping with one key, all or any", when, "all: [patterns] or any: [patterns]")
        return ()
    mode, items = next(iter(when.items()))
    if not isinstance(items, list) or not items:
        ctx.error(rid, f"when.{mode}", "must be a non-empty list of patterns", items)
        return ()
    if len(items) > MAX_PATTERNS:
        ctx.error(rid, f"when.{mode}", f"too many patterns ({len(items)})", expected=f"at most {MAX_PATTERNS}")
        return ()
    patterns, aliases = [], {}
    for i, raw in enumerate(items):
        path = f"when.{mode}[{i}]"
        negated = isinstance(raw, dict) and set(raw) == {"not"}
        if negated:
            if mode == "any":
                ctx.error(rid, path, "'not' is only allowed under all", expected="all: [...]")
                continue
            raw, path = raw["not"], path + ".not"
        pattern = _pattern(ctx, rid, path, raw, aliases if mode == "all" else {}, negated, i)
        if pattern is None:
            continue
        if not negated:
            if mode == "all" and pattern.alias in aliases:
                ctx.error(rid, path + ".as", "alias used twice in one rule", pattern.alias, "a new alias")
            aliases[pattern.alias] = pattern.kind
        patterns.append(pattern)
    if mode == "all":
        if patterns and all(p.negated for p in patterns):
            ctx.error(rid, "when.all", "a rule needs at least one positive pattern besides 'not'",
                      expected="a fact the rule is about")
        return (tuple(patterns),)
    return tuple((p,) for p in patterns)


def _pattern(ctx, rid, path, raw, aliases: dict, negated: bool, index: int) -> Pattern | None:
    if not isinstance(raw, dict):
        ctx.error(rid, path, "a pattern must be a mapping", raw, "fact:, as:, where:")
        return None
    for key in raw:
        if key not in ("fact", "as", "where", "any"):
            ctx.error(rid, f"{path}.{key}", "unknown key in pattern", key, "fact, as, where, any")
    kind = raw.get("fact")
    if kind == PHASE_KIND or kind not in ctx.kinds:
        ctx.error(rid, f"{path}.fact", "unknown fact kind", kind if kind is not None else "",
                  "one of " + ", ".join(sorted(k for k in ctx.kinds)))
        return None
    alias = raw.get("as", f"f{index}")
    if not isinstance(alias, str) or not re.fullmatch(ALIAS, alias):
        ctx.error(rid, f"{path}.as", "alias has the wrong form", alias, "lower-case letters, digits, _")
        return None
    tests = _tests(ctx, rid, f"{path}.where", raw.get("where") or {}, kind, aliases)
    any_of = []
    if "any" in raw:
        groups = raw["any"]
        if not isinstance(groups, list) or not groups:
            ctx.error(rid, f"{path}.any", "must be a non-empty list of test groups", groups)
        else:
            for g, group in enumerate(groups):
                group_tests = _tests(ctx, rid, f"{path}.any[{g}]", group, kind, aliases)
                if any(isinstance(t.value, Ref) for t in group_tests):
                    ctx.error(rid, f"{path}.any[{g}]", "joins (ref:) are not allowed inside any:",
                              expected="the join under where:, the alternatives under any:")
                any_of.append(group_tests)
    _never_fires(ctx, rid, path, kind, tests)
    return Pattern(kind, alias, tests, tuple(any_of), negated, path)


def _tests(ctx, rid, path, where, kind, aliases) -> tuple[Test, ...]:
    if not isinstance(where, dict):
        ctx.error(rid, path, "must be a mapping of attribute tests", where)
        return ()
    tests = []
    for attr, spec in where.items():
        attr_path = f"{path}.{attr}"
        if attr not in ctx.kinds[kind]:
            ctx.error(rid, attr_path, f"unknown attribute of {kind}", attr,
                      "one of " + ", ".join(sorted(ctx.kinds[kind])))
            continue
        if isinstance(spec, dict) and set(spec) not in ({"ref"}, {"setting"}):
            if len(spec) != 1:
                ctx.error(rid, attr_path, "one operator per attribute test", spec, "e.g. {gte: 3}")
                continue
            op, value = next(iter(spec.items()))
        else:
            op, value = "eq", spec
        if op not in OPERATORS:
            ctx.error(rid, f"{attr_path}.{op}", "unknown operator", op, "one of " + ", ".join(OPERATORS))
            continue
        value = _value(ctx, rid, f"{attr_path}.{op}", kind, attr, op, value, aliases)
        if value is not _BAD:
            tests.append(Test(attr, op, value))
    return tuple(tests)


_BAD = object()


def _value(ctx, rid, path, kind, attr, op, value, aliases):
    attr_type = ctx.kinds[kind][attr]
    if isinstance(value, dict) and set(value) == {"setting"}:
        if value["setting"] not in ctx.settings:
            ctx.error(rid, path, "unknown setting", value["setting"],
                      "a key under settings: in a rule file: " + ", ".join(sorted(ctx.settings)))
            return _BAD
        value = ctx.settings[value["setting"]]
    if isinstance(value, dict) and set(value) == {"ref"}:
        ref = value["ref"]
        match = re.fullmatch(r"([a-z][a-z0-9_]*)\.([a-z_][a-z0-9_]*)", str(ref))
        if not match or match.group(1) not in aliases:
            ctx.error(rid, path, "reference to an unknown alias", ref,
                      "alias.attribute of an earlier pattern: " + (", ".join(aliases) or "none defined"))
            return _BAD
        other_kind = aliases[match.group(1)]
        if match.group(2) not in ctx.kinds[other_kind]:
            ctx.error(rid, path, f"unknown attribute of {other_kind}", match.group(2))
            return _BAD
        if op in ("in", "exists"):
            ctx.error(rid, path, f"operator {op} cannot take a reference", ref)
            return _BAD
        return Ref(match.group(1), match.group(2))
    if op == "exists":
        if not isinstance(value, bool):
            ctx.error(rid, path, "exists takes true or false", value, "true or false")
            return _BAD
        return value
    values = value if op == "in" else [value]
    if op == "in" and (not isinstance(value, list) or not value):
        ctx.error(rid, path, "in takes a non-empty list", value, "[a, b, ...]")
        return _BAD
    for v in values:
        if not _type_ok(attr_type, v):
            ctx.error(rid, path, f"{attr} is {attr_type}; the value is not", v,
                      {"number": "a number", "text": "text", "flag": "true or false"}[attr_type])
            return _BAD
        if attr_type == TEXT and op in ("gt", "gte", "lt", "lte"):
            ctx.error(rid, path, "order comparisons work on numbers only", v, "eq, ne or in for text")
            return _BAD
    return tuple(values) if op == "in" else value


def _type_ok(attr_type: str, value) -> bool:
    if attr_type == NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if attr_type == FLAG:
        return isinstance(value, bool)
    return isinstance(value, str)


def _never_fires(ctx, rid, path, kind, tests: tuple[Test, ...]) -> None:
    """Catch patterns no fact can satisfy: values outside the attribute's domain, contradictions."""
    by_attr: dict[str, list[Test]] = {}
    for t in tests:
        if not isinstance(t.value, Ref):
            by_attr.setdefault(t.attr, []).append(t)
    for attr, group in by_attr.items():
        domain = DOMAINS.get((kind, attr))
        low, high = float("-inf"), float("inf")
        equals = set()
        for t in group:
            values = t.value if t.op == "in" else (t.value,)
            if domain and t.op in ("eq", "in"):
                numeric = len(domain) == 2 and all(isinstance(d, (int, float)) for d in domain)
                bad = [v for v in values if (not domain[0] <= v <= domain[1]) if numeric] if numeric else \
                    [v for v in values if v not in domain]
                if bad and len(bad) == len(values):
                    ctx.error(rid, f"{path}.where.{attr}", "can never fire: value outside what the attribute takes",
                              bad[0], _domain_text(domain))
            if t.op in ("gt", "gte"):
                low = max(low, t.value + (1e-9 if t.op == "gt" else 0))
            if t.op in ("lt", "lte"):
                high = min(high, t.value - (1e-9 if t.op == "lt" else 0))
            if t.op == "eq":
                equals.add(t.value)
        if domain and len(domain) == 2 and all(isinstance(d, (int, float)) for d in domain):
            if low > domain[1] or high < domain[0]:
                ctx.error(rid, f"{path}.where.{attr}", "can never fire: the range is outside what the attribute takes",
                          expected=_domain_text(domain))
        if low > high or len(equals) > 1:
            ctx.error(rid, f"{path}.where.{attr}", "can never fire: the tests on this attribute contradict each other")


def _domain_text(domain) -> str:
    if len(domain) == 2 and all(isinstance(d, (int, float)) for d in domain):
        return f"a value from {domain[0]} to {domain[1]}"
    return "one of " + ", ".join(map(str, domain))


def _then(ctx, rid, then, aliases: dict):
    if not isinstance(then, dict) or len(then) != 1 or next(iter(then)) not in ("conclude", "finding"):
        ctx.error(rid, "then", "must be a mapping with one key, conclude or finding", then)
        return None, None
    what, body = next(iter(then.items()))
    if not isinstance(body, dict):
        ctx.error(rid, f"then.{what}", "must be a mapping", body)
        return None, None
    if what == "conclude":
        kind = body.get("kind")
        if kind not in ctx.kinds or kind in INPUT_KINDS:
            ctx.error(rid, "then.conclude.kind", "cannot conclude this fact kind", kind if kind else "",
                      "a derived kind such as type_evidence, tier_evidence, maturity_level, office_function")
            return None, None
        values = []
        sets = body.get("set") or {}
        for key in body:
            if key not in ("kind", "set"):
                ctx.error(rid, f"then.conclude.{key}", "unknown key", key, "kind, set")
        for attr, value in sets.items():
            path = f"then.conclude.set.{attr}"
            if attr not in ctx.kinds[kind]:
                ctx.error(rid, path, f"unknown attribute of {kind}", attr, "one of " + ", ".join(sorted(ctx.kinds[kind])))
                continue
            checked = _value(ctx, rid, path, kind, attr, "eq", value, aliases)
            if checked is _BAD:
                continue
            domain = DOMAINS.get((kind, attr))
            if domain and not isinstance(checked, Ref):
                numeric = len(domain) == 2 and all(isinstance(d, (int, float)) for d in domain)
                if (numeric and not domain[0] <= checked <= domain[1]) or (not numeric and checked not in domain):
                    ctx.error(rid, path, "value outside what the attribute takes", checked, _domain_text(domain))
            values.append((attr, checked))
        if (kind.endswith("_evidence")) and "points" not in sets:
            ctx.error(rid, "then.conclude.set.points", "evidence needs points", expected="a number of points")
        return Conclusion(kind, tuple(values)), None
    texts = ("severity", "category", "subject", "message", "recommendation")
    allowed = texts + ("weight", "group")
    for key in body:
        if key not in allowed:
            ctx.error(rid, f"then.finding.{key}", "unknown key", key, ", ".join(allowed))
    for key in texts:
        if not isinstance(body.get(key), str) or not body.get(key, "").strip():
            ctx.error(rid, f"then.finding.{key}", "missing or empty", body.get(key, ""), "text")
    if body.get("severity") not in SEVERITIES:
        ctx.error(rid, "then.finding.severity", "unknown severity", body.get("severity", ""), ", ".join(SEVERITIES))
    weight = body.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 100:
        ctx.error(rid, "then.finding.weight", "weight out of range", weight, "a number above 0 and up to 100")
        weight = 1
    templates = [(f"then.finding.{key}", body.get(key, "")) for key in ("subject", "message", "recommendation")]
    group = None
    if "group" in body:
        raw = body["group"]
        keys = ("by", "subject", "message", "recommendation", "item")
        if not isinstance(raw, dict):
            ctx.error(rid, "then.finding.group", "must be a mapping", raw, ", ".join(keys))
            raw = {}
        for key in raw:
            if key not in keys:
                ctx.error(rid, f"then.finding.group.{key}", "unknown key", key, ", ".join(keys))
        for key in ("subject", "message", "recommendation"):
            if not isinstance(raw.get(key), str) or not raw.get(key, "").strip():
                ctx.error(rid, f"then.finding.group.{key}", "missing or empty", raw.get(key, ""), "text")
        for key in ("by", "item"):
            if not isinstance(raw.get(key, ""), str):
                ctx.error(rid, f"then.finding.group.{key}", "must be text", raw.get(key))
        templates += [(f"then.finding.group.{key}", str(raw.get(key, ""))) for key in keys]
        group = GroupSpec(*(str(raw.get(k, "")).strip() for k in keys))
    group_texts = {f"then.finding.group.{key}" for key in ("subject", "message", "recommendation")}
    for path, text in templates:
        for alias, attr in TEMPLATE_FIELD.findall(str(text)):
            if alias not in aliases or attr not in ctx.kinds[aliases[alias]]:
                ctx.error(rid, path, "template refers to an unknown alias or attribute",
                          f"{{{alias}.{attr}}}", "alias.attribute of a positive pattern")
        for name in PLAIN_FIELD.findall(str(text)):
            if name not in GROUP_PLACEHOLDERS or path not in group_texts:
                ctx.error(rid, path, "unknown placeholder", f"{{{name}}}",
                          "{alias.attribute}" + (", {count} or {items}" if path in group_texts else
                                                 "; {count} and {items} only in a group's subject, message "
                                                 "and recommendation"))
    return None, FindingSpec(*(str(body.get(k, "")).strip() for k in texts), float(weight), group)


# The settings the scoring and classification code reads: (check, what is expected).
def _number(low, high):
    return lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and low <= v <= high


_TYPES = ("supportive", "controlling", "directive")
KNOWN_SETTINGS = {
    "overall_share": (_number(0.01, 1), "a share from 0.01 to 1 (0.5 = the median)"),
    "overall_excluded": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of dimension ids"),
    "type_order": (lambda v: isinstance(v, list) and sorted(v) == sorted(_TYPES),
                   "the three types, lowest control first: [supportive, controlling, directive]"),
    "type_threshold": (_number(0, 1), "a share from 0 to 1"),
    "runner_up_threshold": (_number(0, 1), "a share from 0 to 1"),
    "tier_threshold": (_number(0, 1), "a share from 0 to 1"),
    "tier_requires": (lambda v: isinstance(v, dict) and all(k in (1, 2, 3, 4) and isinstance(x, list)
                                                              and all(t in (1, 2, 3, 4) for t in x) for k, x in v.items()),
                      "a mapping from tier (1-4) to the list of tiers it needs"),
    "tier_function_rules": (lambda v: isinstance(v, dict) and set(v) <= {1, 2, 3, 4} and all(
        isinstance(x, list) and x and all(isinstance(i, str) for i in x) for x in v.values()),
        "a mapping from tier (1-4) to the list of rule ids one of which must fire for its function"),
    "authority_present": (_number(0, 5), "an answer value from 0 to 5"),
    "authority_absent": (_number(0, 5), "an answer value from 0 to 5"),
    "function_level": (lambda v: v in (1, 2, 3, 4, 5) and not isinstance(v, bool), "a level from 1 to 5"),
    "coe_level": (lambda v: v in (1, 2, 3, 4, 5) and not isinstance(v, bool), "a level from 1 to 5"),
    "office_function_share": (_number(0, 1), "a share from 0 to 1"),
    "tier_functions": (lambda v: isinstance(v, dict) and set(v) <= {1, 2, 3, 4} and all(
        isinstance(x, list) and set(x) <= {"project", "programme", "portfolio", "coe"} for x in v.values()),
        "a mapping from tier (1-4) to a list of functions: project, programme, portfolio, coe"),
    "disagreement_spread": (_number(1, 5), "a number of levels from 1 to 5"),
    "small_office_fte": (_number(0, 1000), "a headcount (FTE) from 0 to 1000"),
    "large_office_fte": (_number(0, 1000), "a headcount (FTE) from 0 to 1000"),
    "small_office_projects": (_number(0, 100000), "a number of projects"),
    "large_office_projects": (_number(0, 100000), "a number of projects"),
    "min_answered_share": (_number(0, 1), "a share from 0 to 1"),
    "roadmap": (lambda v: _roadmap_problem(v) is None, lambda v: _roadmap_problem(v) + " (see rules/roadmap.yaml)"),
}


def _roadmap_problem(value):
    from assessor.roadmap import setting_problem

    return setting_problem(value)


def _check_settings(raw) -> list[Problem]:
    problems = []
    for file, data in raw:
        settings = data.get("settings") if isinstance(data, dict) else None
        if settings is None:
            continue
        if not isinstance(settings, dict):
            problems.append(Problem(file, "settings", "must be a mapping of name: value", quote(settings)))
            continue
        for key, value in settings.items():
            check = KNOWN_SETTINGS.get(key)
            if check and not check[0](value):
                expected = check[1](value) if callable(check[1]) else check[1]
                problems.append(Problem(file, f"settings.{key}", "setting has the wrong value", quote(value)[:200],
                                        expected))
    return problems


def _rule_references(rules: list[Rule], raw) -> list[Problem]:
    """A setting that names rules (tier_function_rules) names rules of this base: a misspelt id would
    make that tier's function never in place, silently."""
    ids = {r.id for r in rules}
    problems = []
    for file, data in raw:
        named = ((data.get("settings") or {}) if isinstance(data, dict) else {}).get("tier_function_rules")
        if not isinstance(named, dict):
            continue
        for tier, listed in named.items():
            for rule_id in listed if isinstance(listed, list) else ():  # (a wrong shape: _check_settings says so)
                if isinstance(rule_id, str) and rule_id not in ids:
                    problems.append(Problem(file, f"settings.tier_function_rules.{tier}", "names no rule of the rule base",
                                            quote(rule_id), "the id of a rule that concludes that tier's tier_evidence"))
    return problems


def _whole_base_checks(rules: list[Rule], bank) -> list[Problem]:
    """Checks that need every rule: derived kinds nobody concludes, ids the bank does not know."""
    problems = []
    concluded = {r.conclusion.kind for r in rules if r.conclusion}
    derived = {"type_evidence", "tier_evidence", "maturity_level", "office_function"}
    known = _bank_ids(bank) if bank is not None else None
    for rule in rules:
        for alt in rule.alternatives:
            for p in alt:
                where = f"rules[{rule.id}].{p.path}"
                if (p.kind in derived or p.kind not in KINDS) and p.kind not in concluded and not p.negated:
                    problems.append(Problem(rule.file, f"{where}.fact", f"can never fire: no rule concludes {p.kind}",
                                            p.kind, "a rule with then: conclude: kind: " + p.kind))
                if known is None:
                    continue
                tests = [(f"where.{t.attr}", t) for t in p.tests]
                tests += [(f"any[{g}].{t.attr}", t) for g, group in enumerate(p.any_of) for t in group]
                for key, t in tests:
                    space = BANK_REFERENCES.get(t.attr)
                    if space is None or isinstance(t.value, Ref) or t.op not in ("eq", "ne", "in"):
                        continue
                    for v in (t.value if t.op == "in" else (t.value,)):
                        if space == "role" and p.kind in ("role", "holding", "assignment"):
                            ok = v in known["role"]
                        else:
                            ok = v in known[space]
                        if not ok:
                            problems.append(Problem(rule.file, f"{where}.{key}",
                                                    f"unknown {space} id in the question bank", quote(v),
                                                    f"a {space} id from the question bank or catalogues"))
    return problems


def _bank_ids(bank) -> dict[str, set]:
    return {"question": {q.id for q in bank.questions}, "dimension": {d.id for d in bank.dimensions},
            "role": set(bank.role_ids()), "responsibility": set(bank.responsibility_ids())}
