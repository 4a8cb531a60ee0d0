"""The screening screen: a list of works, the highlighted one in full, one key per decision.

Decisions go through :class:`mnr.screening.session.ScreeningSession` (the same
core as ``mnr decide``), which appends them to the log at once; the screen
redraws one row and moves on. Other reviewers' decisions, made in other
processes, are picked up every couple of seconds and shown only as blinding
allows. Each decision's time from key to screen is kept in ``latencies_ms``
(the benchmark reads it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from time import perf_counter
from typing import ClassVar, TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, Static

from mnr.collector import IdleCollector
from mnr.errors import LibraryUnavailable, MnrError
from mnr.screening.fulltexts import attach, fulltexts, open_fulltext
from mnr.screening.highlight import pattern
from mnr.screening.ranking import Ranked, RankingProcess, training_labels
from mnr.screening.session import ScreeningSession
from mnr.screening.state import CONFLICT, UNRESOLVED_MAYBE
from mnr.synthesis import links
from mnr.tui.screens.prompts import (
    ChoicePicker,
    HelpScreen,
    ReasonPicker,
    TextPrompt,
    binding_keys,
    busy,
    catch_up_and_tell,
    criteria_text,
    leave,
)
from mnr.tui.widgets.text_pane import TextPane, Wrapped
from mnr.tui.widgets.work_columns import (
    RANK_WIDTH,
    SORTS,
    column_help,
    columns_header,
    shown_surname,
    sort_rows,
)
from mnr.tui.widgets.work_detail import DECISION_STYLE, describe_work, highlighted
from mnr.tui.widgets.work_list import WorkList

T = TypeVar("T")

FILTERS = ["all", "undecided", "y", "n", "m", "conflicts", "mine"]
POLL_SECONDS = 2.0

class ScreeningScreen(Screen[None]):
    """Screen one stage as one reviewer."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # mnr.tcss widens a narrow list

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "decide('y')", "Include"),
        Binding("n", "decide('n')", "Exclude"),
        Binding("m", "decide('m')", "Maybe"),
        Binding("e", "exclude_with_reason", "Exclude with reason"),
        Binding("u", "undo", "Undo"),
        Binding("a", "note", "Note"),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("f", "filter(1)", "Filter"),
        Binding("F", "filter(-1)", "Filter back", show=False),
        Binding("s", "sort", "Sort"),
        Binding("c", "criteria", "Criteria"),
        Binding("X", "stop_screening", "Stop by the rule", show=False),
        Binding("t", "attach", "Attach full text"),
        Binding("o", "open_fulltext", "Open full text"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("escape,q", "back", "Back", key_display="esc"),
        Binding("j,down", "move(1)", "Next", show=False),
        Binding("k,up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, session: ScreeningSession) -> None:
        super().__init__()
        self.session = session
        settings = session.settings
        self.include = pattern(settings.highlight_include)
        self.exclude = pattern(settings.highlight_exclude)
        self.filter = "all"
        self.sort = "list"
        self.search = ""
        self._texts: dict[int, str] | None = None  # abstracts, keywords, authors: searched
        self.latencies_ms: list[float] = []
        self.ready_at: float | None = None  # perf_counter() when first drawn
        self._shown: int | None = None  # the work in the detail pane
        # the next work's detail, laid out ahead: (key, content, lines)
        self._ahead: tuple[tuple[object, ...], RenderableType, Wrapped] | None = None
        self._haystack: dict[int, str] = {}
        self._permille = -1  # what the progress bar shows, in thousandths
        self.fulltexts = fulltexts(session.library)
        self.study_notes = links.study_notes(session.library)  # reports of one study
        self.collector = IdleCollector()  # full collections between keypresses, not in them
        # relevance order: ranked in a thread whenever the decisions change
        self.ranked: Ranked | None = None
        self._rank_wanted = threading.Event()
        self._stopping = threading.Event()

    @property
    def stage(self) -> str:
        return self.session.stage.name

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Static(id="title")
            yield ProgressBar(id="progress", show_eta=False)
            yield Static(id="counts")
        with Horizontal(id="body"):
            with Vertical(id="list"):
                yield Static(id="columns")
                yield WorkList(self._row, id="works")
            yield TextPane(id="detail")
            with VerticalScroll(id="criteria"):
                yield Static(criteria_text(self.session.settings.include,
                                           self.session.settings.exclude))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#criteria").display = False
        self.query_one("#title", Static).update(Text.assemble(
            (f"{self.stage.replace('_', ' ').title()} screening", "bold"),
            f"  ·  {self.session.reviewer}"))
        works = self.query_one(WorkList)
        works.set_rows(self._rows())
        works.focus()
        self.call_after_refresh(self._update_columns)
        self._show_detail(works.current)
        self._update_progress()
        self.set_interval(POLL_SECONDS, self._poll)
        self._rank_wanted.set()
        self.run_worker(self._rank_in_background, thread=True, group="ranking",
                        exit_on_error=False)
        self.collector.start()
        self.set_interval(0.25, self.collector.tick)
        self.call_after_refresh(lambda: setattr(self, "ready_at", perf_counter()))

    # -- what the list shows ----------------------------------------------------------

    def _author_width(self) -> int:
        """The author column: 16 wide, less in a narrow list (the title needs the room).
        From the list's box, not its rows' width, which loses the scrollbar's columns when
        the rows fit: the header and the rows then stay aligned."""
        width = self.query_one("#list").size.width - 2
        return max(8, min(16, (width - 14) // 4))

    def _update_columns(self) -> None:
        """The header over the list's columns, aligned with its rows."""
        self.query_one("#columns", Static).update(columns_header(
            self.session.reviewer, self.session.settings.reviewers, self.sort,
            self._author_width()))

    def on_resize(self) -> None:
        self.call_after_refresh(self._update_columns)

    def _row(self, work_id: int) -> Text:
        """One row: my decision, the others' (as blinding allows), whether it waits for a
        resolution (or the resolution's outcome), year, author, title."""
        session = self.session
        line = session.lines[work_id]
        visible = session.stage.visible_decisions(work_id, session.reviewer)
        mine = visible.get(session.reviewer)
        text = Text()
        text.append((mine.decision or " ").upper() if mine else "·",
                    DECISION_STYLE.get(mine.decision or "", "dim") if mine else "dim")
        others = [e for r, e in visible.items() if r != session.reviewer]
        text.append("  ")
        text.append("".join((e.decision or "?").upper() for e in others).ljust(3)[:3],
                    "dim" if not others else "")
        outcome = session.stage.outcome(work_id) if mine else ""
        resolution = session.stage.works[work_id].resolution if mine else None
        if outcome in (CONFLICT, UNRESOLVED_MAYBE):
            text.append("!", "bold red")
        elif resolution is not None and resolution.decision:
            text.append(resolution.decision.upper(),
                        f"{DECISION_STYLE.get(resolution.decision, 'bold')} reverse")
        else:
            text.append(" ")
        if self.sort == "relevance":
            place = self.ranked.rank.get(work_id) if self.ranked else None
            text.append(f" {place:>{RANK_WIDTH - 1}}" if place else f" {'·':>{RANK_WIDTH - 1}}",
                        "cyan" if place else "dim")
        text.append(f" {line.year or '    '} ", "dim")
        width = self._author_width()
        author = shown_surname(line.first_author)[:width]
        text.append(f"{author:<{width}} ", "italic")
        text.append_text(highlighted(line.title, self.include, self.exclude))
        if line.journal:
            text.append(f" — {line.journal}", "dim")
        text.append(f" [{', '.join(line.databases)}]", "dim")
        return text

    def _matches(self, work_id: int) -> bool:
        session, wanted = self.session, self.filter
        if self.search:
            if work_id not in self._haystack:
                line = session.lines[work_id]
                self._haystack[work_id] = " ".join(
                    (line.title, line.first_author, line.journal, str(line.year or ""),
                     f"w{work_id}", (self._texts or {}).get(work_id, ""))).lower()
            if self.search not in self._haystack[work_id]:
                return False
        if wanted == "all":
            return True
        mine = session.mine(work_id)
        if wanted == "undecided":
            return mine is None
        if wanted == "mine":
            return mine is not None
        if wanted == "conflicts":
            return mine is not None and session.stage.needs_resolution(work_id)
        return mine == wanted

    def _rows(self) -> list[int]:
        lines = self.session.lines
        if self.search or self.sort != "list":
            lines.read()  # every title, in one query
        if self.search and self._texts is None:
            self._texts = self._searched_texts()
        return sort_rows([w for w in self.session.stage.work_ids if self._matches(w)],
                         lines, self.sort, self.ranked.rank if self.ranked else None)

    def _searched_texts(self) -> dict[int, str]:
        """Each work's abstracts, keywords and authors (all its records'), for `/`: read
        once, when the first search is made."""
        texts: dict[int, list[str]] = {}
        for record in self.session.library.records():
            if record.work_id is not None:
                texts.setdefault(record.work_id, []).extend(
                    [record.abstract or "", *record.keywords, *record.authors])
        self._haystack.clear()
        return {work_id: " ".join(parts) for work_id, parts in texts.items()}

    def _update_progress(self) -> None:
        session = self.session
        permille = 1000 * session.decided // max(1, session.total)
        if permille != self._permille:  # the bar cannot show less (and redrawing it costs)
            self.query_one("#progress", ProgressBar).update(total=1000, progress=permille)
            self._permille = permille
        shown = len(self.query_one(WorkList).rows)
        view = self.filter if not self.search else f"{self.filter}, “{self.search}”"
        model = f" · {self.ranked.says()}" if self.ranked and self.ranked.labelled else ""
        self.query_one("#counts", Static).update(  # one line, its width fixed: no layout
            f"{session.decided:,}/{session.total:,} decided · showing {shown:,} ({view}){model}",
            layout=False)

    def _show_detail(self, work_id: int | None) -> None:
        self._shown = work_id
        pane = self.query_one("#detail", TextPane)
        if work_id is None:
            pane.update(Text("No works to show here. Press f to change the filter, "
                             "/ to change the search.", style="italic"))
            return
        key, describe = self._detail(work_id)
        ahead = self._ahead
        if ahead is not None and ahead[0] == key:
            pane.update(ahead[1], ahead[2])
        else:
            pane.update(describe())
        self._ahead = None
        self.call_after_refresh(self._prepare_next)

    def _detail(self, work_id: int) -> tuple[tuple[object, ...], Callable[[], RenderableType]]:
        """What the pane shows for a work, and a key that changes whenever that would."""
        session = self.session
        state = session.stage.works[work_id]
        visible = session.stage.visible_decisions(work_id, session.reviewer)
        hidden = len(state.current()) - len(visible)
        notes = [n for n in state.notes if n.reviewer == session.reviewer or visible]
        resolution = state.resolution if visible else None
        fulltext = self.fulltexts.get(work_id)
        study = self.study_notes.get(work_id)
        key = (work_id, tuple(e.entry_id for e in visible.values()), hidden,
               resolution.entry_id if resolution else None,
               tuple(n.entry_id for n in notes), fulltext, study)
        return key, lambda: describe_work(session.work(work_id), self.include, self.exclude,
                                          visible, hidden, resolution, notes, fulltext, study)

    def _prepare_next(self) -> None:
        """Once the screen is drawn, read and lay out the next work in the list: the
        reviewer's next keypress usually shows it."""
        works = self.query_one(WorkList)
        if works.cursor + 1 >= len(works.rows):
            return
        key, describe = self._detail(works.rows[works.cursor + 1])
        content = describe()
        self._ahead = (key, content, self.query_one("#detail", TextPane).wrap(content))

    def on_unmount(self) -> None:
        self._stopping.set()
        self._rank_wanted.set()
        self.collector.stop()

    # -- relevance order --------------------------------------------------------------

    def _rank_in_background(self) -> None:
        """In a thread, which mostly waits: a ranking process reads the works and fits
        their features once, then retrains and ranks whenever the decisions changed."""
        session = self.session
        ranker = RankingProcess(session.library.opener(), list(session.stage.work_ids))
        try:
            while not self._stopping.is_set():
                self._rank_wanted.wait()
                if self._stopping.is_set():
                    return
                self._rank_wanted.clear()
                try:
                    labels = training_labels(session.stage, session.reviewer)
                except RuntimeError:  # the stage changed while it was read: read it again
                    self._rank_wanted.set()
                    continue
                try:
                    ranked = ranker.rank(labels)
                except (MnrError, EOFError, OSError):
                    return  # the list keeps its own order
                if not self._stopping.is_set():
                    self.app.call_from_thread(self._take_ranking, ranked)
        finally:
            ranker.close()

    def _take_ranking(self, ranked: Ranked) -> None:
        if self._stopping.is_set() or not self.is_mounted:  # left while it was ranking
            return
        first = self.ranked is None
        self.ranked = ranked
        self._update_progress()
        if self.sort == "relevance":
            self._refilter()
        elif first and ranked.labelled:
            self.notify("Relevance order is ready: s sorts by it", timeout=3)

    @on(WorkList.Highlighted)
    def _highlighted(self, event: WorkList.Highlighted) -> None:
        self.collector.active()
        if event.work_id != self._shown or event.work_id is None:
            self._show_detail(event.work_id)

    # -- acting -----------------------------------------------------------------------

    def _timed(self, started: float) -> None:
        self.collector.active()
        self.call_after_refresh(lambda: self.latencies_ms.append(
            (perf_counter() - started) * 1000))

    def _write(self, action: Callable[[], T]) -> T | None:
        """Run a write (or a read the write depends on); a refusal or a library held too
        long by someone else is a notice."""
        try:
            return action()
        except LibraryUnavailable as error:
            self.notify(busy(error), severity="error")
        except MnrError as error:
            self.notify(error.message, severity="error")
        return None

    def _decide(self, decision: str, reason: str | None = None,
                started: float | None = None) -> None:
        started = started or perf_counter()
        works = self.query_one(WorkList)
        work_id = works.current
        if work_id is None:
            return
        if self._write(lambda: self.session.decide(work_id, decision, reason)) is None:
            return
        works.refresh_work(work_id)
        self._update_progress()
        self._rank_wanted.set()
        if works.cursor < len(works.rows) - 1:
            works.action_move(1)
        else:
            self.notify("That was the last work in this list.")
        self._timed(started)  # first: the next work is laid out ahead after this is timed
        self._show_detail(works.current)  # in this frame, not after the Highlighted message

    def action_decide(self, decision: str) -> None:
        started = perf_counter()
        if decision == "n" and self.stage in self.session.settings.reason_required:
            self.action_exclude_with_reason()
            return
        self._decide(decision, started=started)

    def action_exclude_with_reason(self) -> None:
        if self.query_one(WorkList).current is None:
            return
        reasons = self.session.settings.exclusion_reasons

        def chosen(reason: str | None) -> None:
            if reason:
                self._decide("n", reason)

        if reasons:
            self.app.push_screen(ReasonPicker(reasons), chosen)
        else:
            self.app.push_screen(TextPrompt("Why exclude it?"), chosen)

    def action_undo(self) -> None:
        started = perf_counter()
        undone = self._write(self.session.undo)
        if undone is None:
            return
        works = self.query_one(WorkList)
        works.refresh_work(undone.work_id)
        index = works.index_of(undone.work_id)
        if index is not None:
            works.go_to(index)
        self._update_progress()
        self._rank_wanted.set()
        self.notify(f"Undid {(undone.decision or '').upper()} for W{undone.work_id}.")
        self._timed(started)
        self._show_detail(works.current)

    def action_note(self) -> None:
        work_id = self.query_one(WorkList).current
        if work_id is None:
            return

        def save(text: str | None) -> None:
            if text and self._write(lambda: self.session.note(work_id, text)):
                self._show_detail(work_id)

        self.app.push_screen(TextPrompt(f"Note on W{work_id}"), save)

    def action_search(self) -> None:
        def apply(text: str | None) -> None:
            if text is not None:
                self.search = text.lower()
                self._refilter()

        self.app.push_screen(TextPrompt("Search titles, authors, journals, abstracts and "
                                        "keywords (empty: all)", self.search), apply)

    def action_filter(self, step: int) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + step) % len(FILTERS)]
        self._refilter()
        self.notify(f"Showing: {self.filter}", timeout=1.5)

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._refilter()
        self._update_columns()
        if self.sort == "relevance" and self.ranked is None:
            self.notify("Sorted by relevance once the model is ready (it reads the works "
                        "first)", timeout=3)
        else:
            self.notify("Sorted: " + ("in the list's own order" if self.sort == "list"
                                      else f"by {self.sort}"), timeout=1.5)

    def _refilter(self) -> None:
        self.query_one(WorkList).set_rows(self._rows())
        self._update_progress()

    def action_move(self, step: int) -> None:
        self.query_one(WorkList).action_move(step)

    def action_criteria(self) -> None:
        panel = self.query_one("#criteria")
        panel.display = not panel.display

    def action_stop_screening(self) -> None:
        """Record the team's decision to stop this stage, once the stopping rule says so
        (the same act as ``mnr stop``); asked first, since it cannot be taken back."""
        from mnr.screening.stop import record_stop, rule_at

        session = self.session
        test = self._write(lambda: rule_at(session.library, session.settings, self.stage))
        if test is None:
            return
        if test.screened >= test.total:
            self.notify("Every work at this stage is screened: there is nothing to stop."
                        if test.total else "There are no works at this stage to stop "
                        "screening.", timeout=4)
            return
        if not test.stop:
            self.notify(f"Not yet: {test.says()}. To stop anyway: mnr stop --stage "
                        f"{self.stage} --force", severity="warning", timeout=6)
            return

        def answer(choice: str | None) -> None:
            if choice != "stop":
                return
            made = self._write(lambda: record_stop(session.library, session.settings,
                                                   self.stage, session.reviewer))
            if made is None:
                return
            stop, _ = made
            self.notify(f"Stopped: the {stop.total - stop.screened:,} works not screened "
                        "count in PRISMA as marked ineligible by automation tools",
                        timeout=6)

        left = test.total - test.screened
        self.app.push_screen(ChoicePicker(
            f"{test.says()}. Stop screening this stage? The {left:,} works not screened "
            "will be counted as marked ineligible by automation tools.",
            [("stop", "Stop here (recorded in the log)"), ("cancel", "Screen on")],
            highlight=1), answer)

    def action_help(self) -> None:
        settings = self.session.settings
        self.app.push_screen(HelpScreen(binding_keys(self.BINDINGS), settings.include,
                                        settings.exclude,
                                        notes=column_help(self.session.reviewer,
                                                          settings.reviewers)))

    def action_attach(self) -> None:
        work_id = self.query_one(WorkList).current
        if work_id is None:
            return
        project = getattr(self.app, "project", None)

        def save(location: str | None) -> None:
            if not location or project is None:
                return
            try:
                self.fulltexts[work_id] = attach(project, self.session.library, work_id,
                                                 location, self.session.reviewer)
            except MnrError as error:
                self.notify(error.message, severity="error")
                return
            self._show_detail(work_id)

        self.app.push_screen(TextPrompt(f"Full text of W{work_id}: a file under library/ "
                                        "or a URL"), save)

    def action_open_fulltext(self) -> None:
        work_id = self.query_one(WorkList).current
        project = getattr(self.app, "project", None)
        fulltext = self.fulltexts.get(work_id) if work_id is not None else None
        if fulltext is None or project is None:
            self.notify("No full text attached (t attaches one).", severity="warning")
            return
        try:
            self.notify(f"Opening {open_fulltext(project, fulltext)}")
        except MnrError as error:
            self.notify(error.message, severity="error")

    def action_back(self) -> None:
        leave(self)

    def _poll(self) -> None:
        """Show what other reviewers decided meanwhile (as blinding allows): in this
        library, or in judgement lines a pull or a synced folder brought."""
        try:
            catch_up_and_tell(self, self.session.library)
            touched = self.session.poll()
        except LibraryUnavailable:
            return  # busy: next time
        if not touched:
            return
        works = self.query_one(WorkList)
        for work_id in set(touched):
            works.refresh_work(work_id)
        if works.current in touched:
            self._show_detail(works.current)
        self._update_progress()
        self._rank_wanted.set()  # a settled outcome may teach the model
