"""A read-only, scrollable pane of rich text, drawn line by line.

The screening screen shows another work after every keypress. As a Static of
automatic height inside a VerticalScroll, each new work cost the whole
screen two layout passes and a repaint (half the time of a decision at
100,000 works). This pane wraps its content once for its width and draws the
visible lines from that. Its scroll position is shown in its own last
column rather than by Textual's scrollbar: content of another length then
changes neither the layout nor a scrollbar widget (drawing one cost as much
as drawing the pane), and showing a work repaints the pane alone. The mouse
wheel scrolls it.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

TRACK, THUMB = Style(color="grey37"), Style(bold=True)
Wrapped = tuple[int, list[Strip]]  # lines wrapped for a width


class TextPane(ScrollView):
    """Rich text (a Text, a Group...) in a pane that scrolls; :meth:`update` replaces it."""

    DEFAULT_CSS = """
    TextPane {
        overflow-y: hidden;  /* the pane draws where it is scrolled to itself */
    }
    """

    def __init__(self, content: RenderableType = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content: RenderableType = content
        self._lines: list[Strip] = []
        self._wrapped_at = 0  # the width the lines were wrapped for (0: not yet)
        # the last column for a scroll position and size, drawn once per drawing
        self._column_for: tuple[int, Size] | None = None
        self._column: list[Strip] = []
        self._base = Style()

    @property
    def content(self) -> RenderableType:
        """What the pane shows."""
        return self._content

    @property
    def allow_vertical_scroll(self) -> bool:
        return self.max_scroll_y > 0  # the wheel scrolls it, with no scrollbar shown

    def update(self, content: RenderableType, wrapped: Wrapped | None = None) -> None:
        """Show ``content`` from its top (``wrapped``: its lines, if :meth:`wrap` made
        them ahead of time for this width)."""
        self._content = content
        self._show(wrapped if wrapped is not None and wrapped[0] == self._text_width()
                   else self.wrap(content))
        self.scroll_to(0, 0, animate=False, immediate=True, force=True)
        self.refresh()

    def wrap(self, content: RenderableType) -> Wrapped:
        """``content``'s lines at the pane's width (the width, the lines)."""
        width = self._text_width()
        if width <= 0:  # not laid out yet: wrapped on the first resize
            return width, []
        console = self.app.console
        lines = console.render_lines(content, console.options.update_width(width),
                                     style=self.rich_style, pad=True)
        return width, [Strip(line, width).simplify() for line in lines]

    def on_resize(self) -> None:
        self._show(self.wrap(self._content))
        self.refresh()

    def _text_width(self) -> int:
        return self.scrollable_content_region.width - 1  # the last column: where it is

    def _show(self, wrapped: Wrapped) -> None:
        self._wrapped_at, self._lines = wrapped
        self._column_for = None
        size = Size(self._wrapped_at + 1, len(self._lines))
        if size != self.virtual_size:  # without the layout pass its watcher would ask for
            self.set_reactive(TextPane.virtual_size, size)

    def render_line(self, y: int) -> Strip:
        top = round(self.scroll_offset.y)
        region = self.scrollable_content_region
        if (top, region.size) != self._column_for:  # once per drawing of the pane
            self._column_for = (top, region.size)
            self._base = self.rich_style
            self._column = self._position(top, region.height)
        if region.width - 1 != self._wrapped_at:
            return Strip.blank(region.width, self._base)
        index = top + y
        text = (self._lines[index] if index < len(self._lines)
                else Strip.blank(self._wrapped_at, self._base))
        return Strip.join([text, self._column[y] if y < len(self._column) else
                           Strip.blank(1, self._base)])

    def _position(self, top: int, height: int) -> list[Strip]:
        """The last column, row by row: a thumb beside the lines in view, when the
        content is longer than the pane."""
        total = len(self._lines)
        if total <= height:
            return [Strip.blank(1, self._base)] * height
        start = top * height // total
        end = max(start + 1, (top + height) * height // total)
        track = Strip([Segment("│", self._base + TRACK)], 1)
        thumb = Strip([Segment("┃", self._base + THUMB)], 1)
        return [thumb if start <= y < end else track for y in range(height)]
