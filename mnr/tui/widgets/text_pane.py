"""A read-only, scrollable pane of rich text, drawn line by line.

The screening screen shows another work after every keypress. As a Static of
automatic height inside a VerticalScroll, each new work cost the whole
screen two layout passes and a repaint (half the time of a decision at
100,000 works). This pane wraps its content once for its width and draws the
visible lines from that, so showing a work repaints the pane alone.
"""

from __future__ import annotations

from rich.console import RenderableType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class TextPane(ScrollView):
    """Rich text (a Text, a Group...) in a pane that scrolls; :meth:`update` replaces it."""

    DEFAULT_CSS = """
    TextPane {
        scrollbar-gutter: stable;  /* the wrapping width never waits on the scrollbar */
    }
    """

    def __init__(self, content: RenderableType = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content: RenderableType = content
        self._lines: list[Strip] = []
        self._wrapped_at = 0  # the width the lines were wrapped for (0: not yet)

    @property
    def content(self) -> RenderableType:
        """What the pane shows."""
        return self._content

    def update(self, content: RenderableType) -> None:
        """Show ``content`` from its top."""
        self._content = content
        self._wrap()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def on_resize(self) -> None:
        self._wrap()

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:  # not laid out yet: wrapped on the first resize
            return
        console = self.app.console
        lines = console.render_lines(self._content, console.options.update_width(width),
                                     style=self.rich_style, pad=True)
        self._lines = [Strip(line, width).simplify() for line in lines]
        self._wrapped_at = width
        size = Size(width, len(self._lines))
        if size != self.virtual_size:
            self.virtual_size = size

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if index < len(self._lines) and width == self._wrapped_at:
            return self._lines[index]
        return Strip.blank(width, self.rich_style)
