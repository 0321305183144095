"""The library API the CLI is a thin layer over."""
from __future__ import annotations

import contextlib
import gc
import threading
from pathlib import Path

from assessor.model import Submission
from assessor.output import check_target, publish


def load_bank(questionnaire: str | Path | None = None):
    from assessor.questionnaire.bank import load_bank as _load

    return _load(questionnaire)


def write_template(out: Path, questionnaire: str | Path | None = None, force: bool = False) -> Path:
    """Write the blank questionnaire workbook for a bank (by id or path)."""
    from assessor.questionnaire.template import write_template as _write

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        from assessor.errors import OutputError
        raise OutputError(f"{out}: the template must be an .xlsx file")
    check_target(out, force=force)
    bank = load_bank(questionnaire)
    return _publish(out, lambda: _write(bank), "template", force)


def read_workbooks(paths: list[str | Path], questionnaire: str | Path | None = None) -> Submission:
    """Read and validate respondents' workbooks for one PMO (raises InputError with every problem)."""
    from assessor.questionnaire.reader import read_submission

    return read_submission([Path(p) for p in paths], load_bank(questionnaire))


class Assessor:
    """A loaded question bank and rule base with its engine, reusable for many assessments.

    Build one per process (or per thread) and call ``assess`` as often as needed:
    the engine is compiled once and every assessment's state is deleted after it.
    """

    def __init__(self, rules: list[str | Path] | None = None, extra_rules: list[str | Path] = (),
                 questionnaire: str | Path | None = None, engine: str | None = None):
        from assessor import paths
        from assessor.rulebase import engines
        from assessor.rulebase.rules import load_rulebase

        self.bank = load_bank(questionnaire)
        folders = [Path(p) for p in (rules or [paths.rules_dir()])] + [Path(p) for p in extra_rules]
        self.rulebase = load_rulebase(folders, self.bank)
        self.rule_folders = folders  # every .yaml in them is read: no report may go there
        choice = engines.choose(engine)
        self.engine = engines.build(self.rulebase, choice.name)
        self.engine_notice = choice.notice  # one line for the user when durable-rules fell back to python

    def inputs(self, paths: list[str | Path] = (), targets: Path | None = None) -> list[Path]:
        """Every file an assessment of ``paths`` reads: none of them may become a report."""
        read = [Path(p) for p in paths] + ([Path(targets)] if targets else [])
        read += [Path(self.bank.source), *map(Path, self.bank.catalogues), *map(Path, self.rulebase.files)]
        return read

    def assess(self, paths: list[str | Path], targets: Path | None = None):
        from assessor.questionnaire.reader import read_submission

        with _fewer_collections():
            spec = self.targets(targets)
            return self.assess_submission(read_submission([Path(p) for p in paths], self.bank), spec)

    def targets(self, path: Path | None) -> dict:
        from assessor.targets import load_targets

        return load_targets(path, [d.id for d in self.bank.dimensions])

    def assess_submission(self, submission: Submission, targets: dict | None = None):
        from assessor.pipeline import evaluate

        with _fewer_collections():
            return evaluate(submission, self.bank, self.rulebase, self.engine, targets)


_COLLECTOR = {"lock": threading.Lock(), "depth": 0, "saved": None}


@contextlib.contextmanager
def _fewer_collections():
    """An assessment makes tens of thousands of short-lived records that hold no cycles: the cyclic
    collector's passes over them are wasted (about 5% of an assessment, measured by bench/). It runs
    less often while one is made, and the thresholds are put back after (the outermost of nested or
    concurrent assessments puts them back)."""
    state = _COLLECTOR
    with state["lock"]:
        if state["depth"] == 0:
            state["saved"] = gc.get_threshold()
            first, *rest = state["saved"]
            gc.set_threshold(max(first, 50_000), *rest)
        state["depth"] += 1
    try:
        yield
    finally:
        with state["lock"]:
            state["depth"] -= 1
            if state["depth"] == 0:
                gc.set_threshold(*state["saved"])


