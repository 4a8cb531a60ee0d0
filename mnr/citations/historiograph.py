"""The historiograph: the most cited papers by year, coloured by tradition, citations as arrows.

Garfield's picture of a field's history, read top to bottom: publication years down
the left, the papers of one year side by side across the page (wrapping into a second
row when a year has more than a row holds), and a curved, translucent arrow from each
citing paper up to the paper it cites. The papers are the ``limit`` most cited in the
library (local citations), with the works citing them; a paper's size says how often it
is cited here. A work is filled with its tradition's colour, split into equal wedges
when it belongs to several; untagged works are grey, outside publications hollow.

The layout works in inches (one data unit is one inch on the page), so that the space
each label needs is known before drawing: a year's papers are ordered to shorten their
citation arrows (a few barycentre sweeps), each sits in a slot as wide as the widest
label, and the labels, measured once drawn, are pushed apart where they still touch a
neighbour or a marker. Matplotlib is imported only when drawing.
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from mnr.citations.network import Network, Node
from mnr.errors import MnrError

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

FORMATS = ("png", "svg", "pdf")
UNTAGGED = "(untagged)"
OUTSIDE = "outside the library"
_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
            "#e377c2", "#bcbd22")
_GREY = "#8c8c8c"
FONT_SIZE = 6.5  # points, the labels
_WRAP = 16  # characters a label line holds
_MAX_WIDTH = 9.0  # inches the papers of one row may take
_MARGIN = (0.55, 0.25, 0.45, 0.25)  # inches: left (the years), right, top, bottom
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in inches


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


def colours(order: list[str], node: Node) -> list[str]:
    """The colours a paper is filled with: one per tradition it belongs to (in the order
    of the legend), grey when untagged; empty for an outside publication (hollow)."""
    if node.external is not None:
        return []
    known = [t for t in order if t in node.traditions]
    return [_PALETTE[order.index(t) % len(_PALETTE)] for t in known] or [_GREY]


@dataclass(slots=True)
class Layout:
    """Where everything goes, in inches from the top left of the plotting area (y grows
    downwards as negative numbers)."""

    width: float
    height: float
    place: dict[str, tuple[float, float]]  # node -> centre
    radius: dict[str, float]  # node -> marker radius
    years: list[tuple[int, float, float]]  # year, top and bottom of its band
    labels: dict[str, str] = field(default_factory=dict)  # node -> wrapped label


def _text_size(text: str) -> tuple[float, float]:
    """A label's width and height in inches, estimated (DejaVu Sans: ~0.56 em a char)."""
    lines = text.splitlines() or [""]
    return (max(len(line) for line in lines) * FONT_SIZE * 0.56 / 72,
            len(lines) * FONT_SIZE * 1.2 / 72)


