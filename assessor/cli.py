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
    Exit codes: 0 ok, 2 bad input or usage.
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
    click.echo(f"wrote {output}")


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
        click.echo(f"{response.source}: valid: {answered} of {len(response.answers)} questions answered, "
                   f"{holders} roles held, {len(response.assignments)} RACI assignments")


def main():
    cli(prog_name="pmo-assess")
