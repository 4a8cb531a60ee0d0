"""The PRISMA 2020 flow diagram for new systematic reviews (Page et al., BMJ 2021), and for
updated reviews (the flow of a later review round: a column of previous studies on the
left, new studies and the total included at the foot).

Matplotlib is imported only when drawing, so the CLI starts fast. Geometry is in
inches, top to bottom. Every box is sized from its text, wrapped to the box width
with the renderer's own measures, so nothing overflows; ``problems`` checks that.
Every box's words come from ``boxes.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from mnr.prisma import boxes
from mnr.prisma.boxes import label
from mnr.prisma.counts import Flow

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Patch
    from matplotlib.text import Text

FORMATS = ("svg", "png", "pdf")
FONT = "DejaVu Sans"  # ships with matplotlib
FONT_SIZE = 8.0  # points: >= 7 pt when the widest layout is printed at A4 width
PNG_DPI = 300
YELLOW, GREY, BLUE = "#FFC125", "#DCDCDC", "#BCD2EE"  # the PRISMA2020 package's colours
EDGE = 0.8  # box edges and arrows, points

# inches: box width (two columns, four columns), gaps, padding inside boxes
_BOX = {False: 2.6, True: 2.0}
_MARGIN, _BAR, _BAR_GAP, _ARROW_GAP, _COLUMN_GAP, _ROW_GAP = 0.05, 0.25, 0.12, 0.3, 0.22, 0.3
_PAD_X, _PAD_Y, _INDENT = 0.07, 0.07, 0.12
_SAVE_PAD = 0.04  # around the tight bounding box
_PITCH = 1.3 * FONT_SIZE / 72  # baseline to baseline
_WRAP = 0.97  # wrap short of the edge: an SVG viewer may substitute a wider font
_TOKEN = re.compile(r"\(n = [\d,]+\)|\S+")  # "(n = 1,234)" never breaks

Line = tuple[str, int]  # text and indent level
Content = tuple[list[Line], bool]  # lines, and whether they are centred
Point = tuple[float, float]


@dataclass(slots=True)
class Diagram:
    """A laid-out diagram: the figure, each box with its texts, each arrow's ends."""

    figure: Figure
    canvas: FigureCanvasAgg
    boxes: list[tuple[Patch, list[Text]]] = field(default_factory=list)
    arrows: list[tuple[Point, Point]] = field(default_factory=list)  # data coordinates


@dataclass(frozen=True, slots=True)
class _Box:
    """Where a box landed, in inches from the top left."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


def _n(n: int) -> str:
    return f"(n = {n:,})"


def _single(label: str, n: int) -> Content:
    return [(label, 0), (_n(n), 0)], True


def _listing(head: str, items: dict[str, int]) -> Content:
    return [(head, 0)] + [(f"{name} {_n(n)}", 1) for name, n in items.items()], False


def _count(flow: Flow, key: str) -> Content:
    """A box with one number: its label, then the number."""
    return _single(label(key), getattr(flow, key))


def _identified(flow: Flow) -> Content:
    lines: list[Line] = [(f"{boxes.IDENTIFIED_FROM}:", 0),
                         (f"{label('database_results')} {_n(flow.database_results)}", 1)]
    lines += [(f"{name} {_n(n)}", 2) for name, n in flow.database_specific_results.items()]
    lines.append((f"{label('register_results')} {_n(flow.register_results)}", 1))
    lines += [(f"{name} {_n(n)}", 2) for name, n in flow.register_specific_results.items()]
    return lines, False


def _removed(flow: Flow) -> Content:
    """Records removed before screening: duplicates, by automation tools, for other reasons."""
    keys = ("duplicates", "excluded_automatic", "excluded_other")
    return _listing(f"{boxes.REMOVED_BEFORE_SCREENING}:",
                    {label(key): getattr(flow, key) for key in keys})


def _excluded(flow: Flow, key: str) -> Content:
    """Reports excluded, with reasons: ``dbr_excluded`` or ``other_excluded``."""
    reasons: dict[str, int] = getattr(flow, key)
    return _listing(f"{label(key)}:", reasons) if reasons else _single(label(key), 0)


def _included(flow: Flow) -> Content:
    return [(label("total_studies"), 0), (_n(flow.total_studies), 0),
            (label("total_reports"), 0), (_n(flow.total_reports), 0)], True


def _pair(flow: Flow, studies: str, reports: str) -> Content:
    """A box of studies and their reports, worded as the updated review's template."""
    return [(boxes.BOXES[studies].boxtext, 0), (_n(getattr(flow, studies)), 0),
            (boxes.BOXES[reports].boxtext, 0), (_n(getattr(flow, reports)), 0)], True


