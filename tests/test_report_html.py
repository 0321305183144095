"""The HTML report (``pmo-assess assess FILE -o report.html``): one self-contained file, the same
sections as the Excel report, charts as inline SVG, readable in print, and every string from a
workbook escaped.

The browser tests open the report in headless Chromium (Debian's ``chromium`` package; ``make
test`` installs it when it can) and check that it renders without console messages: Chromium
logs console output, uncaught errors and Content-Security-Policy violations to stderr as
``...:CONSOLE(n)] "..."`` lines. A control test proves that detector works. Without Chromium
those tests are skipped and say why.

Assessing compiles the rule base, so every report a test reads is made once per module.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.cli_helpers import invoke, ok

REPO = Path(__file__).resolve().parent.parent
SAMPLES = {"atlas": REPO / "samples" / "atlas-rail.xlsx", "northwind": REPO / "samples" / "northwind-energy.xlsx"}
NAMES = list(SAMPLES)
SECTIONS = ["Summary", "Why this type and tier", "Dimensions", "Findings", "Coverage", "Roadmap", "Answers", "Trace"]
ATLAS_LINK = '=HYPERLINK("http://intranet.example/lessons","Lessons log")'   # samples/atlas-rail.xlsx Questions!F50
BROWSER_TIMEOUT = 120

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
LINK = '=HYPERLINK("http://x","y")'
ATTR = "' onmouseover='alert(1)"
CLOSE = "</td></tr></table><b>bold</b>"


def hostile_edits(wb) -> None:
    """Workbook text that would run, link or break the page if it were not escaped."""
    profile = wb["Profile"]
    rows = {profile.cell(row=r, column=1).value: r for r in range(2, profile.max_row + 1)}
    profile.cell(row=rows["Organisation"], column=2, value=SCRIPT)
    profile.cell(row=rows["PMO name"], column=2, value=IMG)
    profile.cell(row=rows["Respondent"], column=2, value=LINK)
    roles = wb["Roles"]
    for row in range(2, roles.max_row + 1):
        holder = {"SPONSOR": SCRIPT, "PLANNER": IMG}.get(roles.cell(row=row, column=1).value)
        if holder:
            roles.cell(row=row, column=3, value=holder)
    questions = wb["Questions"]
    for row, text in enumerate((SCRIPT, IMG, LINK, ATTR, CLOSE), start=2):
        questions.cell(row=row, column=6, value=text)
    raci = wb["RACI"]
    columns = {raci.cell(row=1, column=c).value: c for c in range(3, raci.max_column + 1)}
    row = raci.max_row + 1
    raci.cell(row=row, column=1, value="client-own")
    raci.cell(row=row, column=2, value="<img src=x onerror=alert(2)>")
    raci.cell(row=row, column=columns["PMO-HEAD"], value="A")


# --- running the command ------------------------------------------------------------------------



class Report:
    def __init__(self, data: dict, path: Path):
        self.data, self.path = data, path
        self.html = path.read_text(encoding="utf-8")
        self.doc = Document(self.html)


@pytest.fixture(scope="module")
def report(tmp_path_factory, workbook_factory):
    """``report(name)``: the JSON data and the written .html of a sample (or "hostile"), made once."""
    cache: dict[str, Report] = {}

    def get(name: str) -> Report:
        if name not in cache:
            if name == "hostile":
                source = workbook_factory(tmp_path_factory.mktemp("hostile"), [hostile_edits], "hostile.xlsx")
            else:
                source = SAMPLES[name]
            data = json.loads(ok(invoke("assess", "--format", "json", source)).stdout)
            folder = tmp_path_factory.mktemp(f"html-{name}")
            out = folder / "report.html"
            ok(invoke("assess", source, "-o", out))
            assert [p.name for p in folder.iterdir()] == ["report.html"], "one file, nothing beside it"
            cache[name] = Report(data, out)
        return cache[name]

    return get


class Document(HTMLParser):
    """Every start tag with its attributes, the h2 headings, and the text of each element id'd."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.h2: list[tuple[str | None, str]] = []
        self._in_h2: list | None = None
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "h2":
            self._in_h2 = [attrs.get("id"), ""]

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "h2" and self._in_h2 is not None:
            self.h2.append(tuple(self._in_h2))
            self._in_h2 = None

    def handle_data(self, data):
        self.text.append(data)
        if self._in_h2 is not None:
            self._in_h2[1] += data

    def named(self, tag: str) -> list[dict]:
        return [attrs for t, attrs in self.tags if t == tag]