def make_engine(rulebase, name: str | None = None):
    """An engine for ``rulebase``: ``durable``, ``python``, or None for the default (see ``rulebase.engines``)."""
    from assessor.rulebase import engines

    return engines.build(rulebase, engines.choose(name).name)


def assess(paths: list[str | Path], rules: list[str | Path] | None = None, extra_rules: list[str | Path] = (),
           questionnaire: str | Path | None = None, engine: str | None = None):
    """Assess one PMO from its respondents' workbooks (one call, one engine)."""
    return Assessor(rules, extra_rules, questionnaire, engine).assess(paths)


def write_report(data: dict, output: Path, fmt: str, inputs: list[Path] = (), force: bool = False,
                 folders: list[Path] = ()) -> Path:
    """Write one report file atomically; never over an input or into a rule folder in use, never over
    an existing file unless forced."""
    from assessor.reports import render_bytes, reporter

    output = Path(output)
    check_target(output, list(inputs), force, folders)
    return _publish(output, lambda: render_bytes(reporter(fmt), data), "report", force)


def write_document(data: dict, output: Path, force: bool = False) -> Path:
    """Write an office's history, a comparison, a benchmark placement (.xlsx, .html or .json) or benchmark
    records (.json) the way reports are written: never over an existing file unless forced, never half a file."""
    from assessor.errors import OutputError
    from assessor.reports import document_reporter, render_bytes, reporter

    output = Path(output)
    if data.get("kind") in ("history", "comparison", "benchmark"):
        made = document_reporter(output)
    elif output.suffix.lower() == ".json":
        made = reporter("json")
    else:
        raise OutputError(f"{output}: this is written as .json")
    check_target(output, force=force)
    return _publish(output, lambda: render_bytes(made, data), "file", force)


def _publish(output: Path, content, what: str, replace: bool) -> Path:
    """Make ``content()`` (openpyxl uses temporary files while it does, so that too can meet a full
    disk) and publish it: an OSError is the user's environment, not a bug, and one line says so."""
    try:
        return publish(output, content(), replace)
    except OSError as exc:
        from assessor.errors import OutputError
        raise OutputError(f"{output}: cannot write the {what}: {exc.strerror or exc}") from None


def read_plan(path: str | Path):
    """The remediation plan (Owner, Due, Status per finding) of an earlier .xlsx report."""
    from assessor.plan import read_plan as _read

    return _read(path)


def carry_plan(data: dict, plan, db: str | None = None, use_store: bool = False) -> dict:
    """``data`` (an assessment's JSON) with the earlier ``plan`` carried forward as its ``plan`` section;
    a plan from another office's report is refused. With ``use_store`` (the command saves, or names a
    --db), the store's aliases count: a renamed client's earlier report is its own office's plan."""
    from assessor.plan import carry_forward, check_office

    check_office(plan, data, _stored_as_one(db) if use_store else None)
    data["plan"] = carry_forward(plan, data)
    return data


def _stored_as_one(db: str | None):
    """Whether two (organisation, PMO) names are one stored office (an alias, a renamed client)."""
    def same(earlier: tuple, now: tuple) -> bool:
        from assessor.store import StoreError

        try:
            with open_store(db) as store:
                office = store.office_id(*earlier)
                return office is not None and office == store.office_id(*now)
        except StoreError:  # no store there yet: nothing says the two are one
            return False
    return same


def render_report(data: dict, fmt: str) -> str:
    from assessor.reports import reporter

    return reporter(fmt).render(data)


def list_rules(rules: list[str | Path] | None = None, questionnaire: str | Path | None = None):
    from assessor import paths
    from assessor.rulebase.rules import load_rulebase

    folders = [Path(p) for p in (rules or [paths.rules_dir()])]
    return load_rulebase(folders, load_bank(questionnaire))


