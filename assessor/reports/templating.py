"""The Jinja2 environment of the HTML reports: autoescaping, and every value finalised by ``esc``.

``html.escape`` (which autoescaping does) leaves C0 controls, C1 and bidi characters alone; ``esc``
shows them as the text that names them (``\\u202e``), as the console does: a report printed to a
terminal cannot drive it and a name cannot reorder the page (a character reference such as
``&#x202e;`` is the character itself to a browser, and ``&#x0;`` is not allowed at all). The look
(``CSS``) is shared by the assessment report and the store's documents.
"""
from __future__ import annotations

import functools
import re
from html import escape

from markupsafe import Markup

from assessor.terminal import BEYOND_C0, escaped_character

CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --head:#1f3864; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1180px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; color: var(--head);
     border-bottom: 2px solid var(--head); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.muted { color: var(--muted); } .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; align-items: start; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: var(--head); color: #fff; font-weight: 600; }
thead { display: table-header-group; }
tr:nth-child(even) td { background: #f7f9fb; }
.sev { display: inline-block; padding: 0 6px; border-radius: 3px; font-weight: 600; font-size: 12px; }
.sev-critical { background:#9c0006; color:#fff; } .sev-high { background:#e15759; color:#fff; }
.sev-medium { background:#f28e2b; color:#fff; } .sev-low { background:#ffd966; } .sev-info { background:#d9d9d9; }
.gap { background: #f4b6b6 !important; } .warn { background: #fce4b6 !important; }
.kpi { display:flex; gap:12px; flex-wrap:wrap; margin: 12px 0; }
.kpi div { border:1px solid var(--line); border-radius:6px; padding:8px 12px; min-width: 150px; }
.kpi b { display:block; font-size: 20px; }
.messages { font-size: 15px; padding-left: 20px; } .messages li { margin: 4px 0; }
.raci td.l { text-align:center; width: 28px; } .raci th.r { writing-mode: vertical-rl; transform: rotate(180deg);
  white-space: nowrap; padding: 6px 2px; }
.effort { display:inline-block; min-width: 22px; text-align:center; border-radius: 3px; font-weight: 600; }
.effort-S { background:#c6efce; } .effort-M { background:#ffeb9c; } .effort-L { background:#f4b6b6; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
nav a { margin-right: 12px; }
@page { size: A4 portrait; margin: 14mm 12mm 16mm;
  @bottom-right { content: "page " counter(page) " of " counter(pages); font: 9px system-ui, sans-serif; color: #616e7c; } }
@page wide { size: A4 landscape; }
@media print { body { max-width: none; padding: 0; font-size: 11px; } nav, .filter { display: none; }
  h2 { break-after: avoid; } h3 { break-after: avoid; } table { page-break-inside: auto; } tr { break-inside: avoid; }
  .grid { display:block; } .landscape { page: wide; } svg { max-width: 100%; height: auto; }
  table { font-size: 10px; } .raci { font-size: 9px; } }
"""

# html.escape leaves C0 controls alone (a carriage return would rewrite the terminal line), and the
# C1, separator and bidi characters beyond them.
_UNPRINTED = re.compile(f"[\x00-\x08\x0b-\x1f]|{BEYOND_C0.pattern}")


def esc(value) -> str:
    """Markup characters as character references; control and bidi characters as the text naming them
    (the page shows what the cell holds, and neither a browser nor a terminal acts on it)."""
    text = escape("" if value is None else str(value), quote=True)
    return _UNPRINTED.sub(escaped_character, text)


def css_string(value) -> Markup:
    """Text as a quoted CSS string that no character can leave: everything but letters, digits and
    spaces as a hex escape (so no quote, backslash, ``<`` or newline reaches the style sheet), each
    ended by the one space CSS takes as the escape's end. A control or bidi character is first made the
    text naming it, as ``esc`` shows it: hex-escaped, the browser still received it, and a right-to-left
    override in an organisation's name turned the printed footer around, its date with it."""
    text = _UNPRINTED.sub(escaped_character, "" if value is None else str(value))
    return Markup('"' + "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):06x} "
                                for c in text) + '"')


def _finalize(value):
    """Every value a template shows: escaped, a figure without a trailing .0, a dash for none."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:g}"
    return Markup(esc(value))


@functools.lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    from assessor.reports.tables import ordinal

    env = Environment(loader=PackageLoader("assessor.reports", "templates"), autoescape=True,
                      undefined=StrictUndefined, finalize=_finalize, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["ordinal"] = lambda n: "–" if n is None else ordinal(n)
    env.filters["signed"] = lambda n: "" if n is None else ("=" if n == 0 else f"{n:+g}")
    env.filters["css_string"] = css_string
    env.globals["css"] = Markup(CSS)
    return env


def render(template: str, context: dict) -> str:
    return environment().get_template(template).render(context)
