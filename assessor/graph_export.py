"""Export the responsibility graph for graph viewers, with the gaps marked.

GraphML (yEd, Gephi), GEXF (Gephi), DOT (Graphviz) and node-link JSON (d3 and
friends); the format comes from the output's extension. Every node and edge
carries ``kind`` and ``label``; nodes and edges involved in a coverage finding
carry ``gap`` (true), ``severity`` (the worst) and ``findings`` (rule ids), so
a viewer can colour them. When several respondents' workbooks contribute,
every cell attribute has its file beside it (``file``, ``fte_file``,
``reports_to_file``). Names come from workbooks: the XML writers escape
them, and the DOT writer quotes and escapes them itself.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from assessor.assessment import COVERAGE_CATEGORIES
from assessor.errors import OutputError
from assessor.findings import SEVERITY_ORDER

FORMATS = {".graphml": "graphml", ".gexf": "gexf", ".dot": "dot", ".gv": "dot", ".json": "json"}
COLOURS = {"person": "#4e79a7", "role": "#59a14f", "responsibility": "#edc948", "family": "#bab0ac"}
FILE_KEYS = ("file", "fte_file", "reports_to_file")  # beside cell, fte_cell, reports_to_cell
GAP_COLOUR = {"critical": "#9c0006", "high": "#e15759", "medium": "#f28e2b", "low": "#ff9da7", "info": "#b07aa1"}


def format_for(path: Path) -> str:
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise OutputError(f"{path}: unknown graph format {Path(path).suffix or '(none)'}: use one of "
                          + ", ".join(sorted(FORMATS)))
    return fmt


def marked_graph(assessment):
    """A plain DiGraph of the responsibility graph, sorted, with the gap flags on it."""
    import networkx as nx

    source = assessment.factbase.graph
    node_flags: dict[str, list] = {}
    cell_flags: dict[str, list] = {}
    by_subject = _subject_nodes(source)
    for f in assessment.outcome.findings:
        if f.category not in COVERAGE_CATEGORIES:
            continue
        for subject in f.subjects():
            for node in by_subject.get(subject, ()):
                node_flags.setdefault(node, []).append(f)
        for e in f.evidence:
            cell_flags.setdefault((e.file, e.ref), []).append(f)
    # Cells name their file only when several respondents' workbooks contribute: with one, every
    # cell is in it, and the export stays as it was.
    files = {d[k] for _, d in source.nodes(data=True) for k in FILE_KEYS if d.get(k)} \
        | {d[k] for _, _, d in source.edges(data=True) for k in FILE_KEYS if d.get(k)}
    drop = FILE_KEYS if len(files) < 2 else ()
    g = nx.DiGraph()
    for node, data in sorted(source.nodes(data=True)):
        g.add_node(node, **_clean(data, drop), **_flags(node_flags.get(node, [])),
                   colour=_colour(data, node_flags.get(node)))
    for u, v, data in sorted(source.edges(data=True), key=lambda e: (e[0], e[1], e[2].get("kind", ""))):
        attrs = _clean(data, drop)
        attrs["label"] = data.get("letters") or data.get("kind")
        attrs.update(_flags(cell_flags.get((data.get("file", ""), data.get("cell", "")), [])))
        g.add_edge(u, v, **attrs)
    return g


def _subject_nodes(g) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for node, data in g.nodes(data=True):
        for key in (data.get("id"), data.get("label")):
            if key:
                out.setdefault(str(key), []).append(node)
    return out


def _clean(data: dict, drop=()) -> dict:
    # GraphML and GEXF take only scalars, and no None.
    return {k: v for k, v in data.items() if isinstance(v, (str, int, float, bool)) and k not in drop}


def _flags(findings: list) -> dict:
    if not findings:
        return {"gap": False, "severity": "", "findings": ""}
    worst = min(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9)).severity
    return {"gap": True, "severity": worst, "findings": " ".join(sorted({f.rule for f in findings}))}


def _colour(data: dict, findings) -> str:
    if findings:
        return GAP_COLOUR[min(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9)).severity]
    return COLOURS.get(data.get("kind"), "#cccccc")


def render_graph(g, fmt: str) -> bytes:
    """The graph file's bytes in ``fmt`` (graphml, gexf, dot or json)."""
    import io

    import networkx as nx

    buffer = io.BytesIO()
    if fmt in ("graphml", "gexf"):
        g = _xml_text(g)
    if fmt == "graphml":
        nx.write_graphml(g, buffer, encoding="utf-8", prettyprint=True)
    elif fmt == "gexf":
        viz = g.copy()
        for _, data in viz.nodes(data=True):
            # networkx's GEXF writer takes an "id" attribute as the node id; ours are only unique
            # within a kind (a person called "Delivery" would merge with family:delivery).
            data["item"] = data.pop("id", "")
            colour = data["colour"].lstrip("#")
            data["viz"] = {"color": {"r": int(colour[0:2], 16), "g": int(colour[2:4], 16), "b": int(colour[4:6], 16),
                                     "a": 1.0}}
        nx.write_gexf(viz, buffer, encoding="utf-8", prettyprint=True)
    elif fmt == "dot":
        return to_dot(g).encode("utf-8")
    else:
        from assessor.terminal import json_escaped

        data = nx.node_link_data(g, edges="edges")  # escaped as the assessment's JSON is
        return json_escaped(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    return buffer.getvalue()


def _xml_text(g):
    """The graph with every text an XML file can hold and a viewer shows as it is: a control character
    (ESC from a cell's ``_x001B_``) made the GraphML and GEXF files unreadable XML, and a bidi override
    would turn a label around; each is written as the text naming it (``\\x1b``), as the HTML and the
    console show it."""
    import networkx as nx

    from assessor.terminal import BEYOND_C0, escaped_character

    unsafe = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|{BEYOND_C0.pattern}")

    def clean(value):
        return unsafe.sub(escaped_character, value) if isinstance(value, str) else value

    def cleaned(data: dict) -> dict:
        return {clean(k): clean(v) for k, v in data.items()}

    if not any(isinstance(x, str) and unsafe.search(x) for n, d in g.nodes(data=True) for x in (n, *d.values())) \
            and not any(isinstance(x, str) and unsafe.search(x) for *_, d in g.edges(data=True) for x in d.values()):
        return g  # (the usual case: nothing to copy)
    out = nx.relabel_nodes(g, {n: clean(n) for n in g}, copy=True)
    for data in [d for _, d in out.nodes(data=True)] + [d for *_, d in out.edges(data=True)]:
        new = cleaned(data)
        data.clear()
        data.update(new)
    out.graph.update(cleaned(out.graph))
    return out


SHAPES = {"person": "ellipse", "role": "box", "responsibility": "note", "family": "folder"}


# Graphviz refuses a quoted string of 16,384 bytes or more as written in the file (escapes included):
# the whole file becomes unreadable. Longer strings are cut to this many bytes, with a marker; the
# full text stays in the GraphML, GEXF and JSON exports.
DOT_STRING_BYTES = 16_000
SHORTENED = " … [shortened from {n:,} characters; the full text is in the GraphML, GEXF and JSON exports]"


def _dot_escape(text: str) -> str:
    # Controls, separators and bidi characters shown as \x9b or \u202e (as the terminal shows them):
    # `cat office.dot` must not drive a terminal. A newline stays a line break in the label.
    from assessor.terminal import shown

    text = "\n".join(shown(line) for line in text.replace("\r", "").split("\n"))
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _dot_string(value, unique: bool = False) -> str:
    """``value`` as a DOT quoted string Graphviz can read. A node id (``unique``) that has to be cut
    keeps a digest of the whole id, so two long ids that share a beginning stay two nodes."""
    text = str(value)
    escaped = _dot_escape(text)
    if len(escaped.encode("utf-8")) <= DOT_STRING_BYTES:
        return f'"{escaped}"'
    marker = SHORTENED.format(n=len(text))
    if unique:
        marker += " #" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    room = DOT_STRING_BYTES - len(_dot_escape(marker).encode("utf-8"))
    low, high = 0, len(text)  # the longest beginning whose escaped form fits the room left
    while low < high:
        mid = (low + high + 1) // 2
        if len(_dot_escape(text[:mid]).encode("utf-8")) <= room:
            low = mid
        else:
            high = mid - 1
    return f'"{_dot_escape(text[:low] + marker)}"'


def to_dot(g) -> str:
    """Graphviz's DOT, laid out to be read: people, roles and responsibilities left to right, each
    responsibility inside its function family's box (the family is the box, not a node), reporting
    lines dashed and left out of the ranking, labels on the RACI edges only (where the letter is the
    point), C and I thinner than R and A, gaps in their severity's colour, and a legend."""
    lines = ["digraph responsibility {", "  rankdir=LR;", '  node [style=filled, fontname="Helvetica"];',
             '  graph [fontname="Helvetica", fontsize=11, nodesep=0.12, ranksep=1.1, '
             'splines=true, labeljust="l"];',
             '  edge [fontname="Helvetica", fontsize=9, arrowsize=0.6];']
    families = {n: d for n, d in g.nodes(data=True) if d.get("kind") == "family"}
    family_of = {u: v for u, v, d in g.edges(data=True) if d.get("kind") == "belongs_to" and v in families}
    for node, data in g.nodes(data=True):
        if node in families or node in family_of:
            continue
        lines.append(_dot_node(node, data))
    for family, fdata in families.items():
        members = [n for n in g.nodes if family_of.get(n) == family]
        if not members:
            continue
        lines.append(f"  subgraph {_dot_string('cluster_' + family, unique=True)} {{")
        lines.append(f"    label={_dot_string(fdata.get('label', family))}; style=\"rounded\"; color=\"#bab0ac\";")
        lines.extend("  " + _dot_node(n, g.nodes[n]) for n in members)
        lines.append("  }")
    for u, v, data in g.edges(data=True):
        kind = data.get("kind", "")
        if kind == "belongs_to":
            continue  # shown by the family's box
        attrs = {"kind": kind, "gap": str(data["gap"]).lower()}
        if kind == "raci":
            letters = data.get("label", "")
            if letters in ("A", "A/R"):  # who answers for it: the letter worth reading on the line
                attrs.update(label=letters, penwidth="1.6", fontcolor="#1f3864")
            elif letters != "R":
                attrs.update(color="#9aa5b1", penwidth="0.6", style="dotted")
        elif kind == "reports_to":
            attrs.update(style="dashed", constraint="false", color="#616e7c")
        if data["gap"]:
            attrs.update(color=GAP_COLOUR[data["severity"]], penwidth="2.5", tooltip=data["findings"])
        lines.append(f"  {_dot_string(u, unique=True)} -> {_dot_string(v, unique=True)} ["
                     + ", ".join(f"{k}={_dot_string(x)}" for k, x in attrs.items()) + "];")
    lines.extend(_legend(g))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_node(node: str, data: dict) -> str:
    attrs = {"label": data.get("label", node), "shape": SHAPES.get(data.get("kind"), "ellipse"),
             "fillcolor": data["colour"], "kind": data.get("kind", ""), "gap": str(data["gap"]).lower()}
    if data.get("kind") == "person":
        attrs["fontcolor"] = "white"
    if data["gap"]:
        attrs.update(penwidth="3", color=data["colour"], tooltip=data["findings"])
    return f"  {_dot_string(node, unique=True)} [" + ", ".join(f"{k}={_dot_string(v)}" for k, v in attrs.items()) + "];"


LEGEND_KINDS = (("person", "person"), ("role", "role"), ("responsibility", "responsibility"))


def _legend(g) -> list[str]:
    """A box saying what the shapes, colours and lines mean (only the severities the graph shows)."""
    severities = [s for s in GAP_COLOUR if any(d.get("severity") == s for _, d in g.nodes(data=True))
                  or any(d.get("severity") == s for _, _, d in g.edges(data=True))]
    out = ['  subgraph "cluster_legend" {', '    label="Legend"; style="rounded"; color="#616e7c"; fontsize=10;',
           '    node [fontsize=9, width=0.3, height=0.2];']
    for kind, text in LEGEND_KINDS:
        out.append(f'    "legend:{kind}" [label="{text}", shape="{SHAPES[kind]}", fillcolor="{COLOURS[kind]}", '
                   f'kind="legend", gap="false"' + (', fontcolor="white"' if kind == "person" else "") + "];")
    for severity in severities:  # a node in a gap takes its worst severity's colour, whatever its kind
        out.append(f'    "legend:{severity}" [label="in a {severity} gap", shape="box", fillcolor="{GAP_COLOUR[severity]}", '
                   f'penwidth="3", color="{GAP_COLOUR[severity]}", kind="legend", gap="false"];')
    lines = (("a1", "a2", 'label="A", penwidth="1.6"', "Accountable (A or A/R on the line)"),
             ("r1", "r2", "", "Responsible, or holds the role"),
             ("c1", "c2", 'color="#9aa5b1", penwidth="0.6", style="dotted"', "Consulted or Informed"),
             ("s1", "s2", 'style="dashed", color="#616e7c"', "reports to"),
             ("g1", "g2", f'color="{GAP_COLOUR["high"]}", penwidth="2.5"', "a gap's line, in its severity's colour"))
    for tail, head, style, text in lines:
        out.append(f'    "legend:{tail}" [label="", shape="point", width=0.05, kind="legend", gap="false"];')
        out.append(f'    "legend:{head}" [label="{text}", shape="plaintext", style="", kind="legend", gap="false"];')
        out.append(f'    "legend:{tail}" -> "legend:{head}" [{style + ", " if style else ""}kind="legend", gap="false"];')
    out.append("  }")
    return out


# -- what a PMO lead wants to look at ------------------------------------------------------------

def focus(g, only: str | None):
    """The part of the marked graph that ``only`` asks for: ``gaps`` (everything a coverage finding
    flags, with what it is attached to), ``person:NAME`` (who they are, the roles they hold, what
    those roles are R, A, C or I for, and the reporting line above them) or ``family:ID`` (a
    function family's responsibilities, the roles on them and who holds those roles). None: all."""
    if not only:
        return g
    kind, _, wanted = only.partition(":")
    if kind == "gaps" and not wanted:
        flagged = {n for n, d in g.nodes(data=True) if d["gap"]}
        keep = flagged | {x for u, v, d in g.edges(data=True) if d["gap"] for x in (u, v)}
        for node in flagged:  # one step of context: who is on a flagged responsibility, who holds a flagged role
            node_kind = g.nodes[node].get("kind")
            if node_kind in ("responsibility", "role"):
                keep |= set(g.predecessors(node)) - {n for n in g.predecessors(node)
                                                     if g.edges[n, node].get("kind") == "reports_to"}
            elif node_kind == "person":
                keep |= set(g.successors(node))
        return _with_families(g, keep)
    if kind == "person" and wanted:
        from assessor.responsibility import person_key

        node = f"person:{person_key(wanted)}"
        if node not in g:
            people = sorted(d["label"] for _, d in g.nodes(data=True) if d.get("kind") == "person")
            raise OutputError(f"no person {wanted!r} in the Roles sheet: expected one of " + ", ".join(people[:20])
                              + (f" and {len(people) - 20} more" if len(people) > 20 else ""))
        roles = [v for v in g.successors(node) if g.nodes[v].get("kind") == "role"]
        keep = {node, *roles}
        for role in roles:
            keep |= {v for v in g.successors(role) if g.nodes[v].get("kind") == "responsibility"}
            above = role
            while True:  # the reporting line, to its top
                up = [v for v in g.successors(above) if g.edges[above, v].get("kind") == "reports_to"]
                if not up or up[0] in keep:
                    break
                keep.add(up[0])
                above = up[0]
        return _with_families(g, keep)
    if kind == "family" and wanted:
        node = f"family:{wanted}"
        if node not in g:
            ids = sorted(d["id"] for _, d in g.nodes(data=True) if d.get("kind") == "family")
            raise OutputError(f"no family {wanted!r}: expected one of " + ", ".join(ids))
        resps = {u for u in g.predecessors(node) if g.nodes[u].get("kind") == "responsibility"}
        roles = {u for r in resps for u in g.predecessors(r) if g.nodes[u].get("kind") == "role"}
        people = {u for r in roles for u in g.predecessors(r) if g.nodes[u].get("kind") == "person"}
        return _with_families(g, resps | roles | people)
    raise OutputError(f"--only {only}: expected gaps, person NAME or family ID")


def _with_families(g, keep: set):
    """The subgraph of ``keep`` with the families of its responsibilities (their boxes in DOT)."""
    keep = set(keep)
    keep |= {v for u in list(keep) for v in g.successors(u) if g.nodes[v].get("kind") == "family"}
    return g.subgraph(sorted(keep)).copy()
