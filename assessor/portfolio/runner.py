"""Running a batch: read every file in the workers (one assessor per worker, built once), group the
offices by what the files say, assess each office in a worker and write its reports, then the
portfolio workbook.

A file that cannot be read or placed is recorded with its first error and skipped; its office goes on
with its other respondents. Reports are published atomically, so Ctrl-C (which stops the workers)
leaves the finished reports and no partial file.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from assessor.errors import InputError, OutputError
from assessor.paths import real_path
from assessor.portfolio import discover, grouping, names
from assessor.portfolio.records import EXTENSIONS, PORTFOLIO, Batch, Options
from assessor.portfolio.workers import Workers, assess_office, lost_office, lost_survey, survey

__all__ = ["Batch", "Options", "run"]


def run(paths: list[Path], outdir: Path, options: Options, jobs: int | None = None, progress=None) -> Batch:
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
    _refuse_input_folder(outdir, list(paths), files)
    made = not outdir.exists()
    outdir.mkdir(parents=True, exist_ok=True)
    batch = Batch(files=len(files))
    if options.save:
        from assessor import api
        api.open_store(options.db, _note_store, create=True).close()   # made or migrated once, before the workers
    jobs = max(1, jobs or os.cpu_count() or 1)
    spool = Path(tempfile.mkdtemp(prefix="pmo-assess-batch-"))
    workers = Workers(options, min(jobs, len(files)))
    pool: dict = {}  # one copy of each (dimension, level) and count the rows share
    assessing = False
    try:
        placements = []
        surveys = [(path, str(spool / f"{i}.pickle")) for i, path in enumerate(files)]
        for placement in workers.each(survey, surveys, lost_survey):
            placements.append(placement)
            if progress:
                progress("reading", len(placements), len(files), placement.path)
        placements.sort(key=lambda p: p.path)
        # An earlier batch's reports in a subfolder (clients/2026-03 while this one writes clients/2026-09)
        # are no client's workbooks: skipped and said, not failed.
        batch.reports = [p.path for p in placements if p.report]
        placements = [p for p in placements if not p.report]
        batch.files -= len(batch.reports)
        if not placements:
            if made:  # nothing was written: the folder this run made goes too
                with contextlib.suppress(OSError):
                    outdir.rmdir()
            raise InputError("no questionnaire workbooks found: every workbook in " + ", ".join(str(p) for p in paths)
                             + f" is a report pmo-assess wrote ({len(batch.reports)}, such as {batch.reports[0]})")
        groups, unplaced = (grouping.by_folder if options.by_folder else grouping.by_profile)(placements)
        del placements
        batch.failed.extend((p.path, p.error) for p in unplaced)
        # an organisation whose name no file name can keep (all emoji) is named by its first workbook
        labels = [g.label if options.by_folder or names.readable(g.organisation) else
                  f"{Path(g.files[0]).stem} / {g.pmo_name}" for g in groups]
        stems = names.unique_stems(labels, [Path(g.files[0]).stem for g in groups])
        _refuse_existing(outdir, stems, options, files)
        jobs_list = [(g, s, str(outdir)) for g, s in zip(groups, stems)]
        assessing = True
        for result in workers.each(assess_office, jobs_list, lost_office):
            batch.offices.append(result.sharing(pool))
            if progress:
                progress("assessing", len(batch.offices), len(groups), result.files[-1])
    except KeyboardInterrupt:
        batch.interrupted = True
        workers.stop()  # the workers finish the offices they had: those are kept, and counted
        if assessing:
            kept = {r.stem for r in batch.offices}  # (each office has its own report name)
            batch.offices.extend(r.sharing(pool) for r in workers.finished() if r.stem not in kept)
    finally:
        workers.stop()
        shutil.rmtree(spool, ignore_errors=True)
        from assessor.output import sweep_temporaries
        sweep_temporaries(outdir)
    batch.offices.sort(key=lambda r: names.sort_key(r.stem))
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


def _refuse_input_folder(outdir: Path, paths: list[Path], files: list[str]) -> None:
    """The reports may not go among the client workbooks. In a folder the batch reads, the next batch
    over it would read them as workbooks (and fail them); in a folder inside one, the batch skips the
    output folder when reading, so the workbooks there would silently not be assessed. A folder inside
    holding only our own earlier reports (the same -o again) is fine, and still skipped."""
    if not outdir.is_dir():
        return
    here = real_path(outdir)
    folders = {real_path(p) for p in paths if Path(p).is_dir()}

    def read_back(file: str) -> bool:  # a workbook read from the output folder itself, or below it when given
        parent = real_path(Path(file).parent)
        return parent == here or (here in folders and here in parent.parents)

    mixed = next((real_path(Path(f).parent) / Path(f).name for f in files if read_back(f)), None)
    why = "the reports would be mixed with them and read as workbooks by the next batch"
    read = {real_path(f) for f in files}  # (a folder inside the output folder may be given as well)

    def foreign(found) -> Path | None:  # the first workbook there that this run does not read and we did not write
        return next((real_path(f.parent) / f.name for f in found if real_path(f) not in read and not discover.is_report(f)),
                    None)

    if mixed is None and folders.intersection(here.parents):
        mixed = foreign(discover.under(outdir))
        why = ("a batch does not read its own output folder, so they would not be assessed, and the reports "
               "would be mixed with them")
    elif mixed is None:  # an existing folder of client workbooks this run does not read (a parent of the input)
        mixed = foreign(f for f in sorted(outdir.iterdir()) if discover.is_workbook_name(f.name) and f.is_file())
        why = "the reports would be mixed with them, and a batch over the folder would read the reports as workbooks"
    if mixed is not None:
        raise OutputError(f"{outdir}: the output folder holds input workbooks ({os.path.relpath(mixed, here)}); "
                          f"{why}: choose another folder (a new one, or a subfolder such as {outdir / 'reports'}, "
                          "which a batch skips when reading)")


def _refuse_existing(outdir: Path, stems: list[str], options: Options, files: list[str]) -> None:
    """Before any work, once for the batch: no report may replace an input, and reports already in the
    folder are replaced only with --force (the folder itself was checked before it was made)."""
    wanted = [outdir / f"{s}{EXTENSIONS[f]}" for s in stems for f in options.formats]
    wanted += [outdir / f"{PORTFOLIO}.xlsx"] + ([outdir / f"{PORTFOLIO}.json"] if "json" in options.formats else [])
    inputs = {real_path(f) for f in files}
    for target in wanted:
        if real_path(target) in inputs:
            raise OutputError(f"{target}: refusing to write over an input file; choose another output folder")
    if options.force:
        return
    there = [p for p in wanted if p.exists() or p.is_symlink()]
    if there:
        shown = ", ".join(p.name for p in there[:3]) + (f" and {len(there) - 3} more" if len(there) > 3 else "")
        raise OutputError(f"{outdir}: {len(there)} report(s) already there ({shown}): use --force to replace them, "
                          "or another folder")
