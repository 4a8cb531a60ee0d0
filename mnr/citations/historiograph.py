"""The historiograph: the most cited papers by year, coloured by tradition, citations as arrows.

Garfield's picture of a field's history: publication year on the x axis, the papers
of one year stacked in a column, an arrow from each citing paper back to the paper it
cites. The papers are the ``limit`` most cited in the library (local citations), with
the works citing them; works are filled, outside publications hollow. Matplotlib is
imported only when drawing.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from mnr.citations.network import Network, Node
from mnr.errors import MnrError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.lines import Line2D

FORMATS = ("png", "svg", "pdf")
UNTAGGED = "(untagged)"
OUTSIDE = "outside the library"
_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
            "#e377c2", "#bcbd22")
_GREY = "#8c8c8c"


def chosen(network: Network, limit: int = 30) -> list[Node]:
    """The ``limit`` most cited papers with a year, then the works citing them, most
    citing first: up to ``limit`` in all, or a third as many again when the most cited
    fill the limit, so that the citing side of the story still shows."""
    graph = network.graph
    dated = [n for n in graph if network.nodes[n].year is not None]
    cited = sorted((n for n in dated if graph.in_degree(n)),
                   key=lambda n: (-graph.in_degree(n), n))[:limit]
    keep = set(cited)
    citing = {u for v in cited for u in graph.predecessors(v)
              if network.nodes[u].year is not None} - keep
    extra = sorted(citing, key=lambda n: (-sum(1 for v in graph.successors(n) if v in keep), n))
    keep.update(extra[:max(0, limit - len(keep))] if len(keep) < limit else extra[:limit // 3])
    return sorted((network.nodes[n] for n in keep), key=lambda n: (n.year or 0, n.label, n.node))


def _colour(order: list[str], node: Node) -> str:
    if node.external is not None or not node.traditions:
        return _GREY
    return _PALETTE[order.index(node.traditions[0]) % len(_PALETTE)]


def draw(network: Network, output: Path | BinaryIO, fmt: str = "png", limit: int = 30,
         title: str = "Historiograph") -> int:
    """Write the figure; returns the papers drawn. Refuses an empty network."""
    if fmt not in FORMATS:
        raise MnrError(f"the historiograph is written as {', '.join(FORMATS)}, not {fmt}")
    nodes = chosen(network, limit)
    if not nodes:
        raise MnrError("no work in the library cites another yet: import exports with cited "
                       "references, or add reference lists with `mnr references import`")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    years, place, tallest = _places(nodes)
    order = sorted({t for n in nodes for t in n.traditions[:1]})
    width = min(11.7, max(6.0, 0.75 * len(years) + 2))
    fig, ax = plt.subplots(figsize=(width, max(3.2, 0.6 * tallest + 1.8)))
    _draw_citations(ax, network, place)
    _draw_papers(ax, network, nodes, place, order)
    _draw_axes(ax, years, tallest, title)
    handles = _legend(nodes, order)
    ax.legend(handles=handles, fontsize=7, frameon=False, loc="upper center",
              bbox_to_anchor=(0.5, -0.16), ncol=min(3, max(1, len(handles))))
    fig.tight_layout()
    fig.savefig(output, format=fmt, dpi=200 if fmt == "png" else None, bbox_inches="tight")
    plt.close(fig)
    return len(nodes)


def _places(nodes: list[Node]) -> tuple[list[int], dict[str, tuple[float, float]], int]:
    """The years with papers (one column each); each paper's place, stacked in its year's
    column and centred on 0; and the tallest column."""
    by_year: dict[int, list[Node]] = defaultdict(list)
    for node in nodes:
        by_year[node.year or 0].append(node)
    years = sorted(by_year)
    column = {year: i for i, year in enumerate(years)}
    place: dict[str, tuple[float, float]] = {}
    for year, group in by_year.items():
        for row, node in enumerate(group):
            place[node.node] = (column[year], row - (len(group) - 1) / 2)
    return years, place, max(len(v) for v in by_year.values())


def _draw_citations(ax: Axes, network: Network, place: dict[str, tuple[float, float]]) -> None:
    """An arrow from each citing paper to the paper it cites, both drawn (in a fixed order,
    whatever order the graph was built in)."""
    for u, v in sorted(network.graph.edges):
        if u in place and v in place:
            ax.annotate("", xy=place[v], xytext=place[u], zorder=1,
                        arrowprops={"arrowstyle": "-|>", "color": "#9a9a9a", "lw": 0.6,
                                    "shrinkA": 5, "shrinkB": 5, "alpha": 0.7})


def _draw_papers(ax: Axes, network: Network, nodes: list[Node],
                 place: dict[str, tuple[float, float]], order: list[str]) -> None:
    """Each paper as a dot sized by its local citations (hollow if outside the library),
    labelled above or below, alternating by column."""
    for node in nodes:
        x, y = place[node.node]
        colour = _colour(order, node)
        hollow = node.external is not None
        size = 25 + 12 * min(network.graph.in_degree(node.node), 20)
        ax.scatter([x], [y], s=size, zorder=2, edgecolors=colour, linewidths=1.2,
                   facecolors="white" if hollow else colour)
        above = int(x) % 2 == 0  # neighbouring columns label on opposite sides
        ax.annotate(textwrap.fill(node.label, 14), (x, y), xytext=(0, 8 if above else -8),
                    textcoords="offset points", ha="center", va="bottom" if above else "top",
                    fontsize=6.5, zorder=3, linespacing=0.9,
                    bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none",
                          "alpha": 0.7})


def _draw_axes(ax: Axes, years: list[int], tallest: int, title: str) -> None:
    """Years along the bottom, no y axis, the title."""
    ax.set_xticks(range(len(years)), [str(y) for y in years], rotation=90, fontsize=7)
    ax.set_yticks([])
    ax.set_xlim(-0.7, len(years) - 0.3)
    ax.set_ylim(-tallest / 2 - 0.9, tallest / 2 + 0.9)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_title(title, fontsize=9)


def _legend(nodes: list[Node], order: list[str]) -> list[Line2D]:
    """One entry per tradition, then untagged works and outside publications if drawn."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", ls="", color=_PALETTE[i % len(_PALETTE)], label=t)
               for i, t in enumerate(order)]
    if any(not n.traditions and n.external is None for n in nodes):
        handles.append(Line2D([], [], marker="o", ls="", color=_GREY, label=UNTAGGED))
    if any(n.external is not None for n in nodes):
        handles.append(Line2D([], [], marker="o", ls="", markerfacecolor="white",
                              markeredgecolor=_GREY, color=_GREY, label=OUTSIDE))
    return handles
