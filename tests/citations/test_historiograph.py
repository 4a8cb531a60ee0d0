"""The historiograph reads on a real-sized network: a work in two traditions shows both
colours, and on forty papers (a crowded year among them) no label touches another."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx
import pytest

from mnr.citations.historiograph import (
    chosen,
    colours,
    draw,
    label_boxes,
    layout,
    overlaps,
    render,
)
from mnr.citations.network import Network, Node

TRADITIONS = ("CPA and the organisation of services", "Service users' experiences",
              "Interventions to improve the CPA")
SURNAMES = ("Simpson", "Hannigan", "Coffey", "Rose", "Schneider", "Carpenter", "Bindman",
            "McGuire-Snieckus", "Le Boutillier", "Department of Health", "Lockwood", "Bee")


def network(papers: int = 40, seed: int = 7, crowded: int = 0) -> Network:
    """A citation network of ``papers`` works, 1990-2016, each citing a few earlier ones,
    some in two traditions, some untagged; ``crowded`` more papers all from 2003."""
    rng = random.Random(seed)
    graph = nx.DiGraph()
    nodes: dict[str, Node] = {}
    years = sorted(rng.randint(1990, 2016) for _ in range(papers)) + [2003] * crowded
    for i, year in enumerate(years):
        name = f"W{i + 1}"
        surname = SURNAMES[i % len(SURNAMES)]
        label = f"{surname} et al. {year}" if i % 3 else f"{surname} {year}"
        roll = rng.random()
        traditions = (() if roll < 0.2 else TRADITIONS[:2] if roll < 0.4
                      else (TRADITIONS[i % 3],))
        nodes[name] = Node(name, label, year, f"Paper {i}", traditions)
        graph.add_node(name)
        earlier = [n for n, node in nodes.items() if (node.year or 0) < year]
        for cited in rng.sample(earlier, min(len(earlier), rng.randint(1, 4))):
            graph.add_edge(name, cited)
    return Network(graph, nodes, [], citing_works=papers)


def test_a_work_in_two_traditions_shows_both_colours() -> None:
    found = network()
    drawn = render(found, limit=40)
    order = drawn.order
    assert order == sorted(TRADITIONS)
    two = next(n for n in drawn.markers if len(found.nodes[n].traditions) == 2)
    wedges = drawn.markers[two]
    expected = colours(order, found.nodes[two])
    assert len(wedges) == 2 and len(set(expected)) == 2
    from matplotlib.colors import to_hex

    assert [to_hex(w.get_facecolor()) for w in wedges] == expected
    spans = [(w.theta1, w.theta2) for w in wedges]  # type: ignore[attr-defined]
    assert spans == [(90, 270), (270, 450)]  # two halves
    one = next(n for n in drawn.markers if len(found.nodes[n].traditions) == 1)
    assert len(drawn.markers[one]) == 1
    untagged = next(n for n in drawn.markers if not found.nodes[n].traditions)
    assert [to_hex(w.get_facecolor()) for w in drawn.markers[untagged]] == ["#8c8c8c"]
    legend = [t.get_text() for t in drawn.figure.legends[0].get_texts()]
    assert "in several traditions (split)" in legend


@pytest.mark.parametrize("crowded", [0, 14])
def test_no_label_touches_another_on_forty_papers(crowded: int) -> None:
    found = network(crowded=crowded)
    drawn = render(found, limit=40 + crowded)
    assert len(drawn.labels) >= 40
    boxes = label_boxes(drawn)
    names = sorted(boxes)
    touching = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
                if overlaps(boxes[a], boxes[b])]
    assert touching == []


def test_the_layout_spreads_years_down_and_papers_across() -> None:
    found = network(crowded=14)
    nodes = chosen(found, 54)
    plan = layout(found, nodes)
    by_year: dict[int, list[tuple[float, float]]] = {}
    for node in nodes:
        by_year.setdefault(node.year or 0, []).append(plan.place[node.node])
    years = sorted(by_year)
    # every paper of a later year lies below every paper of an earlier one
    for earlier, later in zip(years, years[1:], strict=False):
        assert max(y for _, y in by_year[later]) < min(y for _, y in by_year[earlier])
    # the papers of a year are spread across the page, in rows when there are many
    crowded = by_year[2003]
    assert len({round(y, 3) for _, y in crowded}) >= 2
    xs = sorted(x for x, _ in crowded)
    assert xs[-1] - xs[0] > plan.width * 0.6
    assert plan.width <= 9.0 and all(0 < x < plan.width for x, _ in plan.place.values())
    # one band per year, in order, none empty
    assert [year for year, _, _ in plan.years] == years
    assert all(bottom < top for _, top, bottom in plan.years)


def test_the_historiograph_is_written(tmp_path: Path) -> None:
    path = tmp_path / "h.svg"
    assert draw(network(), path, "svg", limit=40) == 40
    text = path.read_text("utf-8")
    assert "1990" in text or "1991" in text