def _updated(flow: Flow) -> bool:
    """Whether the flow is an updated review's (a review round after the first)."""
    return flow.review_round is not None and flow.review_round > 1


@dataclass(frozen=True, slots=True)
class _Columns:
    """Where the columns of boxes start, the width of a box and of the figure (inches). The
    other-methods column (two more boxes wide) is drawn only when there are other methods."""

    other: bool
    w: float
    main: float
    side: float
    other_main: float
    other_side: float
    width: float
    previous: float | None = None  # an updated review's column of previous studies

    @classmethod
    def of(cls, other: bool, updated: bool = False) -> _Columns:
        w = _BOX[other or updated]
        first = _MARGIN + _BAR + _BAR_GAP
        main = first + (w + _COLUMN_GAP if updated else 0.0)
        side = main + w + _ARROW_GAP
        other_main = side + w + _COLUMN_GAP
        other_side = other_main + w + _ARROW_GAP
        return cls(other, w, main, side, other_main, other_side,
                   (other_side if other else side) + w + _MARGIN,
                   first if updated else None)


class _Layout:
    """Places boxes, texts and arrows on one axes whose data units are inches, y downwards."""

    def __init__(self, diagram: Diagram, ax: Axes, prop: FontProperties, bold: FontProperties,
                 columns: _Columns):
        self.diagram, self.ax, self.prop, self.bold = diagram, ax, prop, bold
        self.columns = columns
        self.renderer = diagram.canvas.get_renderer()
        self.line_h = self.extent("lp", prop)[1]
        self.y = _MARGIN  # the top of the next row

    def extent(self, text: str, prop: FontProperties) -> tuple[float, float]:
        """Width and height of one line of text, in inches."""
        w, h, _ = self.renderer.get_text_width_height_descent(text, prop, ismath=False)
        return w / self.diagram.figure.dpi, h / self.diagram.figure.dpi

    def wrap(self, text: str, first: float, rest: float, prop: FontProperties) -> list[str]:
        """Greedy wrapping by measured width, ``first`` inches for the first line and ``rest``
        for the others; a word wider than its line is cut."""
        lines: list[str] = []
        current = ""
        for token in _TOKEN.findall(text):
            trial = f"{current} {token}" if current else token
            if current and self.extent(trial, prop)[0] > (rest if lines else first):
                lines.append(current)
                trial = token
            current = trial
            while len(current) > 1 and self.extent(current, prop)[0] > (
                    room := rest if lines else first):
                cut = len(current) - 1
                while cut > 1 and self.extent(current[:cut], prop)[0] > room:
                    cut -= 1
                lines.append(current[:cut])
                current = current[cut:]
        return [*lines, current] if current else lines or [""]

    def lay(self, content: Content, width: float, prop: FontProperties) -> list[tuple[str, float]]:
        """Wrapped lines, each with its indent; continuation lines hang one step further."""
        lines, centred = content
        room = (width - 2 * _PAD_X) * _WRAP
        out: list[tuple[str, float]] = []
        for text, level in lines:
            indent = 0.0 if centred else level * _INDENT
            hang = 0.0 if centred else _INDENT
            parts = self.wrap(text, room - indent, room - indent - hang, prop)
            out += [(part, indent + (hang if i else 0.0)) for i, part in enumerate(parts)]
        return out

    def height(self, lines: list[tuple[str, float]]) -> float:
        return 2 * _PAD_Y + (len(lines) - 1) * _PITCH + self.line_h

    def box(self, content: Content, box: _Box, fill: str = "white",
            prop: FontProperties | None = None) -> _Box:
        """A box with its text wrapped to it and centred vertically; square if white, else
        rounded."""
        from matplotlib.patches import FancyBboxPatch, Rectangle

        x, y, w, h = box.x, box.y, box.w, box.h
        patch: Patch = (Rectangle((x, y), w, h) if fill == "white" else
                        FancyBboxPatch((x, y), w, h, "round,pad=0,rounding_size=0.06"))
        patch.set(facecolor=fill, edgecolor="black", linewidth=EDGE)
        self.ax.add_patch(patch)
        centred, prop = content[1], prop or self.prop
        lines = self.lay(content, w, prop)
        top = y + (h - self.height(lines)) / 2 + _PAD_Y
        texts = [self.ax.text(x + w / 2 if centred else x + _PAD_X + dx, top + i * _PITCH, text,
                              ha="center" if centred else "left", va="top", parse_math=False,
                              fontproperties=prop)
                 for i, (text, dx) in enumerate(lines)]
        self.diagram.boxes.append((patch, texts))
        return box

    def bar(self, label: str, top: float, bottom: float) -> None:
        """A phase label, rotated, in a blue bar on the left."""
        self.box(([], True), _Box(_MARGIN, top, _BAR, bottom - top), BLUE)
        self.diagram.boxes[-1][1].append(self.ax.text(
            _MARGIN + _BAR / 2, (top + bottom) / 2, label, rotation=90, ha="center",
            va="center", fontproperties=self.bold, parse_math=False))

    def arrow(self, *points: Point) -> None:
        """An arrow through the points, its head touching the last one."""
        from matplotlib.patches import FancyArrowPatch
        from matplotlib.path import Path as MplPath

        self.ax.add_patch(FancyArrowPatch(
            path=MplPath(list(points)), arrowstyle="-|>,head_length=0.5,head_width=0.25",
            mutation_scale=8, linewidth=EDGE, color="black", joinstyle="round",
            capstyle="butt", shrinkA=0, shrinkB=0))
        self.diagram.arrows.append((points[0], points[-1]))

    def row(self, *contents: tuple[float, Content], bar_label: str = "", same: bool = False
            ) -> list[_Box]:
        """Boxes side by side, centred on one line (``same``: of one height), at least as
        tall as the phase's ``bar_label`` is long; the next row goes below."""
        w = self.columns.w
        heights = [self.height(self.lay(content, w, self.prop)) for _, content in contents]
        h = max([self.extent(bar_label, self.bold)[0] + 2 * _PAD_Y, *heights])
        placed = [self.box(content, _Box(x, self.y, w, h) if same else
                           _Box(x, self.y + (h - bh) / 2, w, bh))
                  for (x, content), bh in zip(contents, heights, strict=True)]
        self.y += h + _ROW_GAP
        return placed

    def phase(self, key: str, top: float) -> None:
        """The phase's bar beside the rows from ``top`` to the last one."""
        self.bar(label(key), top, self.y - _ROW_GAP)

    def down(self, upper: _Box, lower: _Box) -> None:
        self.arrow((upper.cx, upper.y + upper.h), (lower.cx, lower.y))

    def across(self, left: _Box, right: _Box) -> None:
        self.arrow((left.x + left.w, right.cy), (right.x, right.cy))