def export_graph(paths: list[str | Path], output: Path, rules=None, extra_rules=(), questionnaire=None,
                 force: bool = False, engine: str | None = None, only: str | None = None) -> Path:
    """Assess, then write the responsibility graph with the gaps marked (format from the extension);
    ``only``: ``gaps``, ``person:NAME`` or ``family:ID`` (graph_export.focus)."""
    from assessor.graph_export import format_for, render_graph

    output = Path(output)
    fmt = format_for(output)
    assessor = Assessor(rules, extra_rules, questionnaire, engine)
    check_target(output, assessor.inputs(paths), force, assessor.rule_folders)
    g = _graph(assessor, paths, only)  # before publishing: an unknown name leaves no file
    return _publish(output, lambda: render_graph(g, fmt), "graph", force)


def graph_json(paths: list[str | Path], rules=None, extra_rules=(), questionnaire=None, engine: str | None = None,
               only: str | None = None) -> bytes:
    """The responsibility graph with the gaps marked, as node-link JSON (``graph -o -``)."""
    from assessor.graph_export import render_graph

    return render_graph(_graph(Assessor(rules, extra_rules, questionnaire, engine), paths, only), "json")


def _graph(assessor, paths, only: str | None):
    from assessor.graph_export import focus, marked_graph

    return focus(marked_graph(assessor.assess(paths)), only)


# -- the store: history, comparison, benchmarks ---------------------------------------------------

def open_store(db: str | None = None, notice=None, create: bool = False):
    """The assessment store at ``db`` (a URL), else ``PMO_ASSESS_DB``, else the user's data folder.
    Only a caller that writes passes ``create``: reading a URL that holds no store is refused, so a
    mistyped URL makes no empty store."""
    from assessor.store import Store

    return Store(db, notice, create)


def save(assessment, db: str | None = None, notice=None):
    """Store one assessment; saving the same workbooks again finds it already there."""
    with open_store(db, notice, create=True) as store:
        return store.save(assessment)


def office_of(store, organisation: str):
    """The one stored office ``organisation`` names (its name, an alias, or ``organisation / PMO``)."""
    from assessor.store import StoreError

    found = store.find_offices(organisation)
    if not found:
        raise StoreError(f"no stored office of {organisation!r}: `pmo-assess history` lists the stored offices")
    if len(found) > 1:
        names = "; ".join(f"{o.organisation} / {o.name}" for o in found)
        raise StoreError(f"{organisation!r} has {len(found)} stored offices ({names}): name one as "
                         "'ORGANISATION / PMO NAME'")
    return found[0]


def history_document(store, organisation: str) -> dict:
    """One office's stored assessments, oldest first, with each dimension's level and score."""
    office = office_of(store, organisation)
    rows = store.assessments_of(office.id)
    # each dimension under its latest name, in the latest bank's order; dimensions since dropped after them
    names = {d["id"]: d["name"] for d in store.report(rows[-1]["id"])["maturity"]["dimensions"]} if rows else {}
    for row in reversed(rows):
        for did, value in sorted(row["dimensions"].items()):
            names.setdefault(did, value["name"])
    return {"kind": "history",
            "office": {"id": office.id, "organisation": office.organisation, "pmo_name": office.name},
            "dimensions": [{"id": did, "name": name} for did, name in names.items()],
            "assessments": [{"id": r["id"], "date": r["date"], "model": r["model"], "tier": r["tier"],
                             "overall": r["overall"], "score": r["score"], "questionnaire_version": r["bank_version"],
                             "rulebase": r["rulebase"],
                             "dimensions": {d: {"level": v["level"], "score": v["score"]}
                                            for d, v in r["dimensions"].items()}} for r in rows]}


