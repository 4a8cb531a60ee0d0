"""Seminal papers: which works (and outside publications) the library's works cite most,
and most steadily.

* local citations: citing works in the library (of one tradition, when asked);
* global citations: times cited, as the databases' exports report it;
* citations per year: local citations over the years since publication;
* PageRank (networkx) over the whole network;
* consistently cited: cited by a work published in at least 80% of the years since
  publication (the bibliometrix rule for a constant performer), counting the years the
  library can show: from the year after publication, or the oldest citing work's year if
  later, to the newest; at least three such years.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import networkx as nx

from mnr.citations.network import Network, Node
from mnr.formats.writers import write_table

CONSISTENT_SHARE = 0.8
CONSISTENT_YEARS = 3  # fewer years since publication cannot show a steady record


@dataclass(frozen=True, slots=True)
class Seminal:
    """One cited work or publication with its measures."""

    node: Node
    local: int
    per_year: float | None
    pagerank: float
    years_cited: int  # years (after publication) with at least one citing work
    years_since: int  # years observable since publication (see the module's docstring)
    consistent: bool

    @property
    def global_citations(self) -> int | None:
        return self.node.global_citations


def _citers(network: Network, node: str, tradition: str | None) -> list[Node]:
    found = [network.nodes[u] for u in network.graph.predecessors(node)]
    return [n for n in found if tradition is None or tradition in n.traditions]


def seminal(network: Network, tradition: str | None = None) -> list[Seminal]:
    """Every node cited at least once (by works of ``tradition`` when given), most cited
    first, then by PageRank."""
    graph = network.graph
    rank = nx.pagerank(graph) if graph.number_of_edges() else {n: 0.0 for n in graph}
    years = [n.year for n in network.nodes.values()
             if n.year is not None and graph.out_degree(n.node)]
    newest, oldest = max(years, default=None), min(years, default=None)
    out = []
    for node in graph:
        citers = _citers(network, node, tradition)
        if not citers:
            continue
        item = network.nodes[node]
        per_year, cited_years, since = None, 0, 0
        if item.year is not None and newest is not None and oldest is not None:
            first = max(item.year + 1, oldest)
            since = max(0, newest - first + 1)
            per_year = len(citers) / max(1, newest - item.year + 1)
            cited_years = len({n.year for n in citers if n.year and first <= n.year <= newest})
        consistent = since >= CONSISTENT_YEARS and cited_years >= CONSISTENT_SHARE * since
        out.append(Seminal(item, len(citers), per_year, rank.get(node, 0.0), cited_years,
                           since, consistent))
    return sorted(out, key=lambda s: (-s.local, -s.pagerank, s.node.node))


COLUMNS = ("node", "label", "year", "title", "traditions", "local_citations",
           "global_citations", "citations_per_year", "pagerank", "years_cited", "years_since",
           "consistently_cited")


def rows(found: list[Seminal]) -> list[dict[str, object]]:
    """One plain row per paper, in COLUMNS order."""
    return [dict(zip(COLUMNS, (
        s.node.node, s.node.label, s.node.year, s.node.title, "; ".join(s.node.traditions),
        s.local, s.global_citations,
        None if s.per_year is None else round(s.per_year, 2), round(s.pagerank, 4),
        s.years_cited, s.years_since, s.consistent), strict=True)) for s in found]


def to_csv(found: list[Seminal]) -> str:
    buffer = io.StringIO()
    write_table(buffer, COLUMNS, ([row[name] for name in COLUMNS] for row in rows(found)))
    return buffer.getvalue()


def to_markdown(found: list[Seminal]) -> str:
    head = ["Paper", "Year", "Traditions", "Local", "Global", "Per year", "PageRank",
            "Consistently cited"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows(found):
        cells = [f"{r['label']} ({r['node']})", r["year"] or "", r["traditions"],
                 r["local_citations"], "" if r["global_citations"] is None else
                 r["global_citations"], "" if r["citations_per_year"] is None else
                 f"{r['citations_per_year']:.2f}", f"{r['pagerank']:.4f}",
                 f"yes ({r['years_cited']}/{r['years_since']} years)" if r["consistently_cited"]
                 else f"no ({r['years_cited']}/{r['years_since']} years)"]
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    return "\n".join(lines) + "\n"
