"""A terminal is never driven by a workbook (defect 4 of issue 10): every string from a workbook that
is printed, in warnings, errors, ``validate`` and the console, JSON or HTML report on stdout, shows
its control and bidirectional-override characters escaped (the 8-bit CSI ``\\x9b``, DEL ``\\x7f``,
``U+202E``, line breaks inside a name)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assessor.questionnaire import layout as L
from assessor.terminal import shown, shown_lines

# What must never reach a terminal raw (newlines of our own aside, which are checked per line).
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
ORGANISATION = "Contoso\x9b2J\u202eReversed\x7f"
HOLDER = "Jordan\x9b31mLee\nerror: forged line"
ROLE_ID = "PMO-\u202eHEAD"


def _edit(wb) -> None:
    profile = wb[L.PROFILE]
    rows = {profile.cell(row=r, column=1).value: r for r in range(2, profile.max_row + 1)}
    profile.cell(row=rows["Organisation"], column=2, value=ORGANISATION)
    profile.cell(row=rows["Industry"], column=2, value="Energy\u2028\x85")
    roles = wb[L.ROLES]
    row = next(r for r in range(2, roles.max_row + 1) if roles.cell(row=r, column=1).value == "SPONSOR")
    roles.cell(row=row, column=3, value=HOLDER)
    questions = wb[L.QUESTIONS]
    questions.cell(row=3, column=6, value="=HYPERLINK(\"x\",\"\x9b\u202e\")")   # a warning: formula as text


@pytest.fixture
def hostile(make_workbook, tmp_path) -> Path:
    return make_workbook(tmp_path, [_edit], name="hostile.xlsx")


@pytest.fixture
def broken(make_workbook, tmp_path) -> Path:
    def edit(wb):
        _edit(wb)
        roles = wb[L.ROLES]
        roles.cell(row=roles.max_row + 1, column=1, value=ROLE_ID)
        roles.cell(row=roles.max_row, column=3, value="Someone\x9b")
        wb[L.QUESTIONS].cell(row=2, column=5, value="7\x9b\u202e")
    return make_workbook(tmp_path, [edit], name="broken\u202e.xlsx")


def _run(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assessor", *map(str, args)], cwd=cwd, capture_output=True,
                          timeout=120, check=False)


def _safe(stream: bytes) -> str:
    text = stream.decode("utf-8")
    for line in text.split("\n"):
        assert not RAW.search(line), repr(line)
    return text


def test_the_helpers_escape_what_a_terminal_would_obey():
    assert shown("a\x9b31m\x7f\u202eb\nc\td\x1b") == "a\\x9b31m\\x7f\\u202eb\\nc\\td\\x1b"
    assert shown_lines("one\x9b\ntwo") == "one\\x9b\ntwo"
    assert shown("Zoë Ågren – naïve ✓") == "Zoë Ågren – naïve ✓"   # ordinary text untouched


def test_validate_and_the_console_report_show_workbook_text_escaped(hostile):
    done = _run("validate", hostile.name, cwd=hostile.parent)
    assert done.returncode == 0, done.stderr
    _safe(done.stdout), _safe(done.stderr)
    done = _run("assess", hostile.name, cwd=hostile.parent)
    assert done.returncode == 0, done.stderr
    out, err = _safe(done.stdout), _safe(done.stderr)
    assert "Contoso\\x9b2J\\u202eReversed\\x7f" in out
    assert "\\x9b\\u202e" in err          # the formula warning names what the cell holds
    assert not any(line.startswith("error: forged line") for line in (out + err).splitlines())


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_reports_printed_to_stdout_carry_no_raw_control_characters(hostile, fmt):
    done = _run("assess", "--format", fmt, hostile.name, cwd=hostile.parent)
    assert done.returncode == 0, done.stderr
    text = _safe(done.stdout)
    if fmt == "json":  # escaped, not lost: the document still means the workbook's text
        assert json.loads(text)["organisation"]["organisation"] == ORGANISATION
    else:
        # as text naming them: a character reference (&#x202e;) is the character itself to a browser
        assert "Contoso\\x9b2J\\u202eReversed\\x7f" in text and "&#x202e;" not in text


def test_errors_show_workbook_text_and_file_names_escaped(broken):
    done = _run("validate", broken.name, cwd=broken.parent)
    assert done.returncode == 2
    err = _safe(done.stderr)
    assert "broken\\u202e.xlsx" in err
    assert "Traceback" not in err


def test_a_carriage_return_in_a_cell_does_not_rewrite_the_line(hostile, tmp_path):
    """Raw CR in XML is read as a line feed; written as ``&#13;`` it reaches the reader as ``\\r``."""
    import zipfile

    crafted = tmp_path / "cr.xlsx"
    with zipfile.ZipFile(hostile) as source, zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data.replace(b"Reversed", b"Reversed&#13;EVIL OVERWRITE"))
    for fmt in ("console", "json", "html"):
        done = _run("assess", "--format", fmt, crafted.name, cwd=crafted.parent)
        assert done.returncode == 0, done.stderr
        assert b"\r" not in done.stdout + done.stderr, fmt
        _safe(done.stdout)
