"""The HTML report printed to PDF by headless Chromium: what a client expects to be sent.

The page is the HTML report itself (templates/report.html.j2), so the PDF has the same sections, the
summary first, wide tables on landscape pages and a footer with the client, the date and page n of m
(its own @page rules: Chromium's header and footer are turned off). Chromium runs with a private
profile in a temporary folder, no network, and a time limit; the folder is removed after.

Chromium is found as ``$PMO_ASSESS_CHROMIUM``, else ``chromium``, ``chromium-browser`` or
``google-chrome`` on the PATH (Debian: ``apt-get install chromium``; ``make test`` installs it).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from assessor.errors import OutputError
from assessor.reports.base import TextReporter

TIMEOUT = 120  # seconds: a report of a few hundred rows prints in two or three
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium() -> str | None:
    chosen = os.environ.get("PMO_ASSESS_CHROMIUM")
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    return next((found for found in map(shutil.which, NAMES) if found), None)


def print_to_pdf(page: str) -> bytes:
    """The PDF of one self-contained HTML page."""
    exe = chromium()
    if exe is None:
        raise OutputError("writing a PDF needs Chromium (Debian: apt-get install chromium; or set "
                          "PMO_ASSESS_CHROMIUM to its path); or write report.html and print it from a browser")
    with tempfile.TemporaryDirectory(prefix="pmo-assess-pdf-") as tmp:
        folder = Path(tmp)
        source, target = folder / "report.html", folder / "report.pdf"
        source.write_text(page, encoding="utf-8")
        cmd = [exe, "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-pdf-header-footer",
               f"--user-data-dir={folder / 'profile'}", f"--print-to-pdf={target}", source.as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.insert(2, "--no-sandbox")  # Chromium refuses to run its sandbox as root
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    start_new_session=True)
        except OSError as exc:
            raise OutputError(f"{exe}: cannot run Chromium to print the PDF: {exc.strerror or exc}") from None
        try:
            _, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:  # the browser and the helpers it started all go
            _kill_group(proc)
            raise OutputError(f"Chromium did not print the PDF within {TIMEOUT} s") from None
        except KeyboardInterrupt:
            _kill_group(proc)
            raise
        if proc.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            from assessor.terminal import shown

            tail = [shown(line) for line in err.decode("utf-8", "replace").strip().splitlines()[-3:]]
            raise OutputError(f"Chromium could not print the PDF (exit {proc.returncode})"
                              + (": " + " / ".join(tail) if tail else ""))
        return target.read_bytes()


def _kill_group(proc) -> None:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, AttributeError):
        proc.kill()
    proc.communicate()


class PdfReporter(TextReporter):
    name = "pdf"
    binary = True

    def render(self, data: dict) -> bytes:
        from assessor.reports.html_report import REPORTER as HTML

        return print_to_pdf(HTML.render(data))


REPORTER = PdfReporter()
