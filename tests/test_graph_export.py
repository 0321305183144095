"""``pmo-assess graph FILE... -o OUT``: the responsibility graph for graph viewers, gaps marked.

The format comes from the extension (.graphml, .gexf, .dot, .json). Each export of a sample is
read back: GraphML and GEXF with networkx, JSON as node-link data, DOT with a small statement
checker and, when Graphviz is installed, ``dot -Tsvg``. Nodes and edges carry ``kind``, ``label``
and ``gap``; the nodes and edges behind the Harbour City Council findings are flagged. Names
typed into a workbook (quotes, ``<script>``, backslashes, newlines) must not break any format.

Each CLI run builds its own Assessor (a compiled rule set), so every export is made once per
module and shared.
"""
from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from assessor.api import Assessor
from assessor.assessment import COVERAGE_CATEGORIES
from assessor.cli import cli
from assessor.graph_export import COLOURS, GAP_COLOUR, marked_graph, render_graph
from assessor.questionnaire import layout as L
from assessor.xlsx import openpyxl

REPO = Path(__file__).resolve().parent.parent
HARBOUR = REPO / "samples" / "harbour-city-council.xlsx"
FORMATS = ("graphml", "gexf", "dot", "json")
KINDS = {"person", "role", "responsibility", "family"}
DOT = shutil.which("dot")

# A holder cell and a role name a hostile or careless respondent could type. The reader splits
# holders on ";" and newlines, so the holder cell names two people; the role name keeps its newline.
PERSON_1 = 'Evil "Q" <script>alert(1)</script> C:\\temp\\ & co'
PERSON_2 = "Second <b>line</b> ends in a backslash \\"
HOLDER_CELL = PERSON_1 + "\n" + PERSON_2
ROLE_NAME = 'PM "lead" <img src=x onerror=alert(1)>\nsecond line \\n not a newline'


