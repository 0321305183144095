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
            if exc.problems and len(exc.problems) > 1:
                errors = sum(1 for p in exc.problems if p.severity == "error")
                click.echo(f"{errors} error(s); nothing was assessed.", err=True)
            sys.exit(EXIT_INPUT)

    return wrapper


QUESTIONNAIRE = click.option("--questionnaire", "-q", metavar="ID|PATH", default=None,
                             help="Question bank: a shipped id (default pmo-core) or a path to a .yaml file.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    click.echo(f"wrote {shown(output)}")


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

RULES_OPTION = click.option("--rules", "rules", multiple=True, type=click.Path(file_okay=False, path_type=Path),
                            help="Rule folder to use instead of the shipped rules/ (repeatable).")


@cli.command()
@QUESTIONNAIRE
@RULES_OPTION
@click.option("--extra-rules", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Rule folder added to the rule base (repeatable): a consultant's own rule pack.")
@click.option("--format", "fmt", default=None,
              help="console, json, xlsx or html (default: from -o's extension, else console).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file (format from the extension).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--fail-on", type=click.Choice(["critical", "high", "medium", "low", "info"]), default=None,
              help="Exit 1 when there is a finding of this severity or worse.")
@click.option("--targets", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML file of target levels per dimension (default: one level above the current one).")
@ENGINE
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@user_errors
def assess(questionnaire, rules, extra_rules, fmt, output, force, fail_on, targets, engine, files):
    """Assess one PMO from its respondents' workbooks: type, tier, maturity, findings."""
    from assessor import api
    from assessor.findings import SEVERITY_ORDER
    from assessor.reports import for_output

    fmt = for_output(output, fmt)
    if output is None and fmt == "xlsx":
        from assessor.errors import OutputError
        raise OutputError("an Excel report needs a file: add -o report.xlsx")
    assessor = api.Assessor(list(rules) or None, list(extra_rules), questionnaire, engine)
    inputs = assessor.inputs(files, targets)
    if output is not None:
        from assessor.output import check_target
        check_target(output, inputs, force, assessor.rule_folders)  # refuse before reading the workbooks
    if assessor.engine_notice:
        click.echo(assessor.engine_notice, err=True)
    assessment = assessor.assess(list(files), targets)
    data = assessment.to_dict()
    for warning in assessment.submission.warnings:
        click.echo(str(warning), err=True)
    if output is None:
        click.echo(api.render_report(data, fmt), nl=False)
    else:
        api.write_report(data, output, fmt, inputs, force, assessor.rule_folders)
        click.echo(f"wrote {shown(output)}", err=True)
    if fail_on and any(SEVERITY_ORDER[f["severity"]] <= SEVERITY_ORDER[fail_on] for f in data["findings"]):
        sys.exit(1)


@cli.command()
@QUESTIONNAIRE
@RULES_OPTION
@click.option("--extra-rules", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Rule folder added to the rule base (repeatable).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output file: .graphml (yEd, Gephi), .gexf (Gephi), .dot (Graphviz) or .json (node-link).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@ENGINE
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@user_errors
def graph(questionnaire, rules, extra_rules, output, force, engine, files):
    """Export the responsibility graph (people, roles, responsibilities, reporting lines) with gaps marked."""
    from assessor import api
    from assessor.rulebase import engines

    notice = engines.choose(engine).notice
    if notice:
        click.echo(notice, err=True)
    written = api.export_graph(list(files), output, list(rules) or None, list(extra_rules), questionnaire, force,
                               engine)
    click.echo(f"wrote {shown(written)}", err=True)


@cli.group()
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
    cli(prog_name="pmo-assess")
