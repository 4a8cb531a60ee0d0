"""Review the uncertain duplicate pairs: two records side by side, one key per decision.

The screen shows the pairs an automatic pass left for a person (most alike
first), the two records field by field with differing fields highlighted, and
the score and reason the matcher gave. Decisions go through the same core
functions as ``mnr dedupe --decide`` (``mnr.dedupe.passes``), which log them
with reviewer and time and regroup works in one transaction.

Regrouping can take a moment on a large library, so decisions are queued and
saved in order by a thread worker while the reviewer moves on: a merged or
kept-apart pair leaves the list at once, and the list is reconciled with the
library when the queue is empty.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from time import perf_counter
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from mnr.dedupe.passes import decide, undo_decision
from mnr.dedupe.queue import ReviewItem, review_queue
from mnr.errors import MnrError
from mnr.library import Library
from mnr.records import StoredRecord
from mnr.tui.screens.prompts import leave
from mnr.tui.widgets.pair_view import PairView, shorten

PairKey = tuple[int, int]
TITLE_CHARS = 80  # the list cuts it to its width with an ellipsis (mnr.tcss)


@dataclass(frozen=True, slots=True)
class _Job:
    """A decision waiting to be saved: "merge", "apart", "skip" or "undo"."""

    decision: str
    record_a: int = 0
    record_b: int = 0


def _key(item: ReviewItem) -> PairKey:
    return (item.pair.record_a, item.pair.record_b)


def _first_author(record: StoredRecord) -> str:
    if not record.authors:
        return "—"
    return record.authors[0].split(",")[0].strip() or record.authors[0]


def _pair_prompt(item: ReviewItem) -> Text:
    """Two lines for the list: score and first author/year of each record, then a title."""
    a, b = item.record_a, item.record_b
    prompt = Text.assemble(
        (f"{item.pair.score:.2f}", "bold"), "  ",
        f"{_first_author(a)} {a.year or '?'}", (" │ ", "dim"),
        f"{_first_author(b)} {b.year or '?'}",
    )
    prompt.append("\n    " + shorten(a.title or b.title or "(no title)", TITLE_CHARS),
                  style="italic")
    return prompt


class DedupeReviewScreen(Screen[None]):
    """Uncertain pairs on the left, the highlighted pair side by side on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "decide('merge')", "Merge"),
        Binding("a", "decide('apart')", "Keep apart"),
        Binding("s", "decide('skip')", "Skip"),
        Binding("u", "undo", "Undo"),
        Binding("j,down", "move(1)", "Next", key_display="j/↓"),
        Binding("k,up", "move(-1)", "Previous", key_display="k/↑"),
        Binding("q", "quit_review", "Quit"),
    ]

    def __init__(self, library: Library, reviewer: str) -> None:
        super().__init__()
        self.library = library
        self.reviewer = reviewer
        self.items: list[ReviewItem] = []
        self.loaded = False
        self.saving = False
        self.decision_ms: list[float] = []  # time each saved decision took (for benchmarks)
        self._pending: deque[_Job] = deque()
        self._shown: list[PairKey] = []
        self._quit_requested = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Static(id="title")
            yield Static(id="status")
        with Horizontal(id="body"):
            yield OptionList(id="pairs")
            with VerticalScroll(id="detail"):
                yield PairView(id="pair")
                yield Static(id="reason")
        yield Static("No pairs left to review.\n\n[dim]u undoes your last decision · q quits[/]",
                     id="empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#pairs", OptionList).focus()
        self._update_header()
        self._start_saving()  # with nothing queued, this loads the queue

    # -- what is shown ----------------------------------------------------------------

    def current(self) -> ReviewItem | None:
        """The highlighted pair, if any."""
        index = self.query_one("#pairs", OptionList).highlighted
        if index is None or not 0 <= index < len(self.items):
            return None
        return self.items[index]

    def _update_header(self) -> None:
        left = len(self.items)
        noun = "pair" if left == 1 else "pairs"
        count = f"{left} {noun} left" if self.loaded else "loading pairs…"
        self.query_one("#title", Static).update(
            f"Duplicate review — {count} (reviewer {self.reviewer})")
        status = ("saving, then quitting…" if self._quit_requested
                  else "saving…" if self.saving and self.loaded else "")
        self.query_one("#status", Static).update(status)
        self.set_class(self.loaded and not self.items, "-empty")

    def _update_detail(self) -> None:
        item = self.current()
        self.query_one("#pair", PairView).item = item
        reason = self.query_one("#reason", Static)
        if item is None:
            reason.update("")
        else:
            reason.update(Text.assemble(("Score ", "bold"), f"{item.pair.score:.2f}",
                                        ("   Why: ", "bold"), item.pair.reason or "—"))
        self._update_header()

    def _show(self, prefer: PairKey | None = None) -> None:
        """Rebuild the list if its pairs changed, keeping (or moving to) a pair."""
        pairs = self.query_one("#pairs", OptionList)
        keys = [_key(item) for item in self.items]
        current = self._shown[pairs.highlighted] if (
            pairs.highlighted is not None and pairs.highlighted < len(self._shown)) else None
        target = prefer or current
        if keys != self._shown:
            old_index = pairs.highlighted or 0
            pairs.set_options(Option(_pair_prompt(item), id=f"{k[0]}-{k[1]}")
                              for item, k in zip(self.items, keys, strict=True))
            self._shown = keys
            if keys:
                pairs.highlighted = (keys.index(target) if target in keys
                                     else min(old_index, len(keys) - 1))
        elif prefer in keys:
            pairs.highlighted = keys.index(prefer)
        self._update_detail()

    @on(OptionList.OptionHighlighted, "#pairs")
    def _highlighted(self) -> None:
        self._update_detail()

    # -- actions ----------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        """Highlight the next (1) or previous (-1) pair."""
        pairs = self.query_one("#pairs", OptionList)
        if step > 0:
            pairs.action_cursor_down()
        else:
            pairs.action_cursor_up()

    def action_decide(self, decision: str) -> None:
        """Queue a decision on the highlighted pair and move on to the next one."""
        item = self.current()
        if item is None:
            self.notify("No pair to decide on.", severity="warning")
            return
        self._pending.append(_Job(decision, *_key(item)))
        pairs = self.query_one("#pairs", OptionList)
        index = pairs.highlighted or 0
        if decision == "skip":  # the pair stays waiting; the next one comes up (wrapping)
            pairs.highlighted = (index + 1) % len(self.items)
        else:
            del self.items[index]
            del self._shown[index]
            pairs.remove_option_at_index(index)
            if self.items:
                pairs.highlighted = min(index, len(self.items) - 1)
        self._update_detail()
        self._start_saving()

    def action_undo(self) -> None:
        """Undo this reviewer's latest decision; its pair comes back to the list."""
        self._pending.append(_Job("undo"))
        self._start_saving()

    def action_quit_review(self) -> None:
        """Leave, after the decisions still being saved are written."""
        if self.saving or self._pending:
            self._quit_requested = True
            self._update_header()
        else:
            leave(self)

    # -- saving -----------------------------------------------------------------------

    def _start_saving(self) -> None:
        if not self.saving:
            self.saving = True
            self._update_header()
            self._save_queued()

    @work(thread=True, group="dedupe-review", exit_on_error=True)
    def _save_queued(self) -> None:
        """Write the queued decisions in order, then read the queue back (worker thread)."""
        notes: list[tuple[str, SeverityLevel]] = []
        bring_back: PairKey | None = None
        while self._pending:
            job = self._pending[0]
            started = perf_counter()
            try:
                if job.decision == "undo":
                    undone = undo_decision(self.library, self.reviewer)
                    if undone is None:
                        notes.append(("Nothing left to undo.", "warning"))
                    else:
                        bring_back = (undone.record_a, undone.record_b)
                        notes.append((f"Undid {undone.decision} of R{undone.record_a} and "
                                      f"R{undone.record_b}.", "information"))
                else:
                    decide(self.library, job.record_a, job.record_b, job.decision,
                           self.reviewer)
            except MnrError as error:
                notes.append((str(error), "error"))
            except Exception as error:  # unforeseen: the worker goes on with the queue
                notes.append((f"Not saved: {type(error).__name__}: {error}", "error"))
            finally:
                self._pending.popleft()
            self.decision_ms.append((perf_counter() - started) * 1000)
        items = review_queue(self.library)
        self.app.call_from_thread(self._saved, items, notes, bring_back)

    def _saved(self, items: list[ReviewItem], notes: list[tuple[str, SeverityLevel]],
               bring_back: PairKey | None) -> None:
        """Back on the UI thread: show the library's queue, less pairs decided meanwhile."""
        self.saving = False
        self.loaded = True
        decided = {(job.record_a, job.record_b) for job in self._pending
                   if job.decision in ("merge", "apart")}
        self.items = [item for item in items if _key(item) not in decided]
        if bring_back is not None and bring_back not in {_key(i) for i in self.items}:
            bring_back = (bring_back[1], bring_back[0])
        self._show(prefer=bring_back)
        for message, severity in notes:
            self.notify(message, severity=severity)
        if self._pending:
            self._start_saving()
        elif self._quit_requested:
            leave(self)
