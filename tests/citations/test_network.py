"""The citation network of a small review known by hand (see conftest.py), its measures,
exports and historiograph; reference lists; the real Web of Science sample's network."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import pytest

from mnr.citations.export import write_graph
from mnr.citations.historiograph import draw
from mnr.citations.network import REFERENCE_LIST, Network, SourceShare, build, tradition_matrix
from mnr.citations.reference_lists import read_references
from mnr.citations.seminal import COLUMNS, seminal, to_csv, to_markdown
from mnr.dedupe.passes import deduplicate
from mnr.errors import MnrError
from mnr.library import Library
from mnr.review import open_review
from mnr.synthesis.traditions import tag
from mnr.works import works
from tests.citations.conftest import (
    KAMADA_VANCOUVER,
    LISTS,
    PSYCHIATRY,
    TRADITIONS,
    USERS,
    Small,
    list_file,
)

WORK_EDGES = {("b", "a"), ("c", "a"), ("c", "b"), ("d", "a"), ("d", "b"), ("e", "a"),
              ("e", "c"), ("e", "d"), ("f", "b"), ("f", "d")}


def _edges(small: Small, network: Network) -> set[tuple[str, str]]:
    """The graph's edges with works named by their paper keys."""
    key = {f"W{w}": k for k, w in small.work.items()}
    return {(key.get(u, u), key.get(v, v)) for u, v in network.graph.edges}


def _tag(small: Small) -> None:
    for key, names in TRADITIONS.items():
        for name in names:
            tag(small.library, small.settings, small.work[key], "tradition", name, "BH")


def test_edges_are_the_citations_and_nothing_else(cited: Small) -> None:
    network = build(cited.library)
    # DOI alone (b), Vancouver (c), WoS (d, e); the near miss of f is no edge to Adams
    assert _edges(cited, network) == WORK_EDGES | {("c", "X1"), ("d", "X1")}
    assert ("f", "a") not in _edges(cited, network) and network.work_edges == 10
    kamada = network.nodes["X1"]
    assert (kamada.label, kamada.year, kamada.work_id) == ("Kamada 1989", 1989, None)
    assert kamada.external is not None and kamada.external.citing == 2
    # the fullest of the two references (it has a title) names the node
    assert kamada.external.ref.raw == KAMADA_VANCOUVER.removeprefix("[3] ")
    assert kamada.external.key == "doi:10.1016/0020-0190(89)90102-6"  # the WoS one's DOI
    assert len(kamada.external.members) == 2
    assert sorted(n for n in network.nodes if n.startswith("X")) == ["X1"]
    # every outside group is kept, even those cited once (Adams p500, Freeman, Wasserman)
    assert [e.citing for e in network.externals] == [2, 1, 1, 1]
    refs = sum(len(v) for v in LISTS.values())
    assert network.sources == [SourceShare(REFERENCE_LIST, refs, 10)]
    assert (network.references, network.matched, network.citing_works) == (15, 10, 5)
    adams = network.nodes[cited.node("a")]
    assert (adams.label, adams.year, adams.global_citations) == ("Adams 2010", 2010, 42)


def test_outside_publications_cited_once_are_nodes_only_when_asked(cited: Small) -> None:
    network = build(cited.library, min_external=1)
    outside = {network.nodes[n].label: {u for u, _ in network.graph.in_edges(n)}
               for n in network.nodes if n.startswith("X")}
    assert outside == {"Kamada 1989": {cited.node("c"), cited.node("d")},
                       "Adams 2010": {cited.node("f")}, "Freeman 1979": {cited.node("f")},
                       "Wasserman 1994": {cited.node("b")}}
    assert build(cited.library, min_external=3).graph.number_of_nodes() == 6


def test_seminal_measures_known_by_hand(cited: Small) -> None:
    network = build(cited.library)
    found = seminal(network)
    by_key = {s.node.node: s for s in found}
    measures = {key: (s.local, s.years_cited, s.years_since, s.consistent)
                for key, s in ((k, by_key[cited.node(k)]) for k in "abcd")}
    # newest citing work: 2015. Adams: cited in 2011-14, 4 of 5 years (80%): consistent;
    # Baker: 2012, 2013, 2015, 3 of 4 (75%); Davis: 2 of 2, but fewer than three years
    assert measures == {"a": (4, 4, 5, True), "b": (3, 3, 4, False), "c": (1, 1, 3, False),
                        "d": (2, 2, 2, False)}
    assert by_key[cited.node("a")].per_year == pytest.approx(4 / 6)
    assert by_key[cited.node("b")].per_year == pytest.approx(3 / 5)
    # Kamada 1989: the years the library can show run from its oldest citing work (2011)
    assert (by_key["X1"].local, by_key["X1"].years_cited, by_key["X1"].years_since,
            by_key["X1"].consistent) == (2, 2, 5, False)
    assert by_key[cited.node("a")].global_citations == 42
    assert [s.node.node for s in found][:2] == [cited.node("a"), cited.node("b")]
    assert cited.node("e") not in by_key and cited.node("f") not in by_key  # never cited
    rank = nx.pagerank(network.graph)
    assert sum(rank.values()) == pytest.approx(1.0)
    assert all(s.pagerank == pytest.approx(rank[s.node.node]) for s in found)
    assert sum(s.pagerank for s in found) < 1.0


