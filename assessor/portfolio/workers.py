"""The batch's worker processes: each builds its assessor once, reads files (survey) and assesses
offices (assess_office); ``Workers`` runs them and survives a worker that dies."""
from __future__ import annotations

import signal
from pathlib import Path

from assessor.errors import AssessorError, OutputError
from assessor.portfolio.grouping import OfficeGroup, Placement
from assessor.portfolio.records import EXTENSIONS, OfficeResult, Options

_WORKER: dict = {}
# With the collector's thresholds raised (below), its full pass comes seldom. An assessment leaves no
# cycles behind (graph_views), but an office that fails does (its exception's traceback holds the frames
# that hold it), and so may a client's extra rules: a full pass this often keeps memory flat for a few ms.
COLLECT_EVERY = 100


def _start(options: Options, in_process: bool = False) -> None:
    """Build this worker's assessor once (a child ignores Ctrl-C: the parent stops it)."""
    if not in_process:  # first, before the imports: a Ctrl-C while they run must not give a traceback
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    from assessor.api import Assessor

    assessor = Assessor(list(options.rules) or None, list(options.extra_rules), options.questionnaire, options.engine)
    _WORKER.update(options=options, assessor=assessor, store=None, assessed=0)
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
    import hashlib
    import pickle

    from assessor.questionnaire.office import respondent_order
    from assessor.questionnaire.reader import read_response

    path, spool = job
    try:
        response = read_response(path, _WORKER["assessor"].bank)
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except AssessorError as exc:
        from assessor.portfolio.discover import is_report

        if is_report(Path(path)):  # asked only of a file that is no questionnaire: costs nothing otherwise
            return Placement(path, report=True)
        return Placement(path, error=_first_line(exc))
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop a portfolio of two hundred
        return Placement(path, error=f"{path}: could not be read ({type(exc).__name__}: {exc})")
    with open(spool, "wb") as f:
        pickle.dump(response, f, protocol=pickle.HIGHEST_PROTOCOL)
    return Placement(path, str(response.profile_value("organisation") or ""),
                     str(response.profile_value("pmo_name") or ""), spooled=spool,
                     order=respondent_order(response, digest))


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
    """(An AssessorError here, such as workbooks that are not one office's, is the office's error.)"""
    import pickle

    from assessor import api
    from assessor.findings import SEVERITY_ORDER
    from assessor.output import publish
    from assessor.questionnaire.reader import submission_of
    from assessor.reports import render_bytes, reporter

    options: Options = _WORKER["options"]
    assessor = _WORKER["assessor"]
    responses = []
    for spooled in group.spooled:  # read and checked by survey()
        with open(spooled, "rb") as f:
            responses.append(pickle.load(f))
    base = dict(stem=stem, label=group.label, files=group.files, organisation=group.organisation,
                pmo_name=group.pmo_name)
    assessment = assessor.assess_submission(submission_of(responses, assessor.bank, not options.by_folder))
    data = assessment.to_dict()
    if group.organisations:  # a folder of several organisations' workbooks: its reports name the folder
        data["organisation"] = {**data["organisation"], "organisation": group.organisation,
                                "pmo_name": group.pmo_name or None}
    _WORKER["assessed"] += 1
    if _WORKER["assessed"] % COLLECT_EVERY == 0:
        import gc

        gc.collect()
    written = []
    for fmt in options.formats:  # the folder and the names were checked once, before any work (run)
        target = outdir / f"{stem}{EXTENSIONS[fmt]}"
        try:
            publish(target, render_bytes(reporter(fmt), data), options.force)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write the report: {exc.strerror or exc}") from None
        written.append(target.name)
    saved = ""
    if options.save and group.organisations:
        saved = f"not saved: {_not_saved(group)}"
    elif options.save:
        if _WORKER["store"] is None:
            _WORKER["store"] = api.open_store(options.db, create=True)
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
                        findings=tuple(counts.items()), reports=tuple(written), saved=saved,
                        warnings=tuple(assessment.submission.warnings))


def _not_saved(group: OfficeGroup) -> str:
    """Why a folder's office of several organisations is kept out of the store: saved under one of them
    it would be another assessment of that client (its history jumping to another office's levels on
    one date); saved under the folder's name, an office no client has, named by how the batch was run,
    and a peer in every benchmark."""
    from assessor.errors import quote

    named = "; ".join(f"{quote(name)}: {', '.join(files)}" for name, files in group.organisations)
    return (f"{group.label}: its workbooks name {len(group.organisations)} organisations ({named}), and the store "
            "keeps each organisation's own history: its reports are written; to save, run the batch without "
            "--by-folder (an office per organisation), or make the Profiles name one organisation")


class Workers:
    """The worker processes, each with its assessor, and each item's result as it finishes.

    A worker that dies (killed, out of memory in a library's native code) would leave
    ``multiprocessing.Pool`` waiting for ever; ``concurrent.futures`` says so instead. The items the
    dead worker's pool still had are then tried again one at a time, each in a fresh worker, so that
    only the item that kills its worker fails. ``-j 1`` runs the same calls in this process."""

    def __init__(self, options: Options, jobs: int):
        self.options, self.jobs, self.executor, self._left = options, jobs, None, {}
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
            for item in items:  # as a worker does, Ctrl-C lets the item finish (an office's reports whole)
                with _finishing() as interrupted:
                    result = func(item)
                yield result
                if interrupted:
                    raise KeyboardInterrupt
            return
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        if self.executor is None:
            self.executor = self._fresh(self.jobs)
        with _finishing() as interrupted:  # the workers are forked here: they start with Ctrl-C held back too
            futures = {self.executor.submit(func, item): i for i, item in enumerate(items)}
        self._left = futures  # what a Ctrl-C leaves: finished() collects what the workers still complete
        if interrupted:
            raise KeyboardInterrupt
        again = []
        for future in as_completed(futures):
            i = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                again.append(i)
            else:
                yield result
            # Let go of it only once the caller has it (as_completed lets go of a yielded future too): a
            # Ctrl-C between the two would lose a finished office from the count, its report on disk.
            futures.pop(future, None)
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

    def finished(self) -> list:
        """After ``stop``: the results of the items the workers completed that the caller may not have had
        (never yielded, or yielded as the Ctrl-C came: the caller sets aside what it already has)."""
        return [future.result() for future in self._left if future.done() and not future.cancelled()
                and future.exception() is None]

    def stop(self) -> None:
        """No new work; the workers finish the item they are on (its report published whole) and exit."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


class _finishing:
    """Ctrl-C held back until the block ends (truthy then), in the main thread; elsewhere nothing changes."""

    def __enter__(self):
        import threading

        self.got, self.previous = False, None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._note)
        return self

    def _note(self, signum, frame) -> None:
        self.got = True

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)

    def __bool__(self) -> bool:
        return self.got


_DIED = "the worker process stopped while {} this file (killed, or out of memory); it was skipped"


def lost_survey(job: tuple[str, str]) -> Placement:
    return Placement(job[0], error=f"{job[0]}: {_DIED.format('reading')}")


def lost_office(job) -> OfficeResult:
    group, stem, _ = job
    return OfficeResult(stem, group.label, group.files, group.organisation, group.pmo_name,
                        error=f"{group.label}: {_DIED.format('assessing')}")
