"""The mnr apps: the whole TUI (a home screen with the review's steps and counts, and the
screens behind them) and the duplicate review on its own; who is at the keyboard.

``mnr`` opens the home screen; ``mnr screen`` opens screening directly; ``mnr dedupe
--review`` (:func:`run_dedupe_review`) the duplicate review. The screens live in
:mod:`mnr.tui.screens`, one module each; those not needed at start-up are imported when
first opened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from mnr.errors import MnrError
from mnr.library import Library
from mnr.project import Project, Settings
from mnr.review import open_existing
from mnr.screening.session import ScreeningSession
from mnr.tui.screens.conflicts import ConflictsScreen
from mnr.tui.screens.home import HomeScreen
from mnr.tui.screens.screening import ScreeningScreen

CSS_PATH = "mnr.tcss"  # beside this module


def _open(project: Project) -> tuple[Library, Settings]:
    """The review's library and settings (the library closed again if the settings fail)."""
    library = open_existing(project)
    try:
        return library, project.settings()
    except BaseException:
        library.close()
        raise


class ReviewerPicker(ModalScreen[str | None]):
    """Who is at the keyboard: one of the protocol's reviewers."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, reviewers: list[str]) -> None:
        super().__init__()
        self.reviewers = reviewers

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Who is screening?", classes="dialog-title")
            yield OptionList(*[Option(r, id=r) for r in self.reviewers], id="reviewers")

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MnrApp(App[None]):
    """The whole TUI; ``screen`` picks where it opens ("home" or "screening")."""

    CSS_PATH = CSS_PATH
    TITLE = "mnr"

    def __init__(self, project: Project, reviewer: str | None = None, screen: str = "home",
                 stage: str | None = None) -> None:
        super().__init__()
        self.project = project
        self.library, self.settings = _open(project)
        self.reviewer = reviewer
        self.start, self.start_stage = screen, stage
        # The first screen's session is made here, before the app runs: a reviewer or a
        # stage the protocol refuses is then an error the CLI reports in one line.
        self.first_session: ScreeningSession | None = None
        if screen == "screening" and reviewer:
            try:
                self.first_session = self.session(stage)
            except BaseException:
                self.library.close()
                raise

    def session(self, stage: str | None) -> ScreeningSession:
        assert self.reviewer is not None
        return ScreeningSession(self.library, self.settings, self.reviewer, stage)

    def on_mount(self) -> None:
        if self.first_session is not None:
            self.push_screen(ScreeningScreen(self.first_session))
        else:
            self.push_screen(HomeScreen())

    def with_reviewer(self, then: Callable[[], object], ask: bool = False) -> None:
        """Run ``then`` once it is known who is at the keyboard."""
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
                from mnr.tui.screens.dedupe_review import DedupeReviewScreen

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
            from mnr.tui.screens.appraisal import AppraisalScreen

            return AppraisalScreen(self.library, self.settings, self.reviewer)
        if kind == "extraction":
            from mnr.tui.screens.extraction import ExtractionScreen

            return ExtractionScreen(self.library, self.settings, self.reviewer)
        from mnr.tui.screens.traditions import TraditionsScreen

        return TraditionsScreen(self.library, self.settings, self.reviewer)

    def on_unmount(self) -> None:
        self.library.close()


class DedupeReviewApp(App[None]):
    """The duplicate review on its own (``mnr dedupe --review``); tests build it too."""

    CSS_PATH = CSS_PATH
    TITLE = "mnr — duplicate review"

    def __init__(self, project: Project, reviewer: str) -> None:
        super().__init__()
        if not reviewer.strip():
            raise MnrError("say who decides: --reviewer INITIALS (as in review.toml)")
        self.project = project
        self.reviewer = reviewer.strip()
        self.library = open_existing(project)

    def on_mount(self) -> None:
        from mnr.tui.screens.dedupe_review import DedupeReviewScreen

        self.push_screen(DedupeReviewScreen(self.library, self.reviewer))

    def on_unmount(self) -> None:
        self.library.close()


def run_app(project: Project, reviewer: str | None = None, screen: str = "home",
            stage: str | None = None) -> None:
    """Run the TUI in the terminal until the user quits; an error it stopped on (shown
    by Textual) makes a non-zero exit."""
    app = MnrApp(project, reviewer, screen, stage)
    app.run()
    if app.return_code:
        raise SystemExit(app.return_code)


def run_dedupe_review(project: Project, reviewer: str) -> None:
    """Open the duplicate review in the terminal until the reviewer quits."""
    DedupeReviewApp(project, reviewer).run()