def section(html: str, heading_id: str) -> str:
    """The HTML from one ``<h2 id=...>`` to the next."""
    start = html.index(f'<h2 id="{heading_id}">')
    end = html.find("<h2 ", start + 1)
    return html[start:end if end > 0 else len(html)]


def kpi(html: str, label: str) -> str:
    match = re.search(rf"<div>{re.escape(label)}<b>([^<]*)</b>", html)
    assert match, f"no {label} figure in the summary"
    return match.group(1)


# --- one self-contained file ----------------------------------------------------------------------

URL_ATTRIBUTES = ("src", "href", "xlink:href", "action", "formaction", "poster", "data", "srcset", "background",
                  "manifest", "ping", "cite")


@pytest.mark.parametrize("name", NAMES + ["hostile"])
def test_no_external_resources(report, name):
    doc = report(name).doc
    for tag, attrs in doc.tags:
        for attr in URL_ATTRIBUTES:
            value = (attrs.get(attr) or "").strip().lower()
            assert "http://" not in value and "https://" not in value and not value.startswith("//"), (tag, attrs)
        if tag == "a":
            assert (attrs.get("href") or "#").startswith("#"), attrs   # only links within the page
        if tag == "img":
            assert (attrs.get("src") or "").startswith("data:"), attrs
        if tag == "script":
            assert "src" not in attrs, attrs
    assert doc.named("link") == [] and doc.named("iframe") == [] and doc.named("object") == []
    assert doc.named("embed") == [] and doc.named("base") == []
    styles = re.findall(r"<style[^>]*>(.*?)</style>", report(name).html, flags=re.DOTALL)
    assert styles and not any("@import" in s or re.search(r"url\(\s*['\"]?(https?:)?//", s) for s in styles)


