"""The network as GraphML or GEXF, for Gephi, VOSviewer or Cytoscape."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx

from mnr.citations.network import Network

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml(text: str) -> str:
    """``text`` without the control characters XML 1.0 cannot hold (Gephi refuses the file)."""
    return _NOT_XML.sub("", text)


def annotated(network: Network) -> nx.DiGraph:
    """A copy whose nodes carry label, year, title, traditions, kind and local citations
    (GraphML and GEXF take strings and numbers only: no None, no lists)."""
    graph: nx.DiGraph = nx.DiGraph()
    for node_id in network.graph:
        node = network.nodes[node_id]
        graph.add_node(node_id, label=_xml(node.label), year=node.year or 0,
                       title=_xml(node.title), traditions=_xml("; ".join(node.traditions)),
                       kind="outside" if node.external is not None else "work",
                       local_citations=network.graph.in_degree(node_id),
                       global_citations=node.global_citations or 0)
    graph.add_edges_from(network.graph.edges)
    return graph


def write_graph(network: Network, path: Path, kind: str) -> None:
    """Write GraphML (``kind`` "graphml") or GEXF ("gexf")."""
    graph = annotated(network)
    if kind == "gexf":
        nx.write_gexf(graph, path)
    else:
        nx.write_graphml(graph, path)
