"""The citation network: works citing works, and the outside publications several cite.

Every work's cited references (from its records' exports and from reference lists
imported for it) are parsed and matched to the library's works; a match is an edge
citing -> cited. References that match no work are grouped by the publication they
name; a group cited by at least ``min_external`` works becomes an external node, so
that classics outside the library (a book, an old report) still show.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx

from mnr.citations.external import ExternalNode, group_unmatched
from mnr.citations.match import WorkIndex
from mnr.citations.parse import CitedRef, parse
from mnr.synthesis.studies import author_year
from mnr.synthesis.traditions import current_tags
from mnr.works import Work, works

if TYPE_CHECKING:
    from mnr.library import Library
    from mnr.records import StoredRecord

REFERENCE_LIST = "Reference lists"  # the source of references imported as their own files
MIN_EXTERNAL = 2  # citing works an outside publication needs to become a node

# Times cited as the databases report it: WoS "TC", Scopus "Cited by" (CSV) or "Cited By" (RIS)
_TIMES_CITED = re.compile(r"^(?:TC |N1  - Cited By:?\s*)(\d+)\s*$", re.M)
_TIMES_CITED_COLUMNS = ("Cited by", "TC", "Times Cited, WoS Core")


@dataclass(frozen=True, slots=True)
class Node:
    """A work of the library or an outside publication, as the network shows it."""

    node: str  # "W12", or "X3" for an outside publication
    label: str  # "Simpson 2016": first author and year
    year: int | None
    title: str
    traditions: tuple[str, ...] = ()
    global_citations: int | None = None  # times cited, as the export reports it
    external: ExternalNode | None = None

    @property
    def work_id(self) -> int | None:
        return int(self.node[1:]) if self.node.startswith("W") else None


@dataclass(frozen=True, slots=True)
class SourceShare:
    """How many of one source's cited references were parsed, and how many matched a work."""

    source: str
    references: int
    matched: int


@dataclass
class Network:
    """The directed graph (node ids as in ``Node.node``) with what was found on the way."""

    graph: nx.DiGraph
    nodes: dict[str, Node]
    sources: list[SourceShare]
    citing_works: int  # works with at least one cited reference
    externals: list[ExternalNode] = field(default_factory=list)  # every outside group

    @property
    def references(self) -> int:
        return sum(s.references for s in self.sources)

    @property
    def matched(self) -> int:
        return sum(s.matched for s in self.sources)

    @property
    def work_edges(self) -> int:
        return sum(1 for u, v in self.graph.edges if u[0] == "W" and v[0] == "W")


@dataclass(frozen=True, slots=True)
class Citing:
    """The cited references of one work, each with the source it came from."""

    work_id: int
    refs: list[CitedRef]
    sources: list[str]


def cited_references(library: Library, all_works: list[Work]) -> list[Citing]:
    """Each work's cited references: its records' (a reference repeated by two databases'
    records of the work counted once) and the reference lists imported for it."""
    work_of = {r.record_id: w.work_id for w in all_works for r in w.records}
    extra: dict[int, list[str]] = defaultdict(list)
    for found in library.references.lists():
        if found.record_id in work_of:
            extra[work_of[found.record_id]].extend(found.refs)
    out = []
    for work in all_works:
        seen: set[str] = set()
        refs, sources = [], []
        pairs = [(r.database, raw) for r in work.records for raw in r.cited_refs]
        pairs += [(REFERENCE_LIST, raw) for raw in extra.get(work.work_id, [])]
        for source, raw in pairs:
            key = " ".join(raw.lower().split())
            if key and key not in seen:
                seen.add(key)
                refs.append(parse(raw))
                sources.append(source)
        if refs:
            out.append(Citing(work.work_id, refs, sources))
    return out


def times_cited(record: StoredRecord) -> int | None:
    """The record's citation count from its database, when the export gives one."""
    for column in _TIMES_CITED_COLUMNS:
        value = record.fields.get(column) if record.fields else None
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
    found = _TIMES_CITED.search(record.raw or "")
    return int(found.group(1)) if found else None


def _global_citations(library: Library) -> dict[int, int]:
    """The largest count any record of a work reports, per work."""
    counts: dict[int, int] = {}
    for record in library.records(with_source=True):
        n = times_cited(record) if record.work_id is not None else None
        if n is not None and record.work_id is not None:
            counts[record.work_id] = max(n, counts.get(record.work_id, 0))
    return counts


