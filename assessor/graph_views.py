"""The responsibility graph's class: networkx's MultiDiGraph with its edge and degree views made when
asked instead of cached on the graph.

A cached view holds its graph, so every graph was a reference cycle: when its assessment was dropped, the
graph and its few hundred attribute dicts stayed until the cyclic collector's next pass (about 9% of an
assessment in a loop of them, and 8 MiB per 1,000 offices between a batch's passes). Made on demand, the
views cost a small object per use and the graph goes with its assessment. Imported only where a graph is
made: it imports networkx."""
from __future__ import annotations

import networkx as nx

# the views that point back at their graph (nodes, adj, succ and pred point at its dicts only)
BACK_REFERENCING = ("edges", "in_edges", "out_edges", "degree", "in_degree", "out_degree")


class ResponsibilityGraph(nx.MultiDiGraph):
    pass


for _name in BACK_REFERENCING:  # networkx's own view makers, without the cache
    setattr(ResponsibilityGraph, _name, property(getattr(nx.MultiDiGraph, _name).func))
