"""The mnr app: a home screen with the review's steps and counts, and the screens behind them.

``mnr`` opens the home screen; ``mnr screen`` opens screening directly. The
counts are derived from the library each time the home screen is shown.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from mnr.errors import MnrError
from mnr.library import Library
from mnr.project import Project, Settings
from mnr.screening.session import ScreeningSession
from mnr.screening.state import Screening, load
from mnr.screening.summary import summarise
from mnr.tui.conflicts import ConflictsScreen
from mnr.tui.screening import ScreeningScreen


class ReviewerPicker(ModalScreen[str | None]):
    """Who is at the keyboard: one of the protocol's reviewers."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, reviewers: list[str]) -> None:
        super().__init__()
        self.reviewers = reviewers

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        with Vertical(classes="dialog"):
            yield Label("Who is screening?", classes="dialog-title")
            yield OptionList(*[Option(r, id=r) for r in self.reviewers], id="reviewers")

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HomeScreen(Screen[None]):
    """The review's steps with their counts; Enter opens the step."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", show=True),
        Binding("r", "pick_reviewer", "Reviewer"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield OptionList(id="steps")
        yield Static(id="hint")
        yield Footer()

    @property
    def mnr(self) -> MnrApp:
        assert isinstance(self.app, MnrApp)
        return self.app

    def on_mount(self) -> None:
        self.query_one("#steps", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.refresh_counts()

    def refresh_counts(self) -> None:
        app = self.mnr
        app.reload()
        library, screening = app.library, app.screening
        status = library.status()
        works, ungrouped = library.works.totals()
        pairs = sum(1 for p in library.works.current_pairs() if p.verdict == "review")
        self.query_one("#title", Static).update(Text.assemble(
            (app.settings.title, "bold"), "\n",
            (f"Reviewer: {app.reviewer or '(press r)'}", "italic")))
        steps: list[Option] = [Option(Text.assemble(
            ("Searches      ", "bold"),
            f"{status.searches} searches, {status.records:,} records"), id="searches")]
        dedupe = f"{works:,} works, {status.records - ungrouped - works:,} duplicates removed"
        if pairs:
            dedupe += f", {pairs} pairs to review"
        if ungrouped:
            dedupe += f", {ungrouped:,} records not deduplicated (run `mnr dedupe`)"
        steps.append(Option(Text.assemble(("Deduplication ", "bold"), dedupe), id="dedupe"))
        for stage in screening.stages:
            summary = summarise(stage)
            mine = summary.decided.get(app.reviewer or "", None)
            line = Text.assemble((f"{stage.name.replace('_', ' ').title():<14}", "bold"),
                                 f"{summary.works:,} works")
            if mine is not None:
                share = mine / summary.works if summary.works else 1.0
                line.append(f" · you {mine:,}/{summary.works:,} ({share:.0%})")
            line.append(f" · Y {summary.included:,} N {summary.excluded:,} "
                        f"M {summary.maybe:,} · {summary.pending:,} waiting")
            steps.append(Option(line, id=f"stage:{stage.name}"))
            if summary.conflicts:
                steps.append(Option(Text.assemble(
                    ("  Conflicts   ", "bold red"),
                    f"{summary.conflicts:,} at the {stage.name} stage"),
                    id=f"conflicts:{stage.name}"))
        steps.append(Option(Text.assemble(("Included      ", "bold green"),
                                          f"{len(screening.included()):,} works"),
                            id="included"))
        steps += self._synthesis_steps(set(screening.included()))
        steps.append(Option(Text.assemble(("PRISMA        ", "bold"),
                                          "the flow diagram's numbers, live"), id="prisma"))
        listing = self.query_one("#steps", OptionList)
        keep = listing.highlighted
        listing.clear_options()
        listing.add_options(steps)
        listing.highlighted = keep if keep is not None and keep < len(steps) else 2
        self.query_one("#hint", Static).update(Text(
            "Enter opens a step · r changes reviewer · q quits", style="dim"))

    def _synthesis_steps(self, included: set[int]) -> list[Option]:
        """Appraisal, extraction and traditions: how far each has got with the included."""
        from mnr.synthesis import extraction, traditions
        from mnr.synthesis.appraisal import appraise

        app = self.mnr
        library, total = app.library, len(included)
        appraised = appraise.current(library)
        done = sum(1 for w in included if appraised.get(w))
        mine = sum(1 for w in included if (app.reviewer or "") in appraised.get(w, {}))
        line = f"{done:,} of {total:,} included appraised"
        if app.reviewer:
            line += f" · you {mine:,}"
        extracted = sum(1 for w in extraction.current(library) if w in included)
        tags = traditions.current_tags(library)
        tagged = sum(1 for w in included if tags.get(w, {}).get("tradition"))
        names = len(traditions.traditions(library, app.settings))
        return [
            Option(Text.assemble(("Appraisal     ", "bold"), line), id="appraisal"),
            Option(Text.assemble(("Extraction    ", "bold"),
                                 f"{extracted:,} of {total:,} included extracted"),
                   id="extraction"),
            Option(Text.assemble(("Traditions    ", "bold"),
                                 f"{names:,} traditions · {tagged:,} of {total:,} included "
                                 "in one"), id="traditions"),
        ]

    @on(OptionList.OptionSelected, "#steps")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        listing = self.query_one("#steps", OptionList)
        if listing.highlighted is None:
            return
        step = listing.get_option_at_index(listing.highlighted).id or ""
        kind, _, stage = step.partition(":")
        if kind == "prisma":
            from mnr.tui.prisma import PrismaScreen

            self.app.push_screen(PrismaScreen(self.mnr.library, self.mnr.settings))
        elif kind in ("stage", "conflicts", "dedupe", "appraisal", "extraction", "traditions"):
            self.mnr.with_reviewer(lambda: self.mnr.open_step(kind, stage))
        else:
            self.notify("Searches are imported with `mnr import`; see `mnr searches`.")

    def action_pick_reviewer(self) -> None:
        self.mnr.with_reviewer(self.refresh_counts, ask=True)


class MnrApp(App[None]):
    """The whole TUI; ``screen`` picks where it opens ("home" or "screening")."""

    CSS_PATH = "mnr.tcss"
    TITLE = "mnr"

    def __init__(self, project: Project, reviewer: str | None = None, screen: str = "home",
                 stage: str | None = None) -> None:
        super().__init__()
        if not project.database_file.exists():
            raise MnrError(f"{project.root} has no library yet: import an export with "
                           "`mnr import FILE`, then run `mnr dedupe`")
        self.project = project
        self.settings: Settings = project.settings()
        self.reviewer = reviewer
        self.start, self.start_stage = screen, stage
        self.library = Library.open(project.database_file)
        self.screening: Screening

    def reload(self) -> None:
        """Read the log again (others may have decided meanwhile)."""
        self.screening = load(self.library, self.settings)

    def session(self, stage: str | None) -> ScreeningSession:
        assert self.reviewer is not None
        return ScreeningSession(self.library, self.settings, self.reviewer, stage)

    def on_mount(self) -> None:
        if self.start == "screening" and self.reviewer:
            self.push_screen(ScreeningScreen(self.session(self.start_stage)))
        else:
            self.push_screen(HomeScreen())

    def with_reviewer(self, then: object, ask: bool = False) -> None:
        """Run ``then`` once it is known who is at the keyboard."""
        assert callable(then)
        reviewers = self.settings.reviewers
        if self.reviewer and not ask:
            then()
            return
        if len(reviewers) == 1 and not ask:
            self.reviewer = reviewers[0]
            then()
            return
        if not reviewers:
            self.notify("review.toml lists no reviewers; add your initials under "
                        "[screening] reviewers", severity="error")
            return

        def picked(reviewer: str | None) -> None:
            if reviewer:
                self.reviewer = reviewer
                then()

        self.push_screen(ReviewerPicker(reviewers), picked)

    def open_step(self, kind: str, stage: str) -> None:
        assert self.reviewer is not None
        try:
            if kind == "dedupe":
                from mnr.tui.dedupe_review import DedupeReviewScreen

                self.push_screen(DedupeReviewScreen(self.library, self.reviewer))
            elif kind in ("appraisal", "extraction", "traditions"):
                self.push_screen(self.synthesis_screen(kind))
            elif kind == "conflicts":
                self.push_screen(ConflictsScreen(self.session(stage)))
            else:
                self.push_screen(ScreeningScreen(self.session(stage)))
        except MnrError as error:
            self.notify(error.message, severity="error")

    def synthesis_screen(self, kind: str) -> Screen[None]:
        """The Appraisal, Extraction or Traditions screen, as the reviewer at the keyboard."""
        assert self.reviewer is not None
        if kind == "appraisal":
            from mnr.tui.appraisal import AppraisalScreen

            return AppraisalScreen(self.library, self.settings, self.reviewer)
        if kind == "extraction":
            from mnr.tui.extraction import ExtractionScreen

            return ExtractionScreen(self.library, self.settings, self.reviewer)
        from mnr.tui.traditions import TraditionsScreen

        return TraditionsScreen(self.library, self.settings, self.reviewer)

    def on_unmount(self) -> None:
        self.library.close()


def run_app(project: Project, reviewer: str | None = None, screen: str = "home",
            stage: str | None = None) -> None:
    """Run the TUI in the terminal until the user quits."""
    MnrApp(project, reviewer, screen, stage).run()