def layout(flow: Flow, title: str | None = None) -> Diagram:
    """The diagram for ``flow``, laid out but not saved."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    columns = _Columns.of(flow.other_methods, _updated(flow))
    if title and _updated(flow):
        title += (f": update, review round {flow.review_round}"
                  + (f" (searches to {flow.round_date})" if flow.round_date else ""))
    figure = Figure(figsize=(columns.width, 1.0), facecolor="white")
    diagram = Diagram(figure, FigureCanvasAgg(figure))
    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    prop = FontProperties(family=[FONT, "sans-serif"], size=FONT_SIZE)
    bold = FontProperties(family=[FONT, "sans-serif"], size=FONT_SIZE, weight="bold")
    lay = _Layout(diagram, ax, prop, bold, columns)
    _title(lay, title)
    _headers(lay)
    found = _identification_rows(lay, flow)
    screened, sought, assessed = _screening_rows(lay, flow)
    if columns.previous is None:
        included = _included_row(lay, flow)
        _arrows(lay, found, screened, sought, assessed, included)
    else:
        new, total = _updated_rows(lay, flow)
        _arrows(lay, found[1:], screened, sought, assessed, new)
        lay.down(new, total)
        previous = found[0]  # down the left column, then across into the total
        lay.arrow((previous.cx, previous.y + previous.h), (previous.cx, total.cy),
                  (total.x, total.cy))

    height = lay.y - _ROW_GAP + _MARGIN
    figure.set_size_inches(columns.width, height)
    ax.set_xlim(0, columns.width)
    ax.set_ylim(height, 0)
    return diagram


def _title(lay: _Layout, title: str | None) -> None:
    """The review's title, wrapped, above everything."""
    if not title:
        return
    room = lay.columns.width - 2 * _MARGIN
    title_lines = lay.wrap(title, room, room, lay.bold)
    for i, line in enumerate(title_lines):
        lay.ax.text(_MARGIN, lay.y + i * _PITCH, line, va="top", fontproperties=lay.bold,
                    parse_math=False)
    lay.y += len(title_lines) * _PITCH + 0.1


