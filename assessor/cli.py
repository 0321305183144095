"""The ``pmo-assess`` command line: parse, call the library, map errors to exit codes.

Exit codes: 0 success; 2 bad input or usage (a message says where and what).
Heavy libraries are imported inside the commands so ``--help`` stays fast.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from assessor import __version__
from assessor.errors import AssessorError
from assessor.terminal import shown, shown_lines

EXIT_INPUT = 2


def user_errors(func):
    """Print user errors as readable lines and exit 2; let real bugs keep their traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except AssessorError as exc:
            for line in exc.lines():
                click.echo(line, err=True)
            if exc.problems and (len(exc.problems) > 1 or exc.consequence):
                errors = sum(1 for p in exc.problems if p.severity == "error")
                click.echo(f"{errors} error(s); {exc.consequence or 'nothing was assessed'}.", err=True)
            sys.exit(EXIT_INPUT)

    return wrapper


QUESTIONNAIRE = click.option("--questionnaire", "-q", metavar="ID|PATH", default=None,
                             help="Question bank: a shipped id (default pmo-core) or a path to a .yaml file.")


class _Commands(click.Group):
    """A group whose command list shows each command's whole first sentence, wrapped: click cuts it
    to the terminal's width with "..." otherwise."""

    def format_commands(self, ctx, formatter):
        rows = [(name, command.get_short_help_str(limit=200)) for name, command in
                ((n, self.get_command(ctx, n)) for n in self.list_commands(ctx)) if command and not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pmo-assess")
def cli():
    """Assess a Project Management Office from questionnaire workbooks.

    \b
    Typical use:
      pmo-assess template -o questionnaire.xlsx     # send to the client
      pmo-assess validate filled-1.xlsx filled-2.xlsx
      pmo-assess assess filled-1.xlsx filled-2.xlsx -o report.json
      pmo-assess rules list
    Exit codes: 0 ok, 1 findings at or above --fail-on, 2 bad input or usage.
    Data (reports, tables) goes to stdout; messages (what was written, warnings, errors) to stderr.
    """


@cli.command()
@QUESTIONNAIRE
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the template (.xlsx).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@user_errors
def template(questionnaire, output, force):
    """Write the questionnaire workbook to send to respondents."""
    from assessor import api

    api.write_template(output, questionnaire, force=force)
    click.echo(f"wrote {shown(output)}", err=True)


@cli.command()
@QUESTIONNAIRE
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@user_errors
def validate(questionnaire, files):
    """Check filled workbooks; list every problem with its cell.

    Several FILES are several respondents' workbooks for one PMO.
    """
    from assessor import api

    submission = api.read_workbooks(list(files), questionnaire)
    for warning in submission.warnings:
        click.echo(str(warning), err=True)
    for response in submission.responses:
        answered = sum(1 for a in response.answers if a.status == "answered")
        holders = sum(1 for r in response.roles if r.holders)
        click.echo(f"{shown(response.source)}: valid: {answered} of {len(response.answers)} questions answered, "
                   f"{holders} roles held, {len(response.assignments)} RACI assignments")


ENGINE = click.option("--engine", type=click.Choice(["durable", "python"]), default=None, envvar="PMO_ASSESS_ENGINE",
                      show_envvar=True,
                      help="Rule engine: durable (durable-rules, the default where it is installed) or python "
                           "(plain Python, the same conclusions; used automatically where durable-rules is not installed).")

DB = click.option("--db", metavar="URL", default=None, envvar="PMO_ASSESS_DB", show_envvar=True,
                  help="The assessment store: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB "
                       "(default: a SQLite file in your data folder).")


def _note(line: str) -> None:
    click.echo(line, err=True)


FAIL_ON = click.option("--fail-on", type=click.Choice(["critical", "high", "medium", "low", "info"]), default=None,
                       help="Exit 1 when there is a finding of this severity or worse.")

RULES_OPTION = click.option("--rules", "rules", multiple=True, type=click.Path(file_okay=False, path_type=Path),
                            help="Rule folder to use instead of the shipped rules/ (repeatable).")


@cli.command()
@QUESTIONNAIRE
@RULES_OPTION
@click.option("--extra-rules", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Rule folder added to the rule base (repeatable): a consultant's own rule pack.")
@click.option("--format", "fmt", type=click.Choice(["console", "json", "xlsx", "html", "pdf"]), default=None,
              help="The report's format (default: from -o's extension, else console).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Write the report to this file (format from the extension: .json, .xlsx, .html, .pdf); "
                   "'-' writes JSON to stdout.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@FAIL_ON
@click.option("--targets", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML file of target levels per dimension (default: one level above the current one).")
@ENGINE
@click.option("--save", is_flag=True, help="Keep the assessment in the store, for history, compare and benchmark.")
@DB
@click.option("--plan", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="An earlier .xlsx report: carry the Owner, Due and Status of its Findings sheet forward to the "
                   "findings that persist, and list the ones resolved.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@user_errors
def assess(questionnaire, rules, extra_rules, fmt, output, force, fail_on, targets, engine, save, db, plan, files):
    """Assess one PMO from its respondents' workbooks: type, tier, maturity, findings."""
    from assessor import api
    from assessor.findings import SEVERITY_ORDER
    from assessor.reports import for_output

    to_stdout = output is not None and str(output) == "-"
    if to_stdout:
        output, fmt = None, fmt or "json"
    fmt = for_output(output, fmt)
    if output is None and fmt in ("xlsx", "pdf"):
        from assessor.errors import OutputError
        kind = "an Excel report" if fmt == "xlsx" else "a PDF"
        raise OutputError(f"{kind} needs a file: add -o report.{fmt}")
    assessor = api.Assessor(list(rules) or None, list(extra_rules), questionnaire, engine)
    inputs = assessor.inputs(files, targets) + ([plan] if plan else [])  # the plan is read, never replaced
    if output is not None:
        from assessor.output import check_target
        check_target(output, inputs, force, assessor.rule_folders)  # refuse before reading the workbooks
    earlier = api.read_plan(plan) if plan is not None else None
    if assessor.engine_notice:
        click.echo(assessor.engine_notice, err=True)
    assessment = assessor.assess(list(files), targets)
    data = assessment.to_dict()
    for warning in assessment.submission.warnings:
        click.echo(str(warning), err=True)
    if earlier is not None:
        for warning in earlier.warnings:
            click.echo(str(warning), err=True)
        carried = api.carry_plan(data, earlier, db, use_store=save or db is not None)["plan"]
        click.echo(f"plan from {shown(plan)}: {len(carried['persisting'])} persisting finding(s) carried forward, "
                   f"{len(carried['resolved'])} resolved, {len(carried['new'])} new", err=True)
    if save:
        saved = api.save(assessment, db, _note)
        click.echo(f"{saved.status}: assessment {saved.id} of {shown(saved.office)}", err=True)
    if output is None:
        click.echo(api.render_report(data, fmt), nl=False)
    else:
        api.write_report(data, output, fmt, inputs, force, assessor.rule_folders)
        click.echo(f"wrote {shown(output)}", err=True)
    if fail_on:
        at_or_above = sum(SEVERITY_ORDER[f["severity"]] <= SEVERITY_ORDER[fail_on] for f in data["findings"])
        if at_or_above:  # said, so that a build log shows why the step failed
            click.echo(f"--fail-on {fail_on}: {at_or_above} finding(s) at or above {fail_on} (exit 1)", err=True)
            sys.exit(1)


class _Only(click.Command):
    """``--only person NAME`` and ``--only family ID`` as two words (also ``--only=person NAME``): made
    one value, person:NAME. A next word that is an option (``--force``) is left alone, and the filter
    then says what it expected."""

    def parse_args(self, ctx, args):
        out, i = [], 0
        while i < len(args):
            word = args[i]
            kind = args[i + 1] if word == "--only" and i + 1 < len(args) else \
                (word.partition("=")[2] if word.startswith("--only=") else None)
            step = 2 if word == "--only" else 1
            if kind in ("person", "family") and i + step < len(args) and not args[i + step].startswith("-"):
                out += ["--only", f"{kind}:{args[i + step]}"]
                i += step + 1
                continue
            out.append(word)
            i += 1
        return super().parse_args(ctx, out)


@cli.command(cls=_Only)
@QUESTIONNAIRE
@RULES_OPTION
@click.option("--extra-rules", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Rule folder added to the rule base (repeatable).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), required=True,
              help="Output file: .graphml (yEd, Gephi), .gexf (Gephi), .dot (Graphviz) or .json (node-link); "
                   "'-' writes the node-link JSON to stdout.")
@click.option("--only", metavar="gaps|person NAME|family ID", default=None,
              help="Only the gaps (and what they touch), one person's roles, responsibilities and reporting "
                   "line, or one function family's responsibilities, roles and people.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@ENGINE
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@user_errors
def graph(questionnaire, rules, extra_rules, output, only, force, engine, files):
    """Export the responsibility graph (people, roles, responsibilities, reporting lines) with gaps marked.

    \b
      pmo-assess graph office.xlsx -o office.dot && dot -Tpng office.dot -o office.png
      pmo-assess graph office.xlsx -o gaps.dot --only gaps
      pmo-assess graph office.xlsx -o alex.dot --only person "Alex Morgan"
      pmo-assess graph office.xlsx -o governance.dot --only family governance
    """
    from assessor import api
    from assessor.rulebase import engines

    notice = engines.choose(engine).notice
    if notice:
        click.echo(notice, err=True)
    if str(output) == "-":
        click.echo(api.graph_json(list(files), list(rules) or None, list(extra_rules), questionnaire, engine,
                                  only).decode("utf-8"), nl=False)
        return
    written = api.export_graph(list(files), output, list(rules) or None, list(extra_rules), questionnaire, force,
                               engine, only)
    click.echo(f"wrote {shown(written)}", err=True)


def _complete_formats(ctx, param, incomplete: str):
    """Shell completion of a comma-separated list: the formats not yet given, after those that are."""
    from click.shell_completion import CompletionItem

    from assessor.portfolio.records import BATCH_FORMATS

    done, _, last = incomplete.rpartition(",")
    given = {f for f in done.split(",") if f}
    prefix = done + "," if done else ""
    return [CompletionItem(prefix + f) for f in BATCH_FORMATS if f not in given and f.startswith(last)]


def _formats(ctx, param, value: str) -> tuple[str, ...]:
    from assessor.portfolio.records import BATCH_FORMATS

    chosen = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    wrong = [v for v in chosen if v not in BATCH_FORMATS]
    if wrong or not chosen:
        raise click.BadParameter(f"{', '.join(wrong) or 'nothing'}: expected a comma-separated list of xlsx, html, json")
    return chosen


@cli.command()
@QUESTIONNAIRE
@RULES_OPTION
@click.option("--extra-rules", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Rule folder added to the rule base (repeatable).")
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the reports (one per office, format per --format) and portfolio.xlsx.")
@click.option("--format", "formats", default="xlsx", show_default=True, callback=_formats,
              shell_complete=_complete_formats,
              help="Reports to write for each office: any of xlsx, html, json, comma-separated.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: one per CPU).")
@click.option("--by-folder", is_flag=True, help="One office per folder, whatever the Profiles say.")
@click.option("--save", is_flag=True, help="Keep every assessment in the store.")
@DB
@click.option("--force", is_flag=True, help="Replace reports already in the output folder.")
@FAIL_ON
@click.option("--quiet", is_flag=True, help="No progress bar.")
@ENGINE
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@user_errors
def batch(questionnaire, rules, extra_rules, outdir, formats, jobs, by_folder, save, db, force, fail_on, quiet, engine,
          paths):
    """Assess a whole portfolio: every workbook under PATHS, grouped into offices by their Profile's
    organisation and PMO name, each office's reports and a portfolio workbook in the output folder.

    \b
      pmo-assess batch clients/ -o out/
      pmo-assess batch clients/ -o out/ --format xlsx,json --save -j 4
    Exit codes: 0 all assessed, 1 a finding at or above --fail-on, 2 a file could not be assessed (or,
    with --save, an office could not be saved).
    """
    from assessor.findings import SEVERITY_ORDER
    from assessor.portfolio.runner import Options, run

    options = Options(formats, save, db, force, tuple(rules), tuple(extra_rules), questionnaire, engine, by_folder)
    bars = _Progress(enabled=not quiet and sys.stderr.isatty())
    try:
        result = run(list(paths), outdir, options, jobs, bars.update)
    finally:
        bars.close()
    for file, error in result.failed:  # each line names its own file (an office's error may quote several)
        click.echo(f"failed: {shown(error)}" if shown(error).startswith(f"{shown(file)}:")
                   else f"failed: {shown(file)}: {shown(error)}", err=True)
    offices = sum(r.assessed for r in result.offices)
    if result.interrupted:
        click.echo(f"interrupted: {offices} office report(s) kept in {shown(outdir)}; no portfolio written", err=True)
        sys.exit(130)
    if result.reports:
        click.echo(f"skipped: {len(result.reports)} workbook(s) pmo-assess wrote, not questionnaires (an earlier "
                   f"batch's reports, such as {shown(result.reports[0])})", err=True)
    warned = [w for r in result.offices for w in r.warnings]  # each line names its file and cell
    for warning in warned[:BATCH_WARNINGS_SHOWN]:
        click.echo(str(warning), err=True)
    if len(warned) > BATCH_WARNINGS_SHOWN:
        click.echo(f"... and {len(warned) - BATCH_WARNINGS_SHOWN} more warning(s): the Warnings sheet of portfolio.xlsx "
                   "lists every one", err=True)
    stored = ""
    if save:  # "saved: assessment 7", "already stored: ...", "updated: ...", "not saved: why" per office
        status = [r.saved.partition(":")[0] for r in result.offices if r.saved]
        for r in result.offices:
            if r.saved.startswith("not saved:"):
                click.echo(shown(r.saved), err=True)
        stored = (f"; {status.count('saved')} saved to the store, {status.count('already stored')} already there"
                  + (f", {status.count('updated')} updated" if "updated" in status else "")
                  + (f", {status.count('not saved')} not saved (workbooks of several organisations)"
                     if "not saved" in status else ""))
    click.echo(f"batch: {offices} office(s) from {result.files} file(s), {len(result.failed)} failed, "
               + (f"{len(warned)} workbook warning(s), " if warned else "") + "in "
               f"{result.seconds:.1f} s; reports and portfolio.xlsx in {shown(outdir)}{stored}", err=True)
    if result.failed or any(r.saved.startswith("not saved:") for r in result.offices):
        sys.exit(EXIT_INPUT)
    if fail_on:
        failing = [r for r in result.offices if any(SEVERITY_ORDER[s] <= SEVERITY_ORDER[fail_on] and n for s, n in r.findings)]
        if failing:
            named = ", ".join(shown(r.label) for r in failing[:5]) + (f" and {len(failing) - 5} more" if len(failing) > 5 else "")
            click.echo(f"--fail-on {fail_on}: {len(failing)} office(s) with findings at or above {fail_on}: {named} (exit 1)",
                       err=True)
            sys.exit(1)


# A portfolio of two hundred workbooks may warn about many cells: the first lines go to the console,
# every one to the portfolio's Warnings sheet.
BATCH_WARNINGS_SHOWN = 20


class _Progress:
    """tqdm bars on stderr, one per phase, with the current file and the time left."""

    def __init__(self, enabled: bool):
        self.enabled, self.bar, self.phase = enabled, None, None

    def update(self, phase: str, done: int, total: int, current: str) -> None:
        if not self.enabled:
            return
        if phase != self.phase:
            self.close()
            import shutil

            from tqdm import tqdm

            # a terminal that reports no size (a bare pty) would get an empty or a hidden bar: 100 x 24 then
            size = shutil.get_terminal_size((100, 24))
            self.bar, self.phase = tqdm(total=total, desc=phase, unit="file" if phase == "reading" else "office",
                                        file=sys.stderr, leave=False, ncols=size.columns or 100,
                                        nrows=size.lines or 24), phase
        self.bar.set_postfix_str(shown(Path(current).name)[:40], refresh=False)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@cli.command()
@DB
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Write the office's history with a trend chart (.xlsx, .html or .json; '-': JSON to stdout); "
                   "without it a table is printed.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.argument("organisation", required=False)
@user_errors
def history(db, output, force, organisation):
    """The stored offices, or one office's assessments: date, type, tier, overall, each dimension's level.

    ORGANISATION is the organisation's name (or an alias), or 'ORGANISATION / PMO NAME'.
    """
    from assessor import api
    from assessor.reports import tables

    if organisation is None and output is not None:
        raise AssessorError("history -o writes one office's history: name the ORGANISATION "
                            "(`pmo-assess history` lists the stored offices)")
    with api.open_store(db, _note) as store:
        if organisation is None:
            click.echo(tables.offices(store.offices()), nl=False)
            return
        document = api.history_document(store, organisation)
    if output is None:
        click.echo(tables.history(document), nl=False)
    else:
        _write(document, output, force)


class _Sides(click.Command):
    """``compare A -- B``: click drops a ``--``, so it is kept as a marker between the two sides."""

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, [SIDES if a == "--" else a for a in args])


SIDES = "\x00--"


@cli.command(cls=_Sides)
@DB
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Write the comparison with a before/after chart (.xlsx, .html or .json; '-': JSON to stdout); "
                   "without it a table is printed.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.argument("sides", nargs=-1, required=True)
@user_errors
def compare(db, output, force, sides):
    """What moved between two assessments: type, tier, levels, scores, findings new, resolved, persisting.

    \b
    Each side is a stored assessment id (`pmo-assess history ORG` lists them) or workbooks:
      pmo-assess compare 3 7
      pmo-assess compare march.xlsx -- september.xlsx
      pmo-assess compare march-1.xlsx march-2.xlsx -- 7
    Two different offices are set side by side as A and B (findings only in A, only in B, in both),
    with a warning.
    """
    from assessor import api
    from assessor.comparison import warnings
    from assessor.reports import tables

    if SIDES in sides:
        at = sides.index(SIDES)
        before, after = list(sides[:at]), list(sides[at + 1:])
    elif len(sides) == 2:
        before, after = [sides[0]], [sides[1]]
    else:
        raise AssessorError("compare takes two sides: two assessment ids or workbooks, or FILES -- FILES "
                            f"(found {len(sides)} arguments and no --)")
    if not before or not after:
        raise AssessorError("compare: one side is empty; expected FILES -- FILES or two assessment ids")
    result = api.compare_sides(before, after, db, notice=_note)
    for line in warnings(result):
        click.echo(shown(line), err=True)
    if output is None:
        click.echo(tables.comparison(result), nl=False)
    else:
        _write(result, output, force)


def _write(data: dict, output: Path, force: bool) -> None:
    from assessor import api

    if str(output) == "-":  # the document's JSON to stdout, for a pipe
        from assessor.reports.json_report import REPORTER

        click.echo(REPORTER.render(data), nl=False)
        return
    api.write_document(data, output, force)
    click.echo(f"wrote {shown(output)}", err=True)


class _Benchmark(_Commands):
    """``benchmark ORG`` places an office; ``benchmark export`` and ``benchmark import`` pool records."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands:
            return "place", self.commands["place"], args
        return super().resolve_command(ctx, args)


@cli.group(cls=_Benchmark, context_settings={"ignore_unknown_options": True})
def benchmark():
    """Place an office among its peers: `benchmark ORG [--peers k=v,...]`; pool data: `benchmark export|import`.

    \b
      pmo-assess benchmark "Meridian Bank" --peers industry=finance,tier=3
      pmo-assess benchmark export -o peers.json      # anonymised: no names, no free text
      pmo-assess benchmark import peers.json         # into another store
    """


@benchmark.command("place", hidden=True)
@DB
@click.option("--peers", metavar="KEY=VALUE,...", default=None,
              help="The peer group: industry (a band or a word of one), tier (1-4), size (small, medium, large), "
                   "model or type (supportive, controlling, directive), employees (a head count, put in its band, "
                   "or a band), e.g. industry=energy,tier=2 or 'employees=5,000 and over,size=large'.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Write the placement with a percentile chart and the office's trend (.xlsx, .html or .json; "
                   "'-': JSON to stdout); without it a table is printed.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.argument("organisation")
@user_errors
def benchmark_place(db, peers, output, force, organisation):
    """Each dimension's percentile of ORGANISATION's latest assessment among its peers' latest."""
    from assessor import api
    from assessor.reports import tables

    result = api.benchmark(organisation, peers, db, _note)
    if output is None:
        click.echo(tables.benchmark(result), nl=False)
    else:
        _write(result, output, force)


@benchmark.command("export")
@DB
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The anonymised records (.json).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@user_errors
def benchmark_export(db, output, force):
    """Anonymised records of every stored office's latest assessment, to pool with other consultants."""
    from assessor import api
    from assessor.store.store import export_benchmark

    with api.open_store(db, _note) as store:
        document = export_benchmark(store)
    _write(document, output, force)
    click.echo(f"{len(document['records'])} record(s), no names and no free text", err=True)


@benchmark.command("import")
@DB
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@user_errors
def benchmark_import(db, file):
    """Add another store's anonymised records (from `benchmark export`) to this store's peers."""
    from assessor import api

    added, skipped = api.import_benchmark(file, db, _note)
    click.echo(f"imported {added} record(s)" + (f"; {skipped} already there" if skipped else ""), err=True)


@cli.command()
@DB
@click.argument("name")
@click.argument("organisation")
@user_errors
def alias(db, name, organisation):
    """Workbooks that name the organisation NAME belong to the stored ORGANISATION (a client renamed)."""
    from assessor import api

    with api.open_store(db, _note) as store:
        target = store.add_alias(name, organisation)
    click.echo(f"{shown(name)} is now another name of {shown(target)}", err=True)


@cli.group(cls=_Commands)
def rules():
    """List, show and lint the rule base."""


@rules.command("list")
@QUESTIONNAIRE
@RULES_OPTION
@user_errors
def rules_list(questionnaire, rules):
    """One line per rule: id, concern, title."""
    from assessor import api

    rulebase = api.list_rules(list(rules) or None, questionnaire)
    for rule in rulebase.rules:
        click.echo(shown(f"{rule.id:<14} {rule.concern:<14} {rule.title}"))


@rules.command("show")
@QUESTIONNAIRE
@RULES_OPTION
@click.argument("rule_id")
@user_errors
def rules_show(questionnaire, rules, rule_id):
    """Everything about one rule: rationale, source, condition and outcome."""
    import yaml

    from assessor import api
    from assessor.errors import RuleError

    rulebase = api.list_rules(list(rules) or None, questionnaire)
    rule = rulebase.rule(rule_id) or rulebase.rule(rule_id.upper())
    if rule is None:
        raise RuleError(f"no rule {rule_id!r}: `pmo-assess rules list` shows the ids")
    click.echo(shown_lines(f"{rule.id}: {rule.title}\nfile: {rule.file}\nconcern: {rule.concern}\nsource: {rule.source}\n"
                           f"priority: {rule.priority}\n\n{rule.rationale}\n"))
    click.echo(shown_lines(yaml.safe_dump({"when": rule.raw.get("when"), "then": rule.raw.get("then")},
                                          sort_keys=False, allow_unicode=True, width=100)), nl=False)


@rules.command("lint")
@QUESTIONNAIRE
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@user_errors
def rules_lint(questionnaire, folders):
    """Check rule files: schema, operators, fact kinds, duplicate ids, bank references, rules that cannot fire."""
    from assessor import api

    rulebase = api.list_rules(list(folders) or None, questionnaire)
    click.echo(f"ok: {len(rulebase.rules)} rules in {len(rulebase.files)} files")


def main():
    try:  # click's own handling says "Aborted!" and exits 1 for a Ctrl-C, which is --fail-on's code
        code = cli.main(prog_name="pmo-assess", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:  # a usage error, said as click says it
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