@pytest.mark.parametrize("name", NAMES)
def test_a_content_security_policy_forbids_the_network(report, name):
    metas = [m for m in report(name).doc.named("meta")
             if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(metas) == 1
    policy = {}
    for directive in metas[0]["content"].split(";"):
        words = directive.split()
        if words:
            policy[words[0]] = words[1:]
    assert policy["default-src"] == ["'none'"]
    for name_, sources in policy.items():
        for source in sources:
            assert source in ("'none'", "'self'", "'unsafe-inline'", "data:") \
                or source.startswith(("'nonce-", "'sha")), (name_, source)
        if name_ in ("connect-src", "font-src", "media-src", "frame-src", "object-src", "worker-src"):
            assert sources == ["'none'"], (name_, sources)
    assert "'self'" not in policy.get("img-src", []), "a file:// page's 'self' would allow the local disk"


@pytest.mark.parametrize("name", NAMES)
def test_the_sections_of_the_excel_report_in_order(report, name):
    doc = report(name).doc
    assert [text for _, text in doc.h2] == SECTIONS
    ids = [i for i, _ in doc.h2]
    nav = [a["href"][1:] for a in doc.named("a") if (a.get("href") or "").startswith("#")]
    assert nav == ids, "the navigation links reach every section"


@pytest.mark.parametrize("name", NAMES)
def test_type_tier_and_overall_level_equal_the_json(report, name):
    r = report(name)
    c, overall = r.data["classification"], r.data["maturity"]["overall"]
    assert kpi(r.html, "PMO type") == c["model"]
    assert kpi(r.html, "Tier") == f"{c['tier']} {c['tier_name']}"
    assert kpi(r.html, "Overall maturity") == f"level {overall['level']}"
    assert kpi(r.html, "Findings") == str(len(r.data["findings"]))


@pytest.mark.parametrize("name", NAMES)
def test_charts_are_inline_svg(report, name):
    r = report(name)
    svgs = r.doc.named("svg")
    labels = [s.get("aria-label", "") for s in svgs]
    assert len(svgs) == 2 and labels[0].startswith("Maturity radar") and labels[1].startswith("Score and level")
    applicable = [d for d in r.data["maturity"]["dimensions"] if d["applicable"]]
    radar = section(r.html, "summary")
    assert radar.count("<polygon") == 5 + 2, "five level rings, then the target and the current level"
    bars = section(r.html, "dimensions")
    assert bars.count('fill="#4e79a7"><title>') == len(applicable)
    assert bars.count("<title>target level") == len(applicable), "each bar with its target"
    for d in applicable:
        assert f"{d['name']}: score" in bars


@pytest.mark.parametrize("name", NAMES)
def test_tables_hold_every_item_of_the_json(report, name):
    r = report(name)
    d = r.data

    def body_rows(heading_id):
        body = section(r.html, heading_id)
        return body.count("<tr") - body.count("<thead>")

    assert section(r.html, "findings-h").count("<tr data-severity=") == len(d["findings"])
    for f in d["findings"]:
        assert f'<tr data-severity="{f["severity"]}" id="{html.escape(f["id"])}">' in r.html
    assert body_rows("dimensions") == len(d["maturity"]["dimensions"])
    assert body_rows("answers") == sum(len(a["responses"]) for a in d["maturity"]["answers"])
    assert body_rows("trace") == len(d["trace"])
    coverage = section(r.html, "coverage")
    assert coverage.count("<tr") - coverage.count("<thead>") == \
        len(d["coverage"]["responsibilities"]) + len(d["coverage"]["people"])
    roadmap = section(r.html, "roadmap")
    actions = [a for p in d["roadmap"]["phases"] for a in p["actions"]]
    assert roadmap.count("<tr") - roadmap.count("<thead>") == len(actions)
    assert len(actions) >= len(d["roadmap"]["items"]) + len(d["roadmap"]["next_tier"]["missing"])
    for phase in d["roadmap"]["phases"]:
        assert (f'<h3 id="phase-{phase["id"]}">' in roadmap) == bool(phase["actions"]), phase["id"]
    for need in d["roadmap"]["next_tier"]["missing"]:   # what the next tier needs is an action of its phase
        assert f"<td>{html.escape(need['subject'])}" in roadmap


@pytest.mark.parametrize("name", NAMES)
def test_print_css(report, name):
    html = report(name).html
    assert "@media print" in html
    style = re.search(r"@media print\s*{(.*?)}\s*}", html, flags=re.DOTALL).group(1)
    assert "nav" in style and "display: none" in style


# --- escaping -------------------------------------------------------------------------------------

def test_the_atlas_hyperlink_is_escaped_text(report):
    html = report("atlas").html
    assert '=HYPERLINK(&quot;http://intranet.example/lessons&quot;,&quot;Lessons log&quot;)' in html
    assert ATLAS_LINK not in html and "intranet.example/lessons\"" not in html


def test_hostile_workbook_text_is_escaped(report):
    r = report("hostile")
    html = r.html
    assert "<script>alert" not in html
    assert len(re.findall(r"<script\b", html, flags=re.IGNORECASE)) == 1, "only the report's own script"
    assert not re.search(r"<img\b", html, flags=re.IGNORECASE)
    assert not re.search(r"<[a-z][^>]*\son\w+\s*=", html, flags=re.IGNORECASE), "no event handler attribute"
    assert "<b>bold</b>" not in html
    for escaped in ("&lt;script&gt;alert(1)&lt;/script&gt;",
                    "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
                    "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)",
                    "&#x27; onmouseover=&#x27;alert(1)",
                    "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;b&gt;bold&lt;/b&gt;",
                    "&lt;img src=x onerror=alert(2)&gt;"):
        assert escaped in html, escaped
    assert "<title>PMO assessment - &lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    # Parsed back, the text is exactly what the workbook held.
    text = "".join(r.doc.text)
    for raw in (SCRIPT, IMG, LINK, ATTR, CLOSE):
        assert raw in text, raw
    assert [t for _, t in r.doc.h2] == SECTIONS, "no section swallowed by broken markup"


# --- in a browser ---------------------------------------------------------------------------------

def chromium_path() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture
def browser(tmp_path):
    """``browser(path)`` -> (exit code, dumped DOM, stderr lines) from headless Chromium."""
    exe = chromium_path()
    if exe is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium; `make test` tries to): "
                    "the HTML report was not checked in a browser")
    runs = iter(range(1000))

    def run(path: Path):
        profile = tmp_path / f"chromium-profile-{next(runs)}"
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--dump-dom",
               Path(path).resolve().as_uri()]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                errors="replace", start_new_session=True)
        try:
            out, err = proc.communicate(timeout=BROWSER_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)   # the browser and the helpers it started
            proc.communicate()
            pytest.fail(f"chromium did not finish within {BROWSER_TIMEOUT}s on {path}")
        return proc.returncode, out, err.splitlines()

    return run