def _headers(lay: _Layout) -> None:
    """The coloured title box over each column, of one height."""
    columns = lay.columns
    span = 2 * columns.w + _ARROW_GAP
    updated = columns.previous is not None  # the updated review's template words them
    words = boxes.BOXES["newstud"].boxtext if updated else label("newstud")
    headers = [(columns.main, span, words, YELLOW)]
    if columns.previous is not None:
        headers.insert(0, (columns.previous, columns.w, label("prevstud"), GREY))
    if columns.other:
        headers.append((columns.other_main, span, boxes.BOXES["othstud"].boxtext if updated
                        else label("othstud"), GREY))
    h = max(lay.height(lay.lay(([(text, 0)], True), width, lay.bold))
            for _, width, text, _ in headers)
    for x, width, text, fill in headers:
        lay.box(([(text, 0)], True), _Box(x, lay.y, width, h), fill, lay.bold)
    lay.y += h + _ROW_GAP * 0.6


def _identification_rows(lay: _Layout, flow: Flow) -> list[_Box]:
    """Records identified and removed before screening; records from other methods."""
    columns, top = lay.columns, lay.y
    row = [(columns.main, _identified(flow)), (columns.side, _removed(flow))]
    if columns.other:
        row.append((columns.other_main,
                    _listing(f"{label('other_results')}:", flow.other_results)))
    if columns.previous is not None:  # first: found[0] is the previous studies' box
        row.insert(0, (columns.previous, _pair(flow, "previous_studies", "previous_reports")))
    found = lay.row(*row, bar_label=label("identification"), same=True)
    lay.phase("identification", top)
    new = found[1:] if columns.previous is not None else found
    lay.across(new[0], new[1])
    return found


def _screening_rows(lay: _Layout, flow: Flow
                    ) -> tuple[list[_Box], list[_Box], list[_Box]]:
    """Records screened and excluded; reports sought, not retrieved, assessed and excluded,
    in each column."""
    columns, top = lay.columns, lay.y
    screened = lay.row((columns.main, _count(flow, "records_screened")),
                       (columns.side, _count(flow, "records_excluded")))
    sought_row = [(columns.main, _count(flow, "dbr_sought_reports")),
                  (columns.side, _count(flow, "dbr_notretrieved_reports"))]
    assessed_row = [(columns.main, _count(flow, "dbr_assessed")),
                    (columns.side, _excluded(flow, "dbr_excluded"))]
    if columns.other:
        sought_row += [(columns.other_main, _count(flow, "other_sought_reports")),
                       (columns.other_side, _count(flow, "other_notretrieved_reports"))]
        assessed_row += [(columns.other_main, _count(flow, "other_assessed")),
                         (columns.other_side, _excluded(flow, "other_excluded"))]
    sought, assessed = lay.row(*sought_row), lay.row(*assessed_row)
    lay.phase("screening", top)
    return screened, sought, assessed


