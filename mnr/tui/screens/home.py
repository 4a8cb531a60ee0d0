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

from mnr.display import plural
from mnr.errors import LibraryUnavailable
from mnr.review import ReviewStatus, status
from mnr.screening.summary import StageSummary
from mnr.synthesis.progress import SynthesisProgress, synthesis_progress
from mnr.tui.screens.prompts import HelpScreen, binding_keys, catch_up_and_tell

if TYPE_CHECKING:
    from mnr.tui.app import MnrApp


POLL_SECONDS = 3.0
STEP_HELP = Text.assemble(
    ("Steps\n", "bold"),
    "  Searches       the exports imported (`mnr import`, `mnr searches`)\n",
    "  Deduplication  works made from records; Enter: review uncertain pairs\n",
    "  Title …        screening by stage: Y include, N exclude, M maybe\n",
    "  Conflicts      where the reviewers disagree; Enter resolves them\n",
    "  Included       the studies included at the last stage\n",
    "  Appraisal …    the synthesis of the included studies\n",
    "  PRISMA         the flow diagram's numbers\n",
    ("\nDuplicates are counted two ways: records merged into works (every record folded "
     "into another), and PRISMA's duplicate records removed before screening (only the "
     "databases' records: those found by other methods, such as citation searching, "
     "have their own column).\n", "dim"))


def _step(name: str, line: str | Text, style: str = "bold") -> Text:
    """A step's name in a column of its own, then its counts."""
    return Text.assemble((f"{name:<14}", style), line)


def dedupe_lines(review: ReviewStatus) -> Text:
    """Deduplication's counts, each saying which it is (the words of
    :meth:`mnr.review.ReviewStatus.deduplication`), on lines aligned after the step name."""
    counts, indent = review.works, " " * 14
    line = _step("Deduplication", f"{plural(counts.works, 'work')} from "
                 f"{plural(counts.records - counts.unassigned, 'record')}")
    if review.pairs_to_review:
        line.append(f" · {plural(review.pairs_to_review, 'pair')} to review", "bold yellow")
    line.append(f"\n{indent}{plural(counts.records_merged, 'record')} merged into works")
    line.append(f"\n{indent}PRISMA: {plural(counts.duplicates_removed, 'duplicate record')} "
                "removed before screening", "dim")
    if review.removed:
        line.append(f"\n{indent}{review.removals()}", "dim")
    if counts.unassigned:
        line.append(f"\n{indent}{plural(counts.unassigned, 'record')} not deduplicated "
                    "(run `mnr dedupe`)", "yellow")
    return line


class HomeScreen(Screen[None]):
    """The review's steps with their counts; Enter opens the step."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", show=True),
        Binding("r", "pick_reviewer", "Reviewer"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
    ]

    _seen: object = None  # the judgement files as the counts shown had them

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
        self.set_interval(POLL_SECONDS, self._poll)

    def _poll(self) -> None:
        """Counts afresh when the library changed meanwhile (another terminal's
        `mnr dedupe --review` or `mnr decide`, a colleague's lines after a pull)."""
        if self.app.screen is not self:
            return
        try:
            catch_up_and_tell(self, self.mnr.library)
            seen = self.mnr.library.acts.seen()
        except LibraryUnavailable:
            return  # busy: next time
        if seen != self._seen:
            self.refresh_counts()

    def on_screen_resume(self) -> None:
        self.refresh_counts()

    def refresh_counts(self) -> None:
        app = self.mnr
        try:
            self._seen = app.library.acts.seen()
            review = status(app.library, app.settings)
            progress = synthesis_progress(app.library, app.settings, included=review.included)
            included = progress.included  # studies: the reports of one study count once
        except LibraryUnavailable as error:  # the counts shown stay until the next time
            self.notify(error.message, severity="error")
            return
        self.query_one("#title", Static).update(Text.assemble(
            (review.title, "bold"), "\n",
            (f"Reviewer: {app.reviewer or '(press r)'}", "italic")))
        steps = self._review_steps(review)
        steps.append(Option(_step("Included", plural(included, "study", "studies"),
                                  "bold green"), id="included"))
        steps += self._synthesis_steps(progress)
        steps.append(Option(_step("PRISMA", "the flow diagram's numbers, live"), id="prisma"))
        listing = self.query_one("#steps", OptionList)
        keep = listing.highlighted
        listing.clear_options()
        listing.add_options(steps)
        listing.highlighted = keep if keep is not None and keep < len(steps) else 2
        self.query_one("#hint", Static).update(Text(
            "Enter opens a step · r changes reviewer · ? help · q quits", style="dim"))

    def _review_steps(self, review: ReviewStatus) -> list[Option]:
        """Searches, deduplication, and each screening stage (with its conflicts)."""
        searches = review.searches
        steps = [Option(_step("Searches", f"{plural(searches.searches, 'search', 'searches')}"
                              f", {plural(searches.records, 'record')}"), id="searches")]
        steps.append(Option(dedupe_lines(review), id="dedupe"))
        for stage in review.stages:
            steps.append(Option(self._stage_line(stage), id=f"stage:{stage.stage}"))
            if stage.conflicts:
                steps.append(Option(_step(
                    "  Conflicts", f"{stage.conflicts:,} at the {stage.stage} stage",
                    "bold red"), id=f"conflicts:{stage.stage}"))
        return steps

    def _stage_line(self, stage: StageSummary) -> Text:
        """Works at the stage, the reviewer's share, the outcomes and what is waiting."""
        line = _step(stage.stage.replace("_", " ").title(), plural(stage.works, "work"))
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
        line = f"{progress.complete:,} of {total:,} included appraised"
        if progress.partial:
            line += f" ({progress.partial:,} more in part)"
        if reviewer:
            line += f" · you {progress.complete_by.get(reviewer, 0):,}"
            partly = progress.appraised_by.get(reviewer, 0) - progress.complete_by.get(
                reviewer, 0)
            if partly:
                line += f" (+{partly:,} in part)"
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
        elif kind == "included":
            from mnr.tui.screens.included import IncludedScreen

            self.app.push_screen(IncludedScreen(self.mnr.library, self.mnr.settings))
        elif kind in ("stage", "conflicts", "dedupe", "appraisal", "extraction", "traditions"):
            self.mnr.with_reviewer(lambda: self.mnr.open_step(kind, stage))
        elif kind == "searches":
            self.notify("Searches are imported with `mnr import`; see `mnr searches`.")

    def action_help(self) -> None:
        settings = self.mnr.settings
        self.app.push_screen(HelpScreen(binding_keys(self.BINDINGS), settings.include,
                                        settings.exclude, notes=STEP_HELP))

    def action_pick_reviewer(self) -> None:
        self.mnr.with_reviewer(self.refresh_counts, ask=True)
