"""Running ``pmo-assess`` in-process, as the tests of every output format do."""
from __future__ import annotations

from click.testing import CliRunner

from assessor.cli import cli


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="pmo-assess")


def ok(result):
    """The command succeeded: no exception, exit code 0."""
    assert result.exception is None, (result.output, result.exception)
    assert result.exit_code == 0, result.output
    return result