def external_label(ref: CitedRef) -> str:
    """"Kamada 1989" from "Kamada T, 1989, ..." or "Agostini, A., ... (2017)"."""
    head = re.split(r"[,.(;]", ref.raw.replace("[", "").replace("]", "").strip(" *"),
                    maxsplit=1)[0]
    words = [w for w in head.split() if not (w.isupper() and len(w) <= 3) or w == head]
    name = " ".join(words[:3]).strip() or (ref.first_author or "Anon.").title()
    if name.isupper():
        name = name.title()
    return f"{name} {ref.year or 'n.d.'}"


def _work_label(work: Work) -> str:
    """"Simpson 2016": the first author's surname and the year, as historiographs label."""
    label = author_year(work)
    return label.replace(" et al.", "").split(" & ")[0] + (
        f" {work.merged.year or 'n.d.'}" if " & " in label else "")


def build(library: Library, min_external: int = MIN_EXTERNAL) -> Network:
    """The network of the library's works (see the module's docstring)."""
    all_works = list(works(library))
    index = WorkIndex.from_works(all_works)
    tags = current_tags(library)
    cited = _global_citations(library)
    graph: nx.DiGraph = nx.DiGraph()
    nodes: dict[str, Node] = {}
    for work in all_works:
        node = Node(f"W{work.work_id}", _work_label(work), work.merged.year,
                    work.merged.title or "(no title)",
                    tuple(tags.get(work.work_id, {}).get("tradition", [])),
                    cited.get(work.work_id))
        nodes[node.node] = node
        graph.add_node(node.node)
    per_source: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    unmatched: list[CitedRef] = []
    unmatched_by: list[int] = []
    lists = cited_references(library, all_works)
    for citing in lists:
        for ref, source, found in zip(citing.refs, citing.sources, index.match_all(citing.refs),
                                      strict=True):
            per_source[source][0] += 1
            if found.work_id is None:
                unmatched.append(ref)
                unmatched_by.append(citing.work_id)
                continue
            per_source[source][1] += 1
            if found.work_id != citing.work_id:
                graph.add_edge(f"W{citing.work_id}", f"W{found.work_id}")
    groups = group_unmatched(unmatched, citing=unmatched_by)
    for number, group in enumerate((g for g in groups if g.citing >= min_external), start=1):
        node = Node(f"X{number}", external_label(group.ref), group.ref.year,
                    group.ref.title or group.ref.source or group.ref.raw, external=group)
        nodes[node.node] = node
        for work_id in {unmatched_by[i] for i in group.members}:
            graph.add_edge(f"W{work_id}", node.node)
    sources = [SourceShare(s, n, m) for s, (n, m) in sorted(per_source.items())]
    return Network(graph, nodes, sources, len(lists), groups)


def tradition_matrix(network: Network) -> dict[str, Counter[str]]:
    """Citations between traditions: matrix[citing tradition][cited tradition] counts the
    edges between works tagged with them (a work in two traditions counts in both)."""
    matrix: dict[str, Counter[str]] = defaultdict(Counter)
    for u, v in network.graph.edges:
        for a in network.nodes[u].traditions:
            for b in network.nodes[v].traditions:
                matrix[a][b] += 1
    return dict(matrix)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A tradition suggested for an untagged work by the community it falls in."""

    node: Node
    tradition: str
    tagged: int  # tagged works of the community in that tradition
    community: int  # works in the community


def suggest_traditions(network: Network, among: set[int] | None = None,
                       seed: int = 1) -> list[Suggestion]:
    """Louvain communities of the undirected network (outside publications included, so
    works citing the same classics fall together). Each untagged work (of ``among``, when
    given: then only their and the tagged works' neighbourhood is divided) is offered the
    tradition that more than half of its community's tagged works share, when two or more
    do."""
    graph = network.graph.to_undirected()
    if among is not None:  # only the neighbourhood of the works in question and the tagged
        core = {f"W{w}" for w in among} | {n for n, v in network.nodes.items() if v.traditions}
        core &= set(graph)
        graph = graph.subgraph(core | {m for n in core for m in graph[n]}).copy()
    graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    if graph.number_of_edges() == 0:
        return []
    out = []
    for community in nx.community.louvain_communities(graph, seed=seed):
        members = [network.nodes[n] for n in community if n.startswith("W")]
        counts = Counter(t for m in members for t in m.traditions)
        if not counts:
            continue
        best, n = counts.most_common(1)[0]
        tagged = sum(1 for m in members if m.traditions)
        if n < 2 or n * 2 <= tagged:
            continue  # no clear majority suggests nothing
        out += [Suggestion(m, best, n, len(members)) for m in members if not m.traditions
                and (among is None or m.work_id in among)]
    return sorted(out, key=lambda s: s.node.node)
