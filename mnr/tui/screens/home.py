"""The home screen: the review's steps with their counts; Enter opens the step.

The counts are read afresh each time the screen is shown, from the same functions as
``mnr status`` (:func:`mnr.review.status`) and the synthesis's
(:func:`mnr.synthesis.progress.synthesis_progress`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from mnr.errors import LibraryUnavailable
from mnr.review import ReviewStatus, status
from mnr.screening.summary import StageSummary
from mnr.synthesis.progress import SynthesisProgress, synthesis_progress

if TYPE_CHECKING:
    from mnr.tui.app import MnrApp


def _step(name: str, line: str | Text, style: str = "bold") -> Text:
    """A step's name in a column of its own, then its counts."""
    return Text.assemble((f"{name:<14}", style), line)


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
        return cast("MnrApp", self.app)

    def on_mount(self) -> None:
        self.query_one("#steps", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.refresh_counts()

    def refresh_counts(self) -> None:
        app = self.mnr
        try:
            review = status(app.library, app.settings)
            included = len(review.included)
            progress = synthesis_progress(app.library, app.settings, included=review.included)
        except LibraryUnavailable as error:  # the counts shown stay until the next time
            self.notify(error.message, severity="error")
            return
        self.query_one("#title", Static).update(Text.assemble(
            (review.title, "bold"), "\n",
            (f"Reviewer: {app.reviewer or '(press r)'}", "italic")))
        steps = self._review_steps(review)
        steps.append(Option(_step("Included", f"{included:,} works", "bold green"),
                            id="included"))
        steps += self._synthesis_steps(progress)
        steps.append(Option(_step("PRISMA", "the flow diagram's numbers, live"), id="prisma"))
        listing = self.query_one("#steps", OptionList)
        keep = listing.highlighted
        listing.clear_options()
        listing.add_options(steps)
        listing.highlighted = keep if keep is not None and keep < len(steps) else 2
        self.query_one("#hint", Static).update(Text(
            "Enter opens a step · r changes reviewer · q quits", style="dim"))

    def _review_steps(self, review: ReviewStatus) -> list[Option]:
        """Searches, deduplication, and each screening stage (with its conflicts)."""
        searches = review.searches
        steps = [Option(_step("Searches", f"{searches.searches} searches, "
                              f"{searches.records:,} records"), id="searches")]
        dedupe = review.deduplication()
        if review.works.unassigned:
            dedupe += (f", {review.works.unassigned:,} records not deduplicated "
                       "(run `mnr dedupe`)")
        steps.append(Option(_step("Deduplication", dedupe), id="dedupe"))
        for stage in review.stages:
            steps.append(Option(self._stage_line(stage), id=f"stage:{stage.stage}"))
            if stage.conflicts:
                steps.append(Option(_step(
                    "  Conflicts", f"{stage.conflicts:,} at the {stage.stage} stage",
                    "bold red"), id=f"conflicts:{stage.stage}"))
        return steps

    def _stage_line(self, stage: StageSummary) -> Text:
        """Works at the stage, the reviewer's share, the outcomes and what is waiting."""
        line = _step(stage.stage.replace("_", " ").title(), f"{stage.works:,} works")
        mine = stage.decided.get(self.mnr.reviewer or "", None)
        if mine is not None:
            share = mine / stage.works if stage.works else 1.0
            line.append(f" · you {mine:,}/{stage.works:,} ({share:.0%})")
        line.append(f" · Y {stage.included:,} N {stage.excluded:,} "
                    f"M {stage.maybe:,} · {stage.pending:,} waiting")
        return line

    def _synthesis_steps(self, progress: SynthesisProgress) -> list[Option]:
        """Appraisal, extraction and traditions: how far each has got with the included."""
        reviewer, total = self.mnr.reviewer, progress.included
        line = f"{progress.appraised:,} of {total:,} included appraised"
        if reviewer:
            line += f" · you {progress.appraised_by.get(reviewer, 0):,}"
        return [
            Option(_step("Appraisal", line), id="appraisal"),
            Option(_step("Extraction", f"{progress.extracted:,} of {total:,} included "
                         "extracted"), id="extraction"),
            Option(_step("Traditions", f"{progress.traditions:,} traditions · "
                         f"{progress.in_tradition:,} of {total:,} included in one"),
                   id="traditions"),
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
            from mnr.tui.screens.prisma import PrismaScreen

            self.app.push_screen(PrismaScreen(self.mnr.library, self.mnr.settings))
        elif kind in ("stage", "conflicts", "dedupe", "appraisal", "extraction", "traditions"):
            self.mnr.with_reviewer(lambda: self.mnr.open_step(kind, stage))
        else:
            self.notify("Searches are imported with `mnr import`; see `mnr searches`.")

    def action_pick_reviewer(self) -> None:
        self.mnr.with_reviewer(self.refresh_counts, ask=True)