def run_cli(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def export(source: Path, out: Path):
    result = run_cli("graph", source, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    assert out.stat().st_size > 0
    return out


@pytest.fixture(scope="module")
def harbour(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("graph-harbour")
    return {fmt: export(HARBOUR, folder / f"harbour.{fmt}") for fmt in FORMATS}


@pytest.fixture(scope="module")
def harbour_assessment():
    return Assessor().assess([HARBOUR])


def _role_row(ws, role_id) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == role_id)


@pytest.fixture(scope="module")
def nasty(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("graph-nasty")
    wb = openpyxl().load_workbook(HARBOUR)
    ws = wb[L.ROLES]
    row = _role_row(ws, "PM")
    ws.cell(row=row, column=2).value = ROLE_NAME
    ws.cell(row=row, column=3).value = HOLDER_CELL
    source = folder / "nasty.xlsx"
    wb.save(source)
    return {fmt: export(source, folder / f"nasty.{fmt}") for fmt in FORMATS}


def read_json(path: Path):
    return nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="edges")


# --- DOT, checked without Graphviz -----------------------------------------------------------------

QUOTED = r'"(?:[^"\\]|\\.)*"'
ATTR = rf'[a-z_]+={QUOTED}'
ATTRS = rf'\[{ATTR}(?:, {ATTR})*\]'
NODE_LINE = re.compile(rf'^  (?P<node>{QUOTED}) (?P<attrs>{ATTRS});$')
EDGE_LINE = re.compile(rf'^  (?P<u>{QUOTED}) -> (?P<v>{QUOTED}) (?P<attrs>{ATTRS});$')
HEADER = ["digraph responsibility {", "  rankdir=LR;", '  node [style=filled, fontname="Helvetica"];']


def dot_text(quoted: str) -> str:
    """What a DOT string shows: \\" is a quote, \\\\ a backslash, \\n a line break."""
    return re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n" else m.group(1), quoted[1:-1], flags=re.DOTALL)


def dot_attrs(text: str) -> dict:
    return {k: dot_text(v) for k, v in re.findall(rf'([a-z_]+)=({QUOTED})', text)}


CLUSTER_OPEN = re.compile(rf'^  subgraph (?P<name>{QUOTED}) {{$')
CLUSTER_STYLE = re.compile(rf'^    label=(?P<label>{QUOTED}); style="rounded"; color="#bab0ac";$')
DEFAULTS = re.compile(r'^  (graph|edge) \[[^\]]*\];$')


def parse_dot(text: str, clusters: dict | None = None) -> tuple[dict, list]:
    """Nodes {id: attrs} and edges [(u, v, attrs)]; fails on any line that is not a quoted statement,
    a default-attribute line, or a family's box (``clusters`` gets {box label: [its nodes]}). The
    legend's box is skipped: it is not part of the office's graph."""
    lines = text.rstrip("\n").split("\n")
    assert lines[:3] == HEADER and lines[-1] == "}"
    outside = re.sub(QUOTED, '""', text)
    assert outside.count("{") == outside.count("}")
    nodes, edges = {}, []
    box, legend = None, False
    for line in lines[3:-1]:
        if DEFAULTS.match(line):
            continue
        if m := CLUSTER_OPEN.match(line):
            box, legend = dot_text(m["name"]), dot_text(m["name"]) == "cluster_legend"
            continue
        if line == "  }":
            box, legend = None, False
            continue
        if legend:
            continue
        if box is not None:
            if m := CLUSTER_STYLE.match(line):
                box = dot_text(m["label"])
                if clusters is not None:
                    clusters[box] = []
                continue
            assert line.startswith("    "), line
            line = line[2:]
        if m := NODE_LINE.match(line):
            nodes[dot_text(m["node"])] = dot_attrs(m["attrs"])
            if box is not None and clusters is not None:
                clusters[box].append(dot_text(m["node"]))
        elif m := EDGE_LINE.match(line):
            edges.append((dot_text(m["u"]), dot_text(m["v"]), dot_attrs(m["attrs"])))
        else:
            pytest.fail(f"not a quoted node or edge statement: {line!r}")
    for u, v, _ in edges:
        assert u in nodes and v in nodes, (u, v)
    return nodes, edges


def render_svg(path: Path) -> ET.Element:
    proc = subprocess.run([DOT, "-Tsvg", str(path)], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert b"syntax error" not in proc.stderr
    return ET.fromstring(proc.stdout)


def svg_texts(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text")]


# --- the command --------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_is_written(harbour, fmt):
    assert harbour[fmt].exists()


def test_the_gv_extension_is_dot_too(tmp_path, harbour):
    out = export(HARBOUR, tmp_path / "harbour.gv")
    assert out.read_text(encoding="utf-8") == harbour["dot"].read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["graph.png", "graph.xml", "graph"])
def test_unknown_extension_exits_2_before_any_work(tmp_path, name):
    out = tmp_path / name
    result = run_cli("graph", HARBOUR, "-o", out)
    assert result.exit_code == 2
    assert "unknown graph format" in result.output
    assert ".graphml" in result.output and ".gexf" in result.output
    assert not out.exists()
    assert "Traceback" not in result.output


def test_refuses_to_overwrite_without_force(tmp_path, harbour):
    out = tmp_path / "existing.graphml"
    out.write_text("keep me", encoding="utf-8")
    result = run_cli("graph", HARBOUR, "-o", out)
    assert result.exit_code == 2
    assert "--force" in result.output
    assert out.read_text(encoding="utf-8") == "keep me"
    forced = run_cli("graph", HARBOUR, "-o", out, "--force")
    assert forced.exit_code == 0, forced.output
    assert out.read_text(encoding="utf-8") == harbour["graphml"].read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["existing.graphml"]   # no temporary file left


def test_a_missing_input_exits_2(tmp_path):
    result = run_cli("graph", tmp_path / "nope.xlsx", "-o", tmp_path / "g.graphml")
    assert result.exit_code == 2
    assert not (tmp_path / "g.graphml").exists()


# --- read back ------------------------------------------------------------------------------------

def _check_marked(g) -> None:
    assert len(g) > 0
    for node, data in g.nodes(data=True):
        assert data["kind"] in KINDS, (node, data)
        assert isinstance(data["label"], str) and data["label"], node
        assert isinstance(data["gap"], bool), node
        if data["gap"]:
            assert data["findings"] and data["colour"] == GAP_COLOUR[data["severity"]], (node, data)
        else:
            assert data["colour"] == COLOURS[data["kind"]] and not data["findings"], (node, data)
    for u, v, data in g.edges(data=True):
        assert data["kind"] in ("holds", "raci", "belongs_to", "reports_to"), (u, v, data)
        assert isinstance(data["label"], str) and data["label"], (u, v)
        assert isinstance(data["gap"], bool), (u, v)
        if data["kind"] == "raci":
            assert data["label"] in ("R", "A", "C", "I", "A/R")
    assert any(d["gap"] for _, d in g.nodes(data=True)), "no gap node"
    assert any(d["gap"] for _, _, d in g.edges(data=True)), "no gap edge"


def test_graphml_reads_back_with_kinds_labels_and_gaps(harbour):
    g = nx.read_graphml(harbour["graphml"])
    assert g.is_directed()
    _check_marked(g)


def test_json_is_node_link_data_of_the_same_graph(harbour):
    data = json.loads(harbour["json"].read_text(encoding="utf-8"))
    assert data["directed"] is True and {"nodes", "edges"} <= set(data)
    g = read_json(harbour["json"])
    _check_marked(g)
    graphml = nx.read_graphml(harbour["graphml"])
    assert set(g.nodes) == set(graphml.nodes)
    assert set(g.edges) == set(graphml.edges)
    for node in g:
        for key in ("kind", "label", "gap", "severity", "findings", "colour"):
            assert g.nodes[node][key] == graphml.nodes[node][key], (node, key)


def test_gexf_reads_back_with_kinds_labels_gaps_and_colours(harbour):
    g = nx.read_gexf(harbour["gexf"])
    assert g.is_directed()
    graphml = nx.read_graphml(harbour["graphml"])
    assert (g.number_of_nodes(), g.number_of_edges()) == (graphml.number_of_nodes(), graphml.number_of_edges())
    by_label = {(d["kind"], d["label"]): d for _, d in g.nodes(data=True)}
    assert len(by_label) == g.number_of_nodes()
    for _, data in g.nodes(data=True):
        assert data["kind"] in KINDS and isinstance(data["gap"], bool)
        colour = data["viz"]["color"]
        assert "#{:02x}{:02x}{:02x}".format(colour["r"], colour["g"], colour["b"]) == data["colour"]
    sam = by_label[("person", "Sam Hughes")]
    assert sam["gap"] is True and "COV-OVERLOAD" in sam["findings"]
    assert any(d["gap"] for _, _, d in g.edges(data=True))


def test_dot_is_well_formed_and_carries_the_flags(harbour):
    clusters: dict = {}
    nodes, edges = parse_dot(harbour["dot"].read_text(encoding="utf-8"), clusters)
    graphml = nx.read_graphml(harbour["graphml"])
    families = {n for n, d in graphml.nodes(data=True) if d["kind"] == "family"}
    assert set(nodes) == set(graphml.nodes) - families, "a family is the box its responsibilities sit in"
    assert {(u, v) for u, v, _ in edges} == {(u, v) for u, v, d in graphml.edges(data=True) if d["kind"] != "belongs_to"}
    for u, v, d in graphml.edges(data=True):
        if d["kind"] == "belongs_to":
            assert u in clusters[graphml.nodes[v]["label"]], (u, v)
    for node, attrs in nodes.items():
        assert attrs["kind"] == graphml.nodes[node]["kind"]
        assert attrs["label"] == graphml.nodes[node]["label"]
        assert attrs["gap"] == str(graphml.nodes[node]["gap"]).lower()
        if attrs["gap"] == "true":
            assert attrs["tooltip"] == graphml.nodes[node]["findings"] and attrs["penwidth"]
    assert any(a["gap"] == "true" for _, _, a in edges)


def test_dot_labels_the_edges_where_the_label_informs(harbour):
    """The Accountable's letter on its line; R, C and I, holding and reporting told apart by style."""
    _, edges = parse_dot(harbour["dot"].read_text(encoding="utf-8"))
    graphml = nx.read_graphml(harbour["graphml"])
    for u, v, attrs in edges:
        letters = graphml.edges[u, v].get("letters")
        if letters in ("A", "A/R"):
            assert attrs["label"] == letters, (u, v)
        else:
            assert "label" not in attrs, (u, v, attrs)
        if letters in ("C", "I") and attrs["gap"] == "false":
            assert attrs["style"] == "dotted"
        if attrs["kind"] == "reports_to":
            assert attrs["style"] == "dashed" and attrs["constraint"] == "false"


def test_dot_has_a_legend_of_shapes_colours_and_lines(harbour):
    text = harbour["dot"].read_text(encoding="utf-8")
    legend = text[text.index('subgraph "cluster_legend"'):]
    for words in ("person", "role", "responsibility", "Accountable", "Consulted or Informed", "reports to"):
        assert words in legend, words
    assert "in a high gap" in legend and "severity" in legend, "the severities the office's gaps have"


@pytest.mark.skipif(DOT is None, reason="Graphviz `dot` is not installed")
def test_dot_renders_with_graphviz(harbour):
    texts = svg_texts(render_svg(harbour["dot"]))
    assert "Sam Hughes" in texts


# --- the gaps are marked where the findings are ---------------------------------------------------------

HARBOUR_NODES = {   # node -> (rule that must flag it, worst severity on it)
    "person:sam hughes": ("COV-OVERLOAD", "medium"),
    "person:ellen marsh": ("COV-SPOF-SMALL", "low"),
    "resp:risk-issue-management": ("COV-R-NONE", None),
    "resp:stage-gate-review": ("COV-REQ-CRITICAL", "high"),
    "role:PROJ-BOARD": ("COV-INDEP-ROLE", "high"),
}
HARBOUR_EDGES = {
    ("role:PROJ-BOARD", "resp:project-delivery"): "COV-INDEP-ROLE",
    ("role:PROJ-BOARD", "resp:quality-assurance"): "COV-INDEP-ROLE",
    ("person:sam hughes", "role:PSO"): "COV-OVERLOAD",
    ("person:sam hughes", "role:DATA-ADMIN"): "COV-OVERLOAD",
}


@pytest.mark.parametrize("fmt", ["graphml", "json"])
def test_harbour_findings_are_flagged_on_their_nodes_and_edges(harbour, fmt):
    g = nx.read_graphml(harbour["graphml"]) if fmt == "graphml" else read_json(harbour["json"])
    for node, (rule, severity) in HARBOUR_NODES.items():
        data = g.nodes[node]
        assert data["gap"] is True and rule in data["findings"].split(), (node, data)
        if severity:
            assert data["severity"] == severity, (node, data)
    for (u, v), rule in HARBOUR_EDGES.items():
        data = g.edges[u, v]
        assert data["gap"] is True and rule in data["findings"].split(), (u, v, data)
    assert g.nodes["person:priya nair"]["gap"] is False          # no finding about her
    assert g.edges["role:PM", "role:PROJ-BOARD"]["gap"] is False


def test_every_coverage_finding_is_marked(harbour_assessment):
    g = marked_graph(harbour_assessment)
    by_key = {}
    for node, data in g.nodes(data=True):
        for key in (data.get("id"), data.get("label")):
            by_key.setdefault(key, set()).add(node)
    by_cell = {}
    for u, v, data in g.edges(data=True):
        if data.get("cell"):
            by_cell.setdefault(data["cell"], set()).add((u, v))
    coverage = [f for f in harbour_assessment.outcome.findings if f.category in COVERAGE_CATEGORIES]
    assert coverage
    marked_somewhere = 0
    for f in coverage:
        for node in by_key.get(f.subject, ()):
            assert f.rule in g.nodes[node]["findings"].split(), (f.rule, node)
            marked_somewhere += 1
        for e in f.evidence:
            for edge in by_cell.get(f"{e.sheet}!{e.cell}", ()):
                assert f.rule in g.edges[edge]["findings"].split(), (f.rule, edge)
    assert marked_somewhere >= len(coverage) // 2


# --- names that could break a format ----------------------------------------------------------------

def test_nasty_names_survive_graphml(nasty):
    g = nx.read_graphml(nasty["graphml"])
    labels = {d["label"] for _, d in g.nodes(data=True) if d["kind"] == "person"}
    assert {PERSON_1, PERSON_2} <= labels
    assert g.nodes["role:PM"]["label"] == ROLE_NAME


def test_nasty_names_survive_gexf(nasty):
    g = nx.read_gexf(nasty["gexf"])
    labels = {d["label"] for _, d in g.nodes(data=True)}
    assert {PERSON_1, PERSON_2, ROLE_NAME} <= labels
    assert g.number_of_nodes() == nx.read_graphml(nasty["graphml"]).number_of_nodes()


def test_nasty_names_survive_json(nasty):
    text = nasty["json"].read_text(encoding="utf-8")
    g = read_json(nasty["json"])
    assert {PERSON_1, PERSON_2} <= {d["label"] for _, d in g.nodes(data=True)}
    assert g.nodes["role:PM"]["label"] == ROLE_NAME
    assert json.loads(text) == json.loads(json.dumps(json.loads(text)))


def test_nasty_names_survive_dot(nasty):
    nodes, edges = parse_dot(nasty["dot"].read_text(encoding="utf-8"))
    labels = {a["label"] for a in nodes.values()}
    assert {PERSON_1, PERSON_2} <= labels
    assert nodes["role:PM"]["label"] == ROLE_NAME
    people = [n for n, a in nodes.items() if a["label"] == PERSON_1]
    assert len(people) == 1 and (people[0], "role:PM") in {(u, v) for u, v, _ in edges}


@pytest.mark.skipif(DOT is None, reason="Graphviz `dot` is not installed")
def test_nasty_names_render_with_graphviz(nasty):
    svg = render_svg(nasty["dot"])
    assert not list(svg.iter("{http://www.w3.org/2000/svg}script"))
    texts = svg_texts(svg)
    assert PERSON_1 in texts
    assert PERSON_2 in texts
    assert ROLE_NAME.split("\n")[0] in texts and ROLE_NAME.split("\n")[1] in texts


# --- names longer than Graphviz reads (defect 3 of issue 10) ----------------------------------------

LONG_1 = "Alexandra " + "Long" * 5_000 + " One"          # 20,014 characters
LONG_2 = "Alexandra " + "Long" * 5_000 + " Two"          # the same 20,010 first characters
LONG_ROLE = "Project manager, " + "\"quoted\" \\ " * 2_000 + "end"   # escapes double its size in DOT


@pytest.fixture(scope="module")
def long_names(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("graph-long")
    wb = openpyxl().load_workbook(HARBOUR)
    ws = wb[L.ROLES]
    ws.cell(row=_role_row(ws, "PM"), column=2).value = LONG_ROLE
    ws.cell(row=_role_row(ws, "PM"), column=3).value = LONG_1
    ws.cell(row=_role_row(ws, "PLANNER"), column=3).value = LONG_2
    source = folder / "long.xlsx"
    wb.save(source)
    return {fmt: export(source, folder / f"long.{fmt}") for fmt in FORMATS}


def test_long_names_are_shortened_in_dot_with_a_marker_and_stay_distinct(long_names):
    from assessor.graph_export import DOT_STRING_BYTES

    text = long_names["dot"].read_text(encoding="utf-8")
    assert all(len(q.encode("utf-8")) - 2 <= DOT_STRING_BYTES for q in re.findall(QUOTED, text))
    nodes, edges = parse_dot(text)
    people = [a["label"] for a in nodes.values() if a.get("kind") == "person" and a["label"].startswith("Alexandra")]
    assert len(people) == 2 and all("[shortened from 20,01" in p for p in people)
    assert len({n for n in nodes if n.startswith("person:alexandra")}) == 2   # two people, not merged
    assert "[shortened from" in nodes["role:PM"]["label"] and nodes["role:PM"]["label"].startswith("Project manager")
    assert {u for u, _, _ in edges} <= set(nodes) and {v for _, v, _ in edges} <= set(nodes)


def test_long_names_stay_whole_in_graphml_gexf_and_json(long_names):
    for g in (nx.read_graphml(long_names["graphml"]), nx.read_gexf(long_names["gexf"]), read_json(long_names["json"])):
        labels = {d.get("label") for _, d in g.nodes(data=True)}
        assert {LONG_1, LONG_2, LONG_ROLE} <= labels


@pytest.mark.skipif(DOT is None, reason="Graphviz `dot` is not installed")
def test_long_names_render_with_graphviz(long_names):
    texts = " ".join(svg_texts(render_svg(long_names["dot"])))
    assert "Alexandra" in texts and "shortened from" in texts


# --- library bugs found while writing these tests ------------------------------------------------------

def test_gexf_keeps_a_person_whose_name_is_a_family_id(tmp_path):
    wb = openpyxl().load_workbook(HARBOUR)
    ws = wb[L.ROLES]
    ws.cell(row=_role_row(ws, "PLANNER"), column=3).value = "Delivery"
    source = tmp_path / "delivery.xlsx"
    wb.save(source)
    g = marked_graph(Assessor().assess([source]))
    (tmp_path / "g.gexf").write_bytes(render_graph(g, "gexf"))
    back = nx.read_gexf(tmp_path / "g.gexf")
    assert (back.number_of_nodes(), back.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges())


def test_declared_networkx_floor_supports_node_link_edges():
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg")
    requirement = next(line for line in config["options"]["install_requires"].split("\n")
                       if line.strip().startswith("networkx"))
    floor = tuple(int(x) for x in re.search(r">=\s*([\d.]+)", requirement).group(1).split(".")[:2])
    assert floor >= (3, 4), requirement


# --- a graph a PMO lead can read: filters, and each sample rendered -------------------------------------

def _export(source: Path, out: Path, *only) -> nx.DiGraph:
    result = run_cli("graph", source, "-o", out, *only)
    assert result.exit_code == 0, result.output
    return nx.read_graphml(out)


def test_only_gaps_keeps_what_the_findings_flag_and_what_they_touch(harbour, tmp_path):
    full = nx.read_graphml(harbour["graphml"])
    gaps = _export(HARBOUR, tmp_path / "gaps.graphml", "--only", "gaps")
    flagged = {n for n, d in full.nodes(data=True) if d["gap"]}
    assert flagged <= set(gaps.nodes) and len(gaps) < len(full)
    touched = flagged | {x for u, v, d in full.edges(data=True) if d["gap"] for x in (u, v)}
    for node, data in gaps.nodes(data=True):
        if data["kind"] == "family":
            continue
        assert node in touched or any(n in flagged for n in (*full.successors(node), *full.predecessors(node))), node


@pytest.mark.parametrize("words", [("--only", "person", "Sam Hughes"), ("--only", "person:sam  HUGHES")])
def test_only_person_shows_their_roles_responsibilities_and_reporting_line(harbour, tmp_path, words):
    full = nx.read_graphml(harbour["graphml"])
    g = _export(HARBOUR, tmp_path / "sam.graphml", *words)
    people = [n for n, d in g.nodes(data=True) if d["kind"] == "person"]
    assert people == ["person:sam hughes"]
    roles = {v for v in full.successors("person:sam hughes")}
    assert roles <= set(g.nodes)
    for role in roles:
        for v in full.successors(role):
            if full.nodes[v]["kind"] == "responsibility":
                assert v in g, (role, v)
    line = [v for v in full.successors("role:PSO") if full.edges["role:PSO", v]["kind"] == "reports_to"]
    assert set(line) <= set(g.nodes), "the reporting line above their roles"


def test_only_family_shows_its_responsibilities_roles_and_people(harbour, tmp_path):
    full = nx.read_graphml(harbour["graphml"])
    g = _export(HARBOUR, tmp_path / "gov.graphml", "--only", "family", "governance")
    resps = {n for n, d in g.nodes(data=True) if d["kind"] == "responsibility"}
    expected = {u for u in full.predecessors("family:governance") if full.nodes[u]["kind"] == "responsibility"}
    assert resps == expected and resps
    assert [n for n, d in g.nodes(data=True) if d["kind"] == "family"] == ["family:governance"]
    for node, data in g.nodes(data=True):
        if data["kind"] == "role":
            assert any(v in resps for v in full.successors(node)), node


@pytest.mark.parametrize("only, said", [(("--only", "person", "Nobody Here"), "no person 'Nobody Here'"),
                                        (("--only", "family", "astrology"), "no family 'astrology'"),
                                        (("--only", "everything"), "expected gaps, person NAME or family ID")])
def test_an_unknown_filter_is_a_clear_error_and_no_file(tmp_path, only, said):
    out = tmp_path / "g.dot"
    result = run_cli("graph", HARBOUR, "-o", out, *only)
    assert result.exit_code == 2 and said in result.output and "Traceback" not in result.output
    assert not out.exists()


SAMPLE_FILES = sorted((REPO / "samples").glob("*.xlsx"))


def _plain_layout(dot_file: Path) -> tuple[float, float, list]:
    """(width, height in inches, node boxes) of Graphviz's layout (``dot -Tplain``)."""
    proc = subprocess.run([DOT, "-Tplain", str(dot_file)], capture_output=True, timeout=120, text=True)
    assert proc.returncode == 0 and "Error" not in proc.stderr, proc.stderr
    width = height = 0.0
    boxes = []
    for line in proc.stdout.splitlines():
        parts = shlex.split(line)  # names with spaces come quoted
        if parts[0] == "graph":
            width, height = float(parts[2]), float(parts[3])
        elif parts[0] == "node":
            name, x, y, w, h = parts[1], *map(float, parts[2:6])
            boxes.append((name, x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    return width, height, boxes


@pytest.mark.skipif(DOT is None, reason="Graphviz `dot` is not installed")
@pytest.mark.parametrize("source", SAMPLE_FILES, ids=lambda p: p.stem)
def test_each_sample_renders_to_a_readable_png(tmp_path, source):
    for only in ((), ("--only", "gaps")):
        dot_file = tmp_path / f"{source.stem}{'-gaps' if only else ''}.dot"
        result = run_cli("graph", source, "-o", dot_file, *only)
        assert result.exit_code == 0, result.output
        png = dot_file.with_suffix(".png")
        proc = subprocess.run([DOT, "-Tpng", str(dot_file), "-o", str(png)], capture_output=True, timeout=120)
        assert proc.returncode == 0 and b"Error" not in proc.stderr, proc.stderr.decode(errors="replace")
        head = png.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        pixels_w, pixels_h = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        assert pixels_w > 300 and pixels_h > 300
        width, height, boxes = _plain_layout(dot_file)
        # about an A3 page's width at full size: the labels stay at their 10-14 point size when printed
        assert width <= 20, (source.stem, width)
        for i, a in enumerate(boxes):  # no node drawn over another
            for b in boxes[i + 1:]:
                overlap = min(a[3], b[3]) - max(a[1], b[1]) > 0.01 and min(a[4], b[4]) - max(a[2], b[2]) > 0.01
                assert not overlap, (source.stem, a[0], b[0])


def test_graphml_and_gexf_with_a_control_character_are_still_xml(tmp_path):
    """A Holder "Kofi_x001B_Mensah" (Excel's escape for ESC) made both files unreadable XML: yEd and Gephi
    refused them. The character, and a bidi override, are written as the text naming them."""
    wb = openpyxl().load_workbook(HARBOUR)
    ws = wb[L.ROLES]
    ws.cell(row=_role_row(ws, "PM"), column=3).value = "Kofi_x001B_Mensah \u202eevil"
    source = tmp_path / "esc.xlsx"
    wb.save(source)
    graphml = nx.read_graphml(export(source, tmp_path / "esc.graphml"))
    gexf = nx.read_gexf(export(source, tmp_path / "esc.gexf"))
    for g in (graphml, gexf):
        assert "Kofi\\x1bMensah \\u202eevil" in {d["label"] for _, d in g.nodes(data=True)}
    assert graphml.number_of_nodes() == gexf.number_of_nodes()


def test_dot_shows_terminal_controls_escaped(tmp_path):
    wb = openpyxl().load_workbook(HARBOUR)
    ws = wb[L.ROLES]
    ws.cell(row=_role_row(ws, "PM"), column=3).value = "Eve \x9b[2J \u202eevil\x85end"  # (C0 cannot be saved)
    source = tmp_path / "controls.xlsx"
    wb.save(source)
    text = export(source, tmp_path / "controls.dot").read_text(encoding="utf-8")
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    nodes, _ = parse_dot(text)
    assert "Eve \\x9b[2J \\u202eevil\\x85end" in {a["label"] for a in nodes.values()}
    raw = export(source, tmp_path / "controls.json").read_text(encoding="utf-8")
    assert not re.search("[\x7f-\x9f\u202a-\u202e]", raw) and "\\u009b" in raw and "\\u202e" in raw
    assert "Eve \x9b[2J \u202eevil\x85end" in {d["label"] for _, d in read_json(tmp_path / "controls.json").nodes(data=True)}