def layout(network: Network, nodes: list[Node]) -> Layout:
    """Years in bands down the page (a little more room across a gap of years), a year's
    papers side by side in slots as wide as the widest label, ordered to shorten their
    arrows; a year with more papers than a row holds takes two rows or more."""
    graph = network.graph
    labels = {n.node: textwrap.fill(n.label, _WRAP) for n in nodes}
    radius = {n.node: 0.045 + 0.005 * min(graph.in_degree(n.node), 14) for n in nodes}
    biggest = max(radius.values())
    label_w = max(_text_size(text)[0] for text in labels.values())
    label_h = max(_text_size(text)[1] for text in labels.values())
    slot = max(label_w, 2 * biggest) + 0.16
    by_year: dict[int, list[str]] = defaultdict(list)
    for node in nodes:
        by_year[node.year or 0].append(node.node)
    per_row = max(1, min(max(len(v) for v in by_year.values()), int(_MAX_WIDTH // slot)))
    width = per_row * slot
    row_h = 2 * biggest + label_h + 0.14
    keep = {n.node for n in nodes}
    neighbours = {n: [m for m in (*graph.predecessors(n), *graph.successors(n))
                      if m in keep and m != n] for n in keep}

    def place_all(wanted: dict[str, float] | None
                  ) -> tuple[dict[str, tuple[float, float]], list[tuple[int, float, float]]]:
        """Each row's papers at the places ``wanted`` (centred when None), in order, kept a
        slot apart and on the page."""
        place: dict[str, tuple[float, float]] = {}
        bands: list[tuple[int, float, float]] = []
        y, previous = 0.0, None
        for year in sorted(by_year):
            if previous is not None and year - previous > 1:
                y -= 0.05 * min(year - previous - 1, 6)  # a gap of years shows
            top = y
            group = by_year[year]
            for start in range(0, len(group), per_row):
                row = group[start:start + per_row]
                left = (width - len(row) * slot) / 2
                xs = [left + (i + 0.5) * slot if wanted is None else wanted[n]
                      for i, n in enumerate(row)]
                for i in range(len(xs)):  # a slot apart, left to right, then back from the right
                    xs[i] = max(xs[i], slot / 2 if i == 0 else xs[i - 1] + slot)
                for i in reversed(range(len(xs))):
                    xs[i] = min(xs[i], width - slot / 2 if i == len(xs) - 1 else xs[i + 1] - slot)
                centre = y - biggest - 0.04
                for node, x in zip(row, xs, strict=True):
                    place[node] = (x, centre)
                y -= row_h
            bands.append((year, top, y))
            previous = year
        return place, bands

    place, bands = place_all(None)
    for _ in range(8):  # barycentre sweeps: a paper moves halfway towards those it cites and
        wanted = {n: (place[n][0] + sum(place[m][0] for m in neighbours[n])  # is cited by
                      / len(neighbours[n])) / 2 if neighbours[n] else place[n][0]
                  for n in place}
        for group in by_year.values():
            group.sort(key=lambda n: (wanted[n], n))
        place, bands = place_all(wanted)
    return Layout(width, -bands[-1][2], place, radius, bands, labels)


@dataclass(slots=True)
class Drawn:
    """The figure, and what was drawn for each paper (for checking it)."""

    figure: Figure
    markers: dict[str, list[Patch]]  # node -> its wedges (or its hollow circle)
    labels: dict[str, Text]
    order: list[str]  # the traditions, in legend order


def draw(network: Network, output: Path | BinaryIO, fmt: str = "png", limit: int = 30,
         title: str = "Historiograph") -> int:
    """Write the figure; returns the papers drawn. Refuses an empty network."""
    if fmt not in FORMATS:
        raise MnrError(f"the historiograph is written as {', '.join(FORMATS)}, not {fmt}")
    drawn = render(network, limit, title)
    drawn.figure.savefig(output, format=fmt, dpi=200 if fmt == "png" else "figure",
                         bbox_inches="tight", pad_inches=0.08, facecolor="white")
    return len(drawn.markers)


def render(network: Network, limit: int = 30, title: str = "Historiograph") -> Drawn:
    """The figure, laid out and with its labels pushed clear of each other."""
    nodes = chosen(network, limit)
    if not nodes:
        raise MnrError("no work in the library cites another yet: import exports with cited "
                       "references, or add reference lists with `mnr references import`")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    plan = layout(network, nodes)
    order = sorted({t for n in nodes if n.external is None for t in n.traditions})
    left, right, top, bottom = _MARGIN
    fig_w, fig_h = left + plan.width + right, top + plan.height + bottom
    figure = Figure(figsize=(fig_w, fig_h), facecolor="white")
    FigureCanvasAgg(figure)
    ax = figure.add_axes((left / fig_w, bottom / fig_h, plan.width / fig_w,
                          plan.height / fig_h))
    ax.set_xlim(0, plan.width)
    ax.set_ylim(-plan.height, 0)
    _draw_years(ax, plan)
    markers = _draw_papers(ax, nodes, plan, order)
    _draw_citations(ax, network, plan, markers)
    labels = _draw_labels(ax, nodes, plan)
    _separate(figure, labels, plan)
    ax.set_title(title, fontsize=9, loc="left")
    handles = _legend(nodes, order)
    figure.legend(handles=handles, fontsize=7, frameon=False, loc="upper center",
                  bbox_to_anchor=(0.5, bottom / fig_h), ncols=min(3, max(1, len(handles))))
    return Drawn(figure, markers, labels, order)


def _draw_years(ax: Any, plan: Layout) -> None:
    """A band per year (every other one shaded), the year on the left of its band."""
    for i, (_, top, bottom) in enumerate(plan.years):
        if i % 2 == 0:
            ax.axhspan(bottom, top, color="#f3f3f3", lw=0, zorder=0)
    ax.set_yticks([(top + bottom) / 2 for _, top, bottom in plan.years],
                  [str(year) if year else "n.d." for year, _, _ in plan.years], fontsize=7)
    ax.tick_params(axis="y", length=0, pad=3)
    ax.set_xticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)


def _draw_papers(ax: Any, nodes: list[Node], plan: Layout, order: list[str]
                 ) -> dict[str, list[Patch]]:
    """Each paper as a disc sized by its local citations: one wedge per tradition (split
    equally, from twelve o'clock), grey if untagged, a hollow ring if outside."""
    from matplotlib.patches import Circle, Wedge

    markers: dict[str, list[Patch]] = {}
    for node in nodes:
        centre, r = plan.place[node.node], plan.radius[node.node]
        fills = colours(order, node)
        if not fills:
            patches: list[Patch] = [Circle(centre, r, facecolor="white", edgecolor=_GREY,
                                           lw=1.1, zorder=3)]
        else:
            step = 360 / len(fills)
            patches = [Wedge(centre, r, 90 + i * step, 90 + (i + 1) * step, facecolor=colour,
                             edgecolor="white", lw=0.4 if len(fills) > 1 else 0, zorder=3)
                       for i, colour in enumerate(fills)]
        for patch in patches:
            ax.add_patch(patch)
        markers[node.node] = patches
    return markers


def _draw_citations(ax: Any, network: Network, plan: Layout,
                    markers: dict[str, list[Patch]]) -> None:
    """A curved, translucent arrow from each citing paper to the paper it cites (in a
    fixed order, whatever order the graph was built in); between papers of one row the
    arc bends further so that it clears the papers in between."""
    from matplotlib.patches import FancyArrowPatch

    for u, v in sorted(network.graph.edges):
        if u not in plan.place or v not in plan.place or u == v:
            continue
        (x0, y0), (x1, y1) = plan.place[u], plan.place[v]
        same_row = abs(y0 - y1) < 1e-6
        bend = 0.45 if same_row else 0.18 if x1 >= x0 else -0.18
        ax.add_patch(FancyArrowPatch(
            (x0, y0), (x1, y1), connectionstyle=f"arc3,rad={bend}", arrowstyle="-|>",
            mutation_scale=6, lw=0.55, color="#555555", alpha=0.35, zorder=1, clip_on=False,
            shrinkA=plan.radius[u] * 72 + 1, shrinkB=plan.radius[v] * 72 + 1.5))


def _draw_labels(ax: Any, nodes: list[Node], plan: Layout) -> dict[str, Text]:
    """Each label centred under its paper, on a faint white ground over the arrows."""
    labels = {}
    for node in nodes:
        x, y = plan.place[node.node]
        labels[node.node] = ax.text(
            x, y - plan.radius[node.node] - 0.025, plan.labels[node.node], ha="center",
            va="top", fontsize=FONT_SIZE, linespacing=0.95, zorder=4,
            bbox={"boxstyle": "square,pad=0.06", "fc": "white", "ec": "none", "alpha": 0.75})
    return labels


def label_boxes(drawn: Drawn) -> dict[str, Box]:
    """Each label's box as drawn, in inches on the page."""
    renderer = drawn.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    dpi = drawn.figure.dpi
    boxes = {}
    for node, text in drawn.labels.items():
        box = text.get_window_extent(renderer)
        boxes[node] = (box.x0 / dpi, box.y0 / dpi, box.x1 / dpi, box.y1 / dpi)
    return boxes


def overlaps(a: Box, b: Box, gap: float = 0.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _separate(figure: Figure, labels: dict[str, Text], plan: Layout,
              rounds: int = 60) -> None:
    """Push apart labels that touch one another or a paper (measured as drawn): each
    touching pair moves apart along the shorter way out, half each, until none touch."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    dpi = figure.dpi
    discs = {node: (x - r, y - r, x + r, y + r) for node, ((x, y), r) in
             ((n, (plan.place[n], plan.radius[n])) for n in plan.place)}
    origin = figure.axes[0].transData.transform((0, 0))

    def box(text: Text) -> Box:
        b = text.get_window_extent(renderer)  # pixels -> inches in data units
        return ((b.x0 - origin[0]) / dpi, (b.y0 - origin[1]) / dpi,
                (b.x1 - origin[0]) / dpi, (b.y1 - origin[1]) / dpi)

    names = sorted(labels)
    for _ in range(rounds):
        boxes = {n: box(labels[n]) for n in names}
        moves: dict[str, list[float]] = {n: [0.0, 0.0] for n in names}
        touching = False
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if overlaps(boxes[a], boxes[b], 0.01):
                    touching = True
                    _apart(boxes[a], boxes[b], moves[a], moves[b], 0.5)
            for node, disc in discs.items():
                if node != a and overlaps(boxes[a], disc, 0.01):
                    touching = True
                    _apart(boxes[a], disc, moves[a], [0.0, 0.0], 1.0)
        if not touching:
            return
        for n in names:
            x, y = labels[n].get_position()
            labels[n].set_position((x + moves[n][0], y + moves[n][1]))


def _apart(a: Box, b: Box, move_a: list[float], move_b: list[float], share: float) -> None:
    """Add to ``move_a`` (and ``move_b``) what takes the boxes apart the shorter way."""
    dx = min(a[2], b[2]) - max(a[0], b[0]) + 0.02
    dy = min(a[3], b[3]) - max(a[1], b[1]) + 0.02
    if dx < dy:
        sign = -1.0 if (a[0] + a[2]) < (b[0] + b[2]) else 1.0
        move_a[0] += sign * dx * share
        move_b[0] -= sign * dx * (1 - share)
    else:
        sign = -1.0 if (a[1] + a[3]) < (b[1] + b[3]) else 1.0
        move_a[1] += sign * dy * share
        move_b[1] -= sign * dy * (1 - share)
    if math.isclose(share, 1.0):
        move_b[:] = [0.0, 0.0]


def _legend(nodes: list[Node], order: list[str]) -> list[Line2D]:
    """One entry per tradition, a split disc if a paper is in several, then untagged works
    and outside publications if drawn."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", ls="", color=_PALETTE[i % len(_PALETTE)], label=t)
               for i, t in enumerate(order)]
    several = [n for n in nodes if n.external is None
               and len([t for t in order if t in n.traditions]) > 1]
    if several:
        first = colours(order, several[0])
        handles.append(Line2D([], [], marker="o", ls="", fillstyle="left", markersize=7,
                              markerfacecolor=first[0], markerfacecoloralt=first[1],
                              markeredgecolor="white", label="in several traditions (split)"))
    if any(not n.traditions and n.external is None for n in nodes):
        handles.append(Line2D([], [], marker="o", ls="", color=_GREY, label=UNTAGGED))
    if any(n.external is not None for n in nodes):
        handles.append(Line2D([], [], marker="o", ls="", markerfacecolor="white",
                              markeredgecolor=_GREY, color=_GREY, label=OUTSIDE))
    return handles