def _included_row(lay: _Layout, flow: Flow) -> _Box:
    """Studies included in the review, and their reports."""
    top = lay.y
    included = lay.row((lay.columns.main, _included(flow)), bar_label=label("included"))[0]
    lay.phase("included", top)
    return included


def _updated_rows(lay: _Layout, flow: Flow) -> tuple[_Box, _Box]:
    """An updated review's foot: the new studies included, then the total (previous and
    new), in the main column."""
    top = lay.y
    new = lay.row((lay.columns.main, _pair(flow, "new_studies", "new_reports")),
                  bar_label=label("included"))[0]
    total = lay.row((lay.columns.main, _pair(flow, "total_studies", "total_reports")))[0]
    lay.phase("included", top)
    return new, total


def _arrows(lay: _Layout, found: list[_Box], screened: list[_Box], sought: list[_Box],
            assessed: list[_Box], included: _Box) -> None:
    """Down each column to the included studies, and across to each box beside."""
    other = lay.columns.other
    column = [found[0], screened[0], sought[0], assessed[0], included]
    for upper, lower in zip(column, column[1:], strict=False):
        lay.down(upper, lower)
    for left, right in [screened, sought[:2], assessed[:2]] + [sought[2:], assessed[2:]] * other:
        lay.across(left, right)
    if other:
        lay.down(found[2], sought[2])
        lay.down(sought[2], assessed[2])
        last = assessed[2]
        lay.arrow((last.cx, last.y + last.h), (last.cx, included.cy),
                  (included.x + included.w, included.cy))


def problems(diagram: Diagram, tolerance: float = 0.5) -> list[str]:
    """What is wrong with the layout, in words: texts outside their box, boxes that overlap,
    arrow ends that do not touch a box. Empty when the diagram is sound."""
    renderer = diagram.canvas.get_renderer()
    found: list[str] = []
    extents = [patch.get_window_extent(renderer) for patch, _ in diagram.boxes]
    for (_, texts), box in zip(diagram.boxes, extents, strict=True):
        for text in texts:
            e = text.get_window_extent(renderer)
            if (e.x0 < box.x0 - tolerance or e.x1 > box.x1 + tolerance
                    or e.y0 < box.y0 - tolerance or e.y1 > box.y1 + tolerance):
                found.append(f"{text.get_text()!r} overflows its box")
    for i, a in enumerate(extents):
        for b in extents[i + 1:]:
            if min(a.x1, b.x1) - max(a.x0, b.x0) > 1 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1:
                found.append(f"boxes at {a.bounds} and {b.bounds} overlap")
    to_display = diagram.figure.axes[0].transData.transform
    for ends in diagram.arrows:
        for point in ends:
            x, y = to_display(point)
            if not any(b.x0 - 1 <= x <= b.x1 + 1 and b.y0 - 1 <= y <= b.y1 + 1
                       and min(abs(x - b.x0), abs(x - b.x1), abs(y - b.y0), abs(y - b.y1)) <= 1
                       for b in extents):
                found.append(f"an arrow end at {point} does not touch a box")
    return found


def draw(flow: Flow, output: Path | BinaryIO, fmt: str, title: str | None = None) -> None:
    """Save the diagram as ``fmt`` (svg, png or pdf); SVG and PDF keep text as text."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    import matplotlib

    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}[fmt]
    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42,
                                "font.family": FONT}):
        diagram = layout(flow, title)
        diagram.figure.savefig(output, format=fmt, bbox_inches="tight", pad_inches=_SAVE_PAD,
                               facecolor="white",
                               dpi=PNG_DPI if fmt == "png" else "figure", metadata=metadata)
