"""Running a batch: read every file in the workers (one assessor per worker, built once), group the
offices by what the files say, assess each office in a worker and write its reports, then the
portfolio workbook.

A file that cannot be read or placed is recorded with its first error and skipped; its office goes on
with its other respondents. Reports are published atomically, so Ctrl-C (which stops the workers)
leaves the finished reports and no partial file.
"""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from assessor.errors import AssessorError, InputError, OutputError
from assessor.portfolio import discover, grouping, names
from assessor.portfolio.grouping import OfficeGroup, Placement

EXTENSIONS = {"xlsx": ".xlsx", "html": ".html", "json": ".json"}
PORTFOLIO = "portfolio"


@dataclass(frozen=True)
class Options:
    formats: tuple[str, ...] = ("xlsx",)
    save: bool = False
    db: str | None = None
    force: bool = False
    rules: tuple = ()
    extra_rules: tuple = ()
    questionnaire: str | None = None
    engine: str | None = None


@dataclass(frozen=True)
class OfficeResult:
    """One office's row in the portfolio (small: the full report stays in its files)."""
    stem: str
    label: str
    files: tuple[str, ...]
    organisation: str = ""
    pmo_name: str = ""
    model: str = ""
    tier: int | None = None
    tier_name: str = ""
    overall: int | None = None
    score: float | None = None
    dimensions: tuple = ()            # (id, name, level) in the bank's order
    findings: tuple = ()              # (severity, count) for every severity
    reports: tuple[str, ...] = ()     # file names in the output folder
    error: str = ""                   # why the office itself could not be assessed
    saved: str = ""                   # "saved: assessment 7" / "already stored: ..."

    @property
    def assessed(self) -> bool:
        return not self.error


@dataclass
class Batch:
    files: int = 0
    offices: list[OfficeResult] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)   # every file that failed, with its first error
    written: list[Path] = field(default_factory=list)             # the portfolio's own files
    seconds: float = 0.0
    interrupted: bool = False


# -- the workers ---------------------------------------------------------------------------------------

_WORKER: dict = {}


def _start(options: Options, in_process: bool = False) -> None:
    """Build this worker's assessor once (a child ignores Ctrl-C: the parent stops it)."""
    from assessor.api import Assessor

    if not in_process:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    assessor = Assessor(list(options.rules) or None, list(options.extra_rules), options.questionnaire, options.engine)
    _WORKER.update(options=options, assessor=assessor, store=None)
    if not in_process:
        import gc

        # The bank, rules and engine live as long as the worker: keep the collector off them, and let
        # it run less often over an assessment's many short-lived records (about 5% of a batch).
        gc.freeze()
        gc.set_threshold(50_000, 20, 20)


def _first_line(exc: AssessorError) -> str:
    return exc.lines()[0] if exc.lines() else str(exc)


def survey(job: tuple[str, str]) -> Placement:
    """Read and check one workbook: the office it names, or its first error. The file as read goes to
    ``spool`` for its office's worker: two thousand of them wait on disk, not in the parent's memory."""
    import pickle

    from assessor.questionnaire.reader import read_response

    path, spool = job
    try:
        response = read_response(path, _WORKER["assessor"].bank)
    except AssessorError as exc:
        return Placement(path, error=_first_line(exc))
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop a portfolio of two hundred
        return Placement(path, error=f"{path}: could not be read ({type(exc).__name__}: {exc})")
    with open(spool, "wb") as f:
        pickle.dump(response, f, protocol=pickle.HIGHEST_PROTOCOL)
    return Placement(path, str(response.profile_value("organisation") or ""),
                     str(response.profile_value("pmo_name") or ""), spooled=spool)


def assess_office(job: tuple[OfficeGroup, str, str]) -> OfficeResult:
    """Assess an office's workbooks (as the survey read them) and write its reports."""
    group, stem, outdir = job
    try:
        return _assess_office(group, stem, Path(outdir))
    except AssessorError as exc:
        return OfficeResult(stem, group.label, group.files, group.organisation, group.pmo_name, error=_first_line(exc))
    except Exception as exc:  # noqa: BLE001
        return OfficeResult(stem, group.label, group.files, group.organisation, group.pmo_name,
                            error=f"{group.label}: could not be assessed ({type(exc).__name__}: {exc})")


