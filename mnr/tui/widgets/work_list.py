"""A list of works that stays fast at 100,000 rows: it draws only the rows on screen.

Textual's DataTable measures every row and took seconds to fill at this size;
a ScrollView with the Line API renders each visible line on demand from a
plain list of work ids, so filling, moving and redrawing one row cost the
same at any size. What a row says comes from the screen (``describe``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mnr.display import printable


class WorkList(ScrollView, can_focus=True):
    """Rows of works with a cursor; posts :class:`WorkList.Highlighted` when it moves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"work-list--cursor"}

    class Highlighted(Message):
        """The cursor moved to another work (None: the list is empty)."""

        def __init__(self, work_id: int | None) -> None:
            super().__init__()
            self.work_id = work_id

    def __init__(self, describe: Callable[[int], Text], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.describe = describe
        self.rows: list[int] = []
        self.cursor = 0
        self._index: dict[int, int] = {}
        # drawn rows by work id, for the current width and style (the cursor's row is
        # drawn afresh): scrolling by one row then draws one new row, not a screenful
        self._drawn: dict[int, Strip] = {}
        self._drawn_for: tuple[int, Style | None] = (0, None)

    @property
    def current(self) -> int | None:
        return self.rows[self.cursor] if self.rows else None

    def set_rows(self, rows: Sequence[int], keep: int | None = None) -> None:
        """Show these works; the cursor stays on ``keep`` (or the current work) if listed."""
        keep = self.current if keep is None else keep
        self.rows = list(rows)
        self._index = {work_id: i for i, work_id in enumerate(self.rows)}
        self._drawn.clear()
        self.cursor = self._index.get(keep, 0) if keep is not None else 0
        self.virtual_size = Size(self.size.width, len(self.rows))
        self.refresh()
        self._reveal()
        self.post_message(self.Highlighted(self.current))

    def index_of(self, work_id: int) -> int | None:
        return self._index.get(work_id)

    def refresh_work(self, work_id: int) -> None:
        """Redraw one work's row (after a decision), if it is listed."""
        self._drawn.pop(work_id, None)
        index = self._index.get(work_id)
        if index is not None:
            self.refresh_line(index)

    def go_to(self, index: int) -> None:
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        if index != self.cursor:
            old, self.cursor = self.cursor, index
            self.refresh_line(old)
            self.refresh_line(index)
            self._reveal()
        self.post_message(self.Highlighted(self.current))

    def _reveal(self) -> None:
        """Scroll the cursor's row into view: to the middle of the list, so that deciding
        row after row scrolls once every half screen rather than at every row (each
        scroll redraws every row on screen)."""
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_offset.y)
        if not top <= self.cursor < top + height:
            self.scroll_to(y=max(0, self.cursor - height // 2), animate=False, immediate=True)

    def action_move(self, step: int) -> None:
        self.go_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self.go_to(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, index: int) -> None:
        self.go_to(index if index >= 0 else len(self.rows) - 1)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows))
        self._reveal()

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self.rows):
            return Strip.blank(width, base)
        if (width, base) != self._drawn_for:
            self._drawn.clear()
            self._drawn_for = (width, base)
        work_id = self.rows[index]
        if index == self.cursor:
            cursor = self.get_component_rich_style("work-list--cursor")
            return self._draw(work_id, width, base + cursor if self.has_focus
                              else base + Style(reverse=True))
        strip = self._drawn.get(work_id)
        if strip is None:
            strip = self._drawn[work_id] = self._draw(work_id, width, base)
        return strip

    def _draw(self, work_id: int, width: int, base: Style) -> Strip:
        text = self.describe(work_id)
        text.no_wrap = True
        text.truncate(width, overflow="ellipsis", pad=True)
        # what a row says is record text: its control characters never reach the terminal
        return Strip([Segment(printable(seg.text), base + seg.style if seg.style else base)
                      for seg in text.render(self.app.console) if seg.text != "\n"]
                     ).crop(0, width)

    def forget(self) -> None:
        """Draw every row afresh (what the rows say changed, e.g. others' decisions)."""
        self._drawn.clear()
        self.refresh()
