"""The Traditions screen: the review's research traditions and the included studies' tags.

Top left, the traditions (review.toml's, then those created here) with how many studies
each holds; below, the included studies with their tags. The right pane shows the
highlighted tradition (description, storyline, works, themes, memos) or study (tags,
themes, memos), whichever list has the focus. Keys tag the highlighted study with a
tradition, a method family or a country, add a memo or a findings theme; everything is
written through :mod:`mnr.synthesis.traditions`, which keeps it all as a log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from mnr.errors import LibraryUnavailable, MnrError
from mnr.library import Library
from mnr.project import Settings
from mnr.synthesis import traditions as core
from mnr.synthesis.studies import Study, parse_works, studies
from mnr.tui.screens.prompts import (
    OTHER,
    ChoicePicker,
    HelpScreen,
    TextPrompt,
    binding_keys,
    busy,
    leave,
)
from mnr.tui.widgets.tradition_detail import TraditionMap


class TraditionsScreen(Screen[None]):
    """Map the included studies into research traditions, as one reviewer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "tag_tradition", "Tradition"),
        Binding("m", "tag_method", "Method"),
        Binding("c", "tag_country", "Country"),
        Binding("k", "concept", "Concept"),
        Binding("a", "memo", "Memo"),
        Binding("A", "review_memo", "Memo on the review", show=False),
        Binding("f", "theme", "Findings theme"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, library: Library, settings: Settings, reviewer: str) -> None:
        super().__init__()
        self.library, self.settings, self.reviewer = library, settings, reviewer
        self.studies = studies(library, settings)
        self.label_width = min(30, max((len(s.label) for s in self.studies), default=0))
        self.showing = "study"  # or "tradition": what the right pane shows
        self._load()

    def _load(self) -> None:
        self.map = TraditionMap(self.studies, core.traditions(self.library, self.settings),
                                core.current_tags(self.library), core.themes(self.library),
                                core.memos(self.library),
                                core.current_concept_links(self.library))

    @property
    def traditions(self) -> list[core.Tradition]:
        return self.map.traditions

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        with Horizontal(id="body"):
            with Vertical(id="lists"):
                yield Label("Traditions", classes="pane-title")
                yield OptionList(id="traditions")
                yield Label("Included studies", classes="pane-title")
                yield OptionList(id="studies")
            with VerticalScroll(id="detail"):
                yield Static(id="about")
        yield Footer()

    def on_mount(self) -> None:
        self._redraw()
        listing = self.query_one("#studies", OptionList)
        if self.studies:
            listing.highlighted = 0
            listing.focus()
        else:
            self.query_one("#traditions", OptionList).focus()
        self._show()

    def _redraw(self) -> None:
        """Fill both lists (keeping the highlights) and the title."""
        tradition_list = self.query_one("#traditions", OptionList)
        study_list = self.query_one("#studies", OptionList)
        keep_t, keep_s = tradition_list.highlighted, study_list.highlighted
        tradition_list.clear_options()
        tradition_list.add_options([Option(self.map.tradition_row(n, t), id=t.name)
                                    for n, t in enumerate(self.traditions, 1)])
        study_list.clear_options()
        study_list.add_options([Option(self.map.study_row(s, self.label_width),
                                       id=str(s.work_id)) for s in self.studies])
        if self.traditions:
            tradition_list.highlighted = min(keep_t or 0, len(self.traditions) - 1)
        if self.studies:
            study_list.highlighted = min(keep_s or 0, len(self.studies) - 1)
        self.query_one("#title", Static).update(Text.assemble(
            ("Traditions", "bold"), f"  ·  {self.reviewer}  ·  {len(self.traditions)} traditions"
            f"  ·  {self.map.tagged()} of {len(self.studies)} included studies in a tradition"
            "  ·  Tab: next pane"))

    @property
    def study(self) -> Study | None:
        listing = self.query_one("#studies", OptionList)
        if listing.highlighted is None or not self.studies:
            return None
        option_id = listing.get_option_at_index(listing.highlighted).id
        return self.map.by_id.get(int(option_id)) if option_id else None

    @property
    def tradition(self) -> core.Tradition | None:
        listing = self.query_one("#traditions", OptionList)
        if listing.highlighted is None or not self.traditions:
            return None
        return self.traditions[listing.highlighted]

    # -- the right pane -----------------------------------------------------------------

    def _show(self) -> None:
        about = self.query_one("#about", Static)
        if self.showing == "tradition" and self.tradition is not None:
            about.update(self.map.tradition_text(self.tradition))
        elif self.study is not None:
            about.update(self.map.study_text(self.study))
        elif self.tradition is not None:
            about.update(self.map.tradition_text(self.tradition))
        else:
            about.update(Text("No included studies and no traditions yet. Traditions are "
                              "[[tradition]] tables in review.toml.", "italic"))

    @on(OptionList.OptionHighlighted, "#traditions")
    def _tradition_highlighted(self) -> None:
        if self.query_one("#traditions", OptionList).has_focus:
            self.showing = "tradition"
            self._show()

    @on(OptionList.OptionHighlighted, "#studies")
    def _study_highlighted(self) -> None:
        if self.query_one("#studies", OptionList).has_focus:
            self.showing = "study"
            self._show()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget.id in ("traditions", "studies"):
            self.showing = "tradition" if event.widget.id == "traditions" else "study"
            self._show()

    # -- writing ------------------------------------------------------------------------

    def _write(self, action: Callable[[], object], done: str) -> bool:
        """Run a write through the core; an MnrError is a notice. Redraw after."""
        try:
            action()
        except LibraryUnavailable as error:
            self.notify(busy(error), severity="error")
            return False
        except MnrError as error:
            self.notify(error.message, severity="error")
            return False
        self._load()
        self._redraw()
        self._show()
        self.notify(done)
        return True

    def _tag(self, study: Study, kind: str, value: str, done: str, remove: bool = False) -> None:
        self._write(lambda: core.tag(self.library, self.settings, study.work_id, kind, value,
                                     self.reviewer, remove=remove), done)

    def _target(self) -> Study | None:
        study = self.study
        if study is None:
            self.notify("No study highlighted.", severity="warning")
        return study

    def action_tag_tradition(self) -> None:
        study = self._target()
        if study is None:
            return
        has = self.map.tags_of(study.work_id, "tradition")
        choices = [(t.name, f"{'✓ ' if t.name in has else ''}{t.name}") for t in self.traditions]

        def picked(name: str | None) -> None:
            if name == OTHER:
                self._new_tradition(study)
            elif name in has:
                self._tag(study, "tradition", name, f"{study.label} is no longer in “{name}”.",
                          remove=True)
            elif name:
                self._tag(study, "tradition", name, f"{study.label} is in “{name}”.")

        self.app.push_screen(ChoicePicker(
            f"Tradition of {study.label}\n✓ marks its traditions: picking one again takes it "
            "out of it.", choices, other="a new tradition (type its name)"), picked)

    def _new_tradition(self, study: Study) -> None:
        def named(name: str | None) -> None:
            if not name:
                return

            def described(description: str | None) -> None:
                if description is None:
                    return

                def create() -> None:
                    core.create_tradition(self.library, self.settings, name,
                                          description=description)
                    core.tag(self.library, self.settings, study.work_id, "tradition", name,
                             self.reviewer)

                self._write(create, f"New tradition “{name}”, with {study.label} in it.")

            self.app.push_screen(TextPrompt(f"What is “{name}”? (a sentence; may be empty)"),
                                 described)

        self.app.push_screen(TextPrompt("Name of the new tradition"), named)

    def action_tag_method(self) -> None:
        study = self._target()
        if study is None:
            return
        has = self.map.tags_of(study.work_id, "method")
        choices = [(m, f"{'✓ ' if m in has else ''}{m}") for m in core.METHODS]
        current = core.METHODS.index(has[0]) if has and has[0] in core.METHODS else 0

        def picked(method: str | None) -> None:
            if method and method in has:
                self._tag(study, "method", method, f"{study.label}: method family taken off.",
                          remove=True)
            elif method:
                self._tag(study, "method", method, f"{study.label}: {method}.")

        self.app.push_screen(ChoicePicker(f"Method family of {study.label}\nPicking the "
                                          "current one (✓) takes it off.", choices,
                                          highlight=current), picked)

    def action_tag_country(self) -> None:
        study = self._target()
        if study is None:
            return
        has = self.map.tags_of(study.work_id, "country")

        def typed(country: str | None) -> None:
            if country is None or (has and country == has[0]):
                return
            if not country:
                if has:
                    self._tag(study, "country", has[0], f"{study.label}: country taken off.",
                              remove=True)
                return
            self._tag(study, "country", country, f"{study.label}: {country}.")

        self.app.push_screen(TextPrompt(f"Country of {study.label} (empty takes it off)",
                                        has[0] if has else ""), typed)

    def action_concept(self) -> None:
        """Link the study to a key concept or theory of its traditions (or take the link
        back): the same act as ``mnr traditions concept``."""
        study = self._target()
        if study is None:
            return
        mine = set(self.map.tags_of(study.work_id, "tradition"))
        declared = [(t, c, kind) for (t, c), kind in
                    core.declared_concepts(self.library, self.settings).items() if t in mine]
        if not declared:
            self.notify(f"{study.label} is in no tradition with concepts or theories yet "
                        "(t puts it in one; review.toml declares them).", severity="warning")
            return
        linked = core.current_concept_links(self.library)
        choices = [(str(n), f"{'✓ ' if study.work_id in linked.get((t, c), []) else ''}{c} "
                    f"({kind}, {t})") for n, (t, c, kind) in enumerate(declared)]

        def picked(choice: str | None) -> None:
            if choice is None:
                return
            tradition, concept, _ = declared[int(choice)]
            remove = study.work_id in linked.get((tradition, concept), [])
            self._write(lambda: core.link_concept(
                self.library, self.settings, concept, [study.work_id], self.reviewer,
                tradition, remove=remove),
                f"{study.label} {'no longer carries' if remove else 'carries'} “{concept}”.")

        self.app.push_screen(ChoicePicker(
            f"Concepts and theories carried by {study.label}\n✓ marks those linked: picking "
            "one again takes the link back.", choices), picked)

    def action_memo(self) -> None:
        if self.showing == "tradition" and self.tradition is not None:
            name = self.tradition.name
            subject, about, what = "tradition", name, f"the tradition “{name}”"
        else:
            study = self._target()
            if study is None:
                return
            subject, about, what = "work", str(study.work_id), study.label
        self._ask_memo(subject, about, what)

    def action_review_memo(self) -> None:
        self._ask_memo("review", None, "the review")

    def _ask_memo(self, subject: str, about: str | None, what: str) -> None:
        def typed(text: str | None) -> None:
            if text:
                self._write(lambda: core.add_memo(self.library, self.settings, subject, about,
                                                  self.reviewer, text),
                            f"Memo on {what} kept.")

        self.app.push_screen(TextPrompt(f"Memo on {what}"), typed)

    def action_theme(self) -> None:
        """A findings theme: which tradition, the statement, positive or negative, the
        works behind it (the highlighted study to start with)."""
        if not self.traditions:
            self.notify("No traditions yet: t on a study makes one.", severity="warning")
            return
        study = self.study if self.showing == "study" else None
        start = 0
        if self.showing == "tradition" and self.tradition is not None:
            start = self.traditions.index(self.tradition)
        elif study is not None:
            names = self.map.tags_of(study.work_id, "tradition")
            start = next((i for i, t in enumerate(self.traditions) if t.name in names), 0)
        choices = [(t.name, t.name) for t in self.traditions]

        def tradition_picked(name: str | None) -> None:
            if not name:
                return

            def stated(statement: str | None) -> None:
                if not statement:
                    return

                def polarity_picked(polarity: str | None) -> None:
                    if polarity:
                        self._ask_works(name, statement, polarity,
                                        study.label if study is not None else "")

                self.app.push_screen(ChoicePicker("Does the theme say the tradition found "
                                                  "something positive or negative?",
                                                  [(p, p) for p in core.POLARITIES]),
                                     polarity_picked)

            self.app.push_screen(TextPrompt(f"A finding of “{name}” (one sentence)"), stated)

        self.app.push_screen(ChoicePicker("Findings theme of which tradition?", choices,
                                          highlight=start), tradition_picked)

    def _ask_works(self, tradition: str, statement: str, polarity: str, value: str) -> None:
        def typed(text: str | None) -> None:
            if text is None:
                return
            works, unknown = self.parse_works(text)
            if unknown:
                self.notify(f"Not a work of this review: {', '.join(unknown)}. Use the labels "
                            "as listed, or W numbers.", severity="error")
                self._ask_works(tradition, statement, polarity, text)
                return
            self._write(lambda: core.save_theme(self.library, self.settings, tradition,
                                                statement, polarity, works, self.reviewer),
                        f"Theme kept for “{tradition}” ({len(works)} studies).")

        self.app.push_screen(TextPrompt("The studies behind it: labels or W numbers, "
                                        "separated by commas", value), typed)

    def parse_works(self, text: str) -> tuple[list[int], list[str]]:
        """Work ids from "Simpson et al. 2016, W12, 7"; and what was not understood."""
        return parse_works(self.library, self.studies, text)

    # -- leaving ------------------------------------------------------------------------

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(binding_keys(self.BINDINGS), self.settings.include,
                                        self.settings.exclude))

    def action_back(self) -> None:
        leave(self)