def test_citations_between_traditions(cited: Small) -> None:
    _tag(cited)
    network = build(cited.library)
    assert network.nodes[cited.node("e")].traditions == (PSYCHIATRY, USERS)
    assert network.nodes[cited.node("f")].traditions == ()
    # Evans (both traditions) counts in both rows; Fisher (untagged) and Kamada in none
    assert tradition_matrix(network) == {PSYCHIATRY: {PSYCHIATRY: 2, USERS: 2},
                                         USERS: {PSYCHIATRY: 5, USERS: 2}}
    by_users = {s.node.node: s.local for s in seminal(network, USERS)}
    assert by_users == {cited.node("a"): 3, cited.node("b"): 2, cited.node("c"): 1,
                        cited.node("d"): 1, "X1": 2}


def test_csv_and_markdown(cited: Small) -> None:
    _tag(cited)
    found = seminal(build(cited.library))
    text = to_csv(found)
    assert text.splitlines()[0] == ",".join(COLUMNS)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5 and rows[0]["pagerank"] == str(round(found[0].pagerank, 4))
    assert {k: v for k, v in rows[0].items() if k != "pagerank"} == {
        "node": cited.node("a"), "label": "Adams 2010", "year": "2010",
        "title": "Care coordination in community mental health teams",
        "traditions": PSYCHIATRY, "local_citations": "4", "global_citations": "42",
        "citations_per_year": "0.67", "years_cited": "4", "years_since": "5",
        "consistently_cited": "True"}
    markdown = to_markdown(found)
    assert markdown.count("\n") == 7  # header, rule, five cited papers
    assert f"| Adams 2010 ({cited.node('a')}) | 2010 | {PSYCHIATRY} | 4 | 42 | 0.67 |" in markdown
    assert "yes (4/5 years)" in markdown and "no (3/4 years)" in markdown


@pytest.mark.parametrize("kind", ["graphml", "gexf"])
def test_graph_files_read_back(cited: Small, tmp_path: Path, kind: str) -> None:
    _tag(cited)
    network = build(cited.library)
    path = tmp_path / f"net.{kind}"
    write_graph(network, path, kind)
    graph = nx.read_graphml(path) if kind == "graphml" else nx.read_gexf(path)
    assert set(graph.edges) == set(network.graph.edges)
    adams, kamada = graph.nodes[cited.node("a")], graph.nodes["X1"]
    assert (adams["label"], int(adams["year"]), adams["kind"]) == ("Adams 2010", 2010, "work")
    assert (int(adams["local_citations"]), int(adams["global_citations"])) == (4, 42)
    assert adams["traditions"] == PSYCHIATRY
    assert (kamada["label"], int(kamada["year"]), kamada["kind"]) == (
        "Kamada 1989", 1989, "outside")


def test_historiograph(cited: Small, tmp_path: Path) -> None:
    path = tmp_path / "h.png"
    assert draw(build(cited.library), path) == 7  # five cited papers and the two citing
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the four most cited (Adams, Baker, Davis, Kamada), then a third of four as many
    # citing works: Clark, who cites three of them
    assert draw(build(cited.library), path, limit=4) == 5
    with pytest.raises(MnrError, match="as png, svg, pdf"):
        draw(build(cited.library), tmp_path / "h.jpg", "jpg")


def test_an_empty_network_draws_nothing(small: Small, tmp_path: Path) -> None:
    network = build(small.library)
    assert network.graph.number_of_edges() == 0 and network.citing_works == 0
    assert seminal(network) == []
    with pytest.raises(MnrError, match="no work in the library cites another"):
        draw(network, tmp_path / "h.png")
    assert not (tmp_path / "h.png").exists()


# -- reference lists ---------------------------------------------------------------------

def test_one_reference_per_line_numbering_dropped(tmp_path: Path) -> None:
    path = tmp_path / "refs.txt"
    path.write_text("1. Smith J. A trial. BMJ. 2001;3:4.\n\n[2] Jones K, 1999, LANCET, V1, P2\n"
                    "  3) Third ref\n- Fourth ref\n", "utf-8")
    assert read_references(path) == ["Smith J. A trial. BMJ. 2001;3:4.",
                                      "Jones K, 1999, LANCET, V1, P2", "Third ref", "Fourth ref"]