def _assess_office(group: OfficeGroup, stem: str, outdir: Path) -> OfficeResult:
    from assessor import api
    from assessor.findings import SEVERITY_ORDER
    from assessor.questionnaire.reader import submission_of

    options: Options = _WORKER["options"]
    assessor = _WORKER["assessor"]
    import pickle

    responses = []
    for spooled in group.spooled:  # read and checked by survey()
        with open(spooled, "rb") as f:
            responses.append(pickle.load(f))
    base = dict(stem=stem, label=group.label, files=group.files, organisation=group.organisation,
                pmo_name=group.pmo_name)
    try:
        submission = submission_of(responses, assessor.bank)
    except InputError as exc:
        return OfficeResult(**base, error=_first_line(exc))
    assessment = assessor.assess_submission(submission)
    data = assessment.to_dict()
    from assessor.output import publish
    from assessor.reports import reporter

    written = []
    for fmt in options.formats:  # the folder and the names were checked once, before any work (run)
        target = outdir / f"{stem}{EXTENSIONS[fmt]}"
        made = reporter(fmt).render(data)
        try:
            publish(target, made.encode("utf-8") if isinstance(made, str) else made, options.force)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write the report: {exc.strerror or exc}") from None
        written.append(target.name)
    saved = ""
    if options.save:
        if _WORKER["store"] is None:
            _WORKER["store"] = api.open_store(options.db)
        result = _WORKER["store"].save(assessment)
        saved = f"{result.status}: assessment {result.id}"
    counts = {s: 0 for s in SEVERITY_ORDER}
    for f in data["findings"]:
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    c, m = data["classification"], data["maturity"]
    org = data["organisation"]
    return OfficeResult(**{**base, "organisation": org.get("organisation") or group.organisation,
                           "pmo_name": org.get("pmo_name") or group.pmo_name},
                        model=c["model"], tier=c["tier"], tier_name=c["tier_name"], overall=m["overall"]["level"],
                        score=m["overall"]["score"],
                        dimensions=tuple((d["id"], d["name"], d["level"]) for d in m["dimensions"]),
                        findings=tuple(counts.items()), reports=tuple(written), saved=saved)