def compare_sides(before: list[str], after: list[str], db: str | None = None, assessor=None, notice=None) -> dict:
    """Compare two assessments, each a stored assessment id or a set of workbooks (assessed, not saved).
    Two offices are set side by side (the store's aliases count as one office); one assessment on
    both sides is refused, as there is nothing to compare."""
    from assessor.comparison import ComparisonError, compare
    from assessor.store.keys import workbooks_digest

    store = None
    sides = []  # (report, what the side is, stored office id or None, workbooks digest)
    try:
        for side in (before, after):
            if len(side) == 1 and str(side[0]).isascii() and str(side[0]).isdigit():  # "²" is a file name
                if store is None:
                    store = open_store(db, notice)
                report = store.report(int(side[0]))
                report["stored_id"] = int(side[0])
                office, digest = store.identity(int(side[0]))
                sides.append((report, f"stored assessment {int(side[0])}", office, digest))
            else:
                assessor = assessor or Assessor()
                assessment = assessor.assess(list(side))
                sides.append((assessment.to_dict(), "workbooks " + ", ".join(map(str, side)), None,
                              workbooks_digest(assessment.submission.digests)))
        (a, what_a, office_a, digest_a), (b, what_b, office_b, digest_b) = sides
        one_office = None  # told by the names, unless the store knows
        if store is not None:
            if office_a is None:
                office_a = store.office_id(a["organisation"].get("organisation"), a["organisation"].get("pmo_name"))
            if office_b is None:
                office_b = store.office_id(b["organisation"].get("organisation"), b["organisation"].get("pmo_name"))
            if office_a is not None or office_b is not None:
                one_office = office_a == office_b
    finally:
        if store is not None:
            store.close()
    if digest_a == digest_b and a["rulebase"]["fingerprint"] == b["rulebase"]["fingerprint"] \
            and a["questionnaire"] == b["questionnaire"]:
        from assessor.comparison import office_name
        org = a["organisation"]
        where = f"{office_name(org)}, {org.get('assessment_date') or 'no date'}"
        said = what_a if what_a == what_b else f"{what_a} and {what_b}"
        # the command to paste, quoted for a shell: a name holding $(...) ran it when pasted
        import shlex

        listing = " ".join(["pmo-assess", "history", shlex.quote(org.get("organisation") or "ORGANISATION")]
                           + (["--db", shlex.quote(db)] if db else []))
        raise ComparisonError(f"compare: {said}: both sides are the same assessment ({where}: the same workbooks, "
                              "questionnaire and rule base), so nothing can have moved; compare it with another "
                              f"assessment (`{listing}` lists them)")
    return compare(a, b, one_office)


def benchmark(organisation: str, peers: str | None = None, db: str | None = None, notice=None) -> dict:
    """Each dimension's percentile of an office's latest assessment among its peers' latest ones."""
    from assessor.benchmark import parse_peers, place
    from assessor.store.store import profiles

    wanted = parse_peers(peers)
    with open_store(db, notice) as store:
        office = office_of(store, organisation)
        everyone = profiles(store)
        mine = next(p for p in everyone if p["office_id"] == office.id)
        names = {d["id"]: d["name"] for d in store.report(mine["assessment_id"])["maturity"]["dimensions"]}
        placement = place(mine, [p for p in everyone if p["office_id"] != office.id], wanted, names)
        placement["history"] = history_document(store, organisation)  # the trend beside the placement
    return placement


def import_benchmark(file: str | Path, db: str | None = None, notice=None) -> tuple[int, int]:
    """Add the anonymised records of a ``benchmark export`` file to the store: (added, already there)."""
    import json

    from assessor.store import StoreError
    from assessor.store.exchange import validate
    from assessor.store.store import add_peer_records

    try:
        document = json.loads(Path(file).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{file}: file not found") from None
    except OSError as exc:
        raise StoreError(f"{file}: cannot read the file: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{file}: not a pmo-assess benchmark file (not JSON: {exc})") from None
    records, source = validate(document, str(file))  # before the store is opened: a bad file makes none
    with open_store(db, notice, create=True) as store:
        return add_peer_records(store, records, source, str(file))