def test_a_ris_file_of_references_becomes_lines(tmp_path: Path) -> None:
    path = tmp_path / "refs.ris"
    path.write_text("TY  - JOUR\nAU  - Simpson, Alan\nAU  - Hannigan, B.\nTI  - Care planning "
                    "in teams\nPY  - 2016\nJO  - BMC Psychiatry\nVL  - 16\nSP  - 147\n"
                    "EP  - 155\nDO  - 10.1186/s12888-016-0001\nER  - \n\nTY  - BOOK\n"
                    "AU  - Wasserman, Stanley\nTI  - Social network analysis\nPY  - 1994\n"
                    "ER  - \n", "utf-8")
    assert read_references(path) == [
        "Simpson A, 2016, Care planning in teams, BMC Psychiatry, V16, P147, "
        "DOI 10.1186/s12888-016-0001", "Wasserman S, 1994, Social network analysis"]


@pytest.mark.parametrize("text", ["", "\n  \n"])
def test_an_empty_list_names_the_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty-list.txt"
    path.write_text(text, "utf-8")
    with pytest.raises(MnrError, match="empty-list.txt: no references found"):
        read_references(path)


def test_a_list_is_kept_and_logged(small: Small) -> None:
    from mnr.citations.reference_lists import import_list

    source = list_file(small.project.root.parent, "c")
    record_id, count = import_list(small.project, small.library, source, small.work["c"])
    assert count == 3
    kept = small.project.searches_dir / "references" / "refs-c.txt"
    assert kept.read_bytes() == source.read_bytes()
    log = small.project.log_file.read_text("utf-8")
    assert f'[[references]]\nfile = "references/refs-c.txt"\nrecord = "R{record_id}"\n' in log
    [found] = small.library.references.lists()
    assert (found.record_id, found.file_name) == (record_id, "references/refs-c.txt")
    assert found.refs[2] == KAMADA_VANCOUVER.removeprefix("[3] ")


def test_refusals_change_nothing(small: Small) -> None:
    from mnr.citations.reference_lists import import_list

    source = list_file(small.project.root.parent, "c")
    import_list(small.project, small.library, source, small.work["c"])
    folder = small.project.searches_dir / "references"
    before = (small.project.log_file.read_text("utf-8"), small.library.references.lists(),
              sorted(folder.iterdir()))
    with pytest.raises(MnrError, match="already imported for W"):
        import_list(small.project, small.library, source, small.work["c"])
    with pytest.raises(MnrError, match="there is no work W99"):
        import_list(small.project, small.library, list_file(small.project.root.parent, "d"), 99)
    assert (small.project.log_file.read_text("utf-8"), small.library.references.lists(),
            sorted(folder.iterdir())) == before
    # the same file for another work is its list too, kept once
    import_list(small.project, small.library, source, small.work["d"])
    assert sorted(folder.iterdir()) == before[2]
    assert len(small.library.references.lists()) == 2


def test_a_fresh_checkout_replays_the_lists(cited: Small) -> None:
    before = [(r.record_id, r.file_name, r.refs) for r in cited.library.references.lists()]
    edges = _edges(cited, build(cited.library))
    cited.library.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{cited.project.database_file}{suffix}").unlink(missing_ok=True)
    opened = open_review(cited.project)
    cited.library, built = opened.library, opened.built
    assert len(built) == 1 and len(before) == 5
    assert [(r.record_id, r.file_name, r.refs) for r in cited.library.references.lists()] == before
    deduplicate(cited.library)
    assert _edges(cited, build(cited.library)) == edges


# -- the real Web of Science sample --------------------------------------------------------

def test_wos_sample_network(wos_sample: Library) -> None:
    network = build(wos_sample)
    all_works = list(works(wos_sample))

    def ids(author: str, year: int) -> set[str]:
        return {f"W{w.work_id}" for w in all_works
                if w.merged.authors[0].startswith(author) and w.merged.year == year}

    edges = set(network.graph.edges)
    [chen], [borner] = ids("Chen, C", 2006), ids("Borner", 2003)
    assert len(all_works) == 50 and len(ids("Leydesdorff", 2011)) == 2
    assert any((u, chen) in edges for u in ids("Leydesdorff", 2011))
    assert (next(iter(ids("van Eck", 2010))), borner) in edges
    assert {u for u, v in edges if v == borner} == ids("van Eck", 2010) | ids("Borner", 2005)
    assert network.work_edges == 8 and network.citing_works == 50
    assert network.matched / network.references > 0
    assert sum(s.references for s in network.sources) == network.references == 2911
    assert sum(s.matched for s in network.sources) == network.matched == 8
    kamada = next(n for n in network.nodes.values() if n.label == "Kamada 1989")
    assert network.graph.in_degree(kamada.node) == 9  # cited by nine of the fifty records
    assert network.nodes[chen].global_citations == 194  # TC 194 in the export