class _Workers:
    """The worker processes, each with its assessor, and each item's result as it finishes.

    A worker that dies (killed, out of memory in a library's native code) would leave
    ``multiprocessing.Pool`` waiting for ever; ``concurrent.futures`` says so instead. The items the
    dead worker's pool still had are then tried again one at a time, each in a fresh worker, so that
    only the item that kills its worker fails. ``-j 1`` runs the same calls in this process."""

    def __init__(self, options: Options, jobs: int):
        self.options, self.jobs, self.executor = options, jobs, None
        if jobs == 1:
            _start(options, in_process=True)

    def _fresh(self, jobs: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(), initializer=_start,
                                   initargs=(self.options,))

    def each(self, func, items: list, lost):
        """func(item) for every item, in the order they finish; ``lost(item)`` for one that killed its worker."""
        if self.jobs == 1:
            yield from map(func, items)
            return
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        if self.executor is None:
            self.executor = self._fresh(self.jobs)
        futures = {self.executor.submit(func, item): i for i, item in enumerate(items)}
        again = []
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                again.append(futures[future])
        if not again:
            return
        self.executor.shutdown(wait=False)
        self.executor = None
        for i in sorted(again):  # alone in a fresh worker each: only the culprit fails
            single = self._fresh(1)
            try:
                yield single.submit(func, items[i]).result()
            except BrokenProcessPool:
                yield lost(items[i])
            finally:
                single.shutdown(wait=True)

    def stop(self) -> None:
        """No new work; the workers finish the item they are on (its report published whole) and exit."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


_DIED = "the worker process stopped while {} this file (killed, or out of memory); it was skipped"


def _lost_survey(job: tuple[str, str]) -> Placement:
    return Placement(job[0], error=f"{job[0]}: {_DIED.format('reading')}")


def _lost_office(job) -> OfficeResult:
    group, stem, _ = job
    return OfficeResult(stem, group.label, group.files, group.organisation, group.pmo_name,
                        error=f"{group.label}: {_DIED.format('assessing')}")


# -- the batch -----------------------------------------------------------------------------------------

def run(paths: list[Path], outdir: Path, options: Options, jobs: int | None = None, by_folder: bool = False,
        progress=None) -> Batch:
    """Assess every office under ``paths`` into ``outdir``. ``progress(phase, done, total, current)``
    is told of each file surveyed and each office assessed."""
    started = time.perf_counter()
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"{outdir}: not a folder (batch writes one report per office into a folder)")
    from assessor import paths as shipped
    from assessor.output import check_folder

    rule_folders = [Path(p) for p in (options.rules or [shipped.rules_dir()])] + [Path(p) for p in options.extra_rules]
    check_folder(outdir / f"{PORTFOLIO}.xlsx", outdir, rule_folders)  # before the folder is made
    files = [str(p) for p in discover.workbooks(list(paths), exclude=outdir)]
    if not files:
        raise InputError("no workbooks found: expected .xlsx files in " + ", ".join(str(p) for p in paths))
    outdir.mkdir(parents=True, exist_ok=True)
    batch = Batch(files=len(files))
    if options.save:
        from assessor import api
        api.open_store(options.db, _note_store).close()   # made or migrated once, before the workers
    jobs = max(1, jobs or os.cpu_count() or 1)
    spool = Path(tempfile.mkdtemp(prefix="pmo-assess-batch-"))
    workers = _Workers(options, min(jobs, len(files)))
    try:
        placements = []
        surveys = [(path, str(spool / f"{i}.pickle")) for i, path in enumerate(files)]
        for placement in workers.each(survey, surveys, _lost_survey):
            placements.append(placement)
            if progress:
                progress("reading", len(placements), len(files), placement.path)
        placements.sort(key=lambda p: p.path)
        groups, unplaced = (grouping.by_folder if by_folder else grouping.by_profile)(placements)
        del placements
        batch.failed.extend((p.path, p.error) for p in unplaced)
        stems = names.unique_stems([g.label for g in groups])
        _refuse_existing(outdir, stems, options, files)
        jobs_list = [(g, s, str(outdir)) for g, s in zip(groups, stems)]
        for result in workers.each(assess_office, jobs_list, _lost_office):
            batch.offices.append(result)
            if progress:
                progress("assessing", len(batch.offices), len(groups), result.files[-1])
    except KeyboardInterrupt:
        batch.interrupted = True
    finally:
        workers.stop()
        shutil.rmtree(spool, ignore_errors=True)
        from assessor.output import sweep_temporaries
        sweep_temporaries(outdir)
    order = {s: i for i, s in enumerate(sorted(r.stem for r in batch.offices))}
    batch.offices.sort(key=lambda r: order[r.stem])
    for r in batch.offices:
        if r.error:
            batch.failed.extend((f, r.error) for f in r.files)
    batch.failed.sort()
    if not batch.interrupted:
        from assessor.portfolio.workbook import write_portfolio
        batch.written = write_portfolio(batch, outdir, options)
    batch.seconds = time.perf_counter() - started
    return batch


def _note_store(line: str) -> None:
    import sys

    print(line, file=sys.stderr)


def _refuse_existing(outdir: Path, stems: list[str], options: Options, files: list[str]) -> None:
    """Before any work, once for the batch: no report may replace an input, and reports already in the
    folder are replaced only with --force (the folder itself was checked before it was made)."""
    wanted = [outdir / f"{s}{EXTENSIONS[f]}" for s in stems for f in options.formats]
    wanted += [outdir / f"{PORTFOLIO}.xlsx"] + ([outdir / f"{PORTFOLIO}.json"] if "json" in options.formats else [])
    inputs = {Path(f).resolve() for f in files}
    for target in wanted:
        if target.resolve() in inputs:
            raise OutputError(f"{target}: refusing to write over an input file; choose another output folder")
    if options.force:
        return
    there = [p for p in wanted if p.exists() or p.is_symlink()]
    if there:
        shown = ", ".join(p.name for p in there[:3]) + (f" and {len(there) - 3} more" if len(there) > 3 else "")
        raise OutputError(f"{outdir}: {len(there)} report(s) already there ({shown}): use --force to replace them, "
                          "or another folder")
