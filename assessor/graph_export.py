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
        data = nx.node_link_data(g, edges="edges")
        return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    return buffer.getvalue()


SHAPES = {"person": "ellipse", "role": "box", "responsibility": "note", "family": "folder"}


# Graphviz refuses a quoted string of 16,384 bytes or more as written in the file (escapes included):
# the whole file becomes unreadable. Longer strings are cut to this many bytes, with a marker; the
# full text stays in the GraphML, GEXF and JSON exports.
DOT_STRING_BYTES = 16_000
SHORTENED = " … [shortened from {n:,} characters; the full text is in the GraphML, GEXF and JSON exports]"


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")


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
    lines = ["digraph responsibility {", "  rankdir=LR;", '  node [style=filled, fontname="Helvetica"];']
    for node, data in g.nodes(data=True):
        attrs = {"label": data.get("label", node), "shape": SHAPES.get(data.get("kind"), "ellipse"),
                 "fillcolor": data["colour"], "kind": data.get("kind", ""), "gap": str(data["gap"]).lower()}
        if data["gap"]:
            attrs.update(penwidth="3", color=data["colour"], tooltip=data["findings"])
        lines.append(f"  {_dot_string(node, unique=True)} ["
                     + ", ".join(f"{k}={_dot_string(v)}" for k, v in attrs.items()) + "];")
    for u, v, data in g.edges(data=True):
        attrs = {"label": data.get("label", ""), "kind": data.get("kind", ""), "gap": str(data["gap"]).lower()}
        if data.get("kind") == "reports_to":
            attrs["style"] = "dashed"
        if data["gap"]:
            attrs.update(color=GAP_COLOUR[data["severity"]], penwidth="2.5", tooltip=data["findings"])
        lines.append(f"  {_dot_string(u, unique=True)} -> {_dot_string(v, unique=True)} ["
                     + ", ".join(f"{k}={_dot_string(x)}" for k, x in attrs.items()) + "];")
    lines.append("}")
    return "\n".join(lines) + "\n"