def console_lines(stderr: list[str]) -> list[str]:
    return [line for line in stderr if ":CONSOLE" in line]


def test_the_console_detector_sees_errors_and_blocked_requests(browser, tmp_path):
    page = tmp_path / "control.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8">'
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "script-src 'unsafe-inline'\"></head><body><p>control</p>"
                    '<img src="http://192.0.2.1/blocked.png">'
                    '<script>console.error("x"); missingFunction();</script></body></html>', encoding="utf-8")
    code, dom, stderr = browser(page)
    assert code == 0 and "control" in dom
    lines = console_lines(stderr)
    assert any('"x"' in line for line in lines), stderr
    assert any("missingFunction" in line for line in lines), stderr
    assert any("Content Security Policy" in line for line in lines), stderr


@pytest.mark.parametrize("name", NAMES)
def test_the_report_renders_without_console_messages(browser, report, name):
    r = report(name)
    code, dom, stderr = browser(r.path)
    assert code == 0, stderr
    assert console_lines(stderr) == []
    c = r.data["classification"]
    assert f"<b>{c['model']}</b>" in dom
    assert f"<b>{c['tier']} {c['tier_name']}</b>" in dom
    assert len(re.findall(r"<svg\b", dom)) == 2
    assert [m for m in re.findall(r'<h2 id="[^"]+">([^<]+)</h2>', dom)] == SECTIONS


def test_the_hostile_report_shows_the_names_as_text(browser, report):
    r = report("hostile")
    code, dom, stderr = browser(r.path)
    assert code == 0, stderr
    assert console_lines(stderr) == [], "no alert, no blocked request, no error"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "&lt;img src=x onerror=alert(1)&gt;" in dom
    assert "&lt;img src=x onerror=alert(2)&gt;" in dom
    assert '=HYPERLINK("http://x","y")' in dom
    assert not re.search(r"<img\b", dom), "no <img> element was created"
    assert len(re.findall(r"<script\b", dom)) == 1
    assert "<b>bold</b>" not in dom
    assert [m for m in re.findall(r'<h2 id="[^"]+">([^<]+)</h2>', dom)] == SECTIONS


@pytest.mark.parametrize("name", list(SAMPLES))
def test_the_summary_leads_with_the_top_priorities_and_the_weakest_dimension(report, name):
    r = report(name)
    summary = html.unescape(re.sub(r"<[^>]+>", "", section(r.html, "summary")))
    assert "Top priorities" in summary
    at = [summary.index(p["message"]) for p in r.data["priorities"]]
    assert r.data["priorities"] and at == sorted(at), "in priority order"
    names = {d["id"]: d["name"] for d in r.data["maturity"]["dimensions"]}
    weakest = r.data["maturity"]["overall"]["weakest"]
    assert f"weakest: {', '.join(names[i] for i in weakest['dimensions'])} (level {weakest['level']})" in summary
