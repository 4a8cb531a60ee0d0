"""The Traditions screen: the review's research traditions and the included studies' tags.

Top left, the traditions (review.toml's, then those created here) with how many studies
each holds; below, the included studies with their tags. The right pane shows the
highlighted tradition (description, storyline, works, themes, memos) or study (tags,
themes, memos), whichever list has the focus. Keys tag the highlighted study with a
tradition, a method family or a country, add a memo or a findings theme; everything is
written through :mod:`mnr.synthesis.traditions`, which keeps it all as a log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import OperationalError
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from mnr.errors import MnrError
from mnr.library import Library
from mnr.library.models import Theme
from mnr.project import Settings
from mnr.synthesis import traditions as core
from mnr.synthesis.studies import Study, studies
from mnr.tui.prompts import HelpScreen, TextPrompt, binding_keys

OTHER = "\0other"


def _hanging(mark: Text, text: Text) -> Table:
    """A line indented under its mark when it wraps."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column(ratio=1)
    grid.add_row(mark, text)
    return grid


class ChoicePicker(ModalScreen[str | None]):
    """Pick one of a few values (a digit picks at once); optionally "another" to type."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], other: str | None = None,
                 highlight: int = 0) -> None:
        super().__init__()
        self.title_text, self.choices, self.other = title, list(choices), other
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            options = [Option(f"{n}  {label}" if n < 10 else f"   {label}", id=value)
                       for n, (value, label) in enumerate(self.choices, 1)]
            if self.other:
                options.append(Option(f"…  {self.other}", id=OTHER))
            yield OptionList(*options, id="choices")

    def on_mount(self) -> None:
        listing = self.query_one("#choices", OptionList)
        listing.highlighted = min(self.highlight, max(0, listing.option_count - 1))
        listing.focus()

    def on_key(self, event: events.Key) -> None:
        if event.key.isdigit() and 0 < int(event.key) <= min(9, len(self.choices)):
            event.stop()
            self.dismiss(self.choices[int(event.key) - 1][0])

    @on(OptionList.OptionSelected, "#choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TraditionsScreen(Screen[None]):
    """Map the included studies into research traditions, as one reviewer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "tag_tradition", "Tradition"),
        Binding("m", "tag_method", "Method"),
        Binding("c", "tag_country", "Country"),
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
        self.by_id = {s.work_id: s for s in self.studies}
        self.label_width = min(30, max((len(s.label) for s in self.studies), default=0))
        self.showing = "study"  # or "tradition": what the right pane shows
        self._load()

    def _load(self) -> None:
        self.traditions = core.traditions(self.library, self.settings)
        self.tags = core.current_tags(self.library)
        self.themes = core.themes(self.library)
        self.memos = core.memos(self.library)

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

    def _number(self, name: str) -> int | None:
        for number, tradition in enumerate(self.traditions, 1):
            if tradition.name == name:
                return number
        return None

    def _members(self, name: str) -> list[Study]:
        return [s for s in self.studies
                if name in self.tags.get(s.work_id, {}).get("tradition", [])]

    def _study_row(self, study: Study) -> Text:
        tags = self.tags.get(study.work_id, {})
        numbers = [str(self._number(t) or "?") for t in tags.get("tradition", [])]
        text = Text(f"{study.label:<{self.label_width}} ", "bold")
        text.append(f"[{','.join(numbers)}]" if numbers else "[ ]",
                    "bold cyan" if numbers else "dim")
        for kind in ("method", "country"):
            values = tags.get(kind, [])
            text.append(f" {values[0] if values else '·'}", "" if values else "dim")
        text.append(f"  {study.title}", "dim")
        return text

    def _redraw(self) -> None:
        """Fill both lists (keeping the highlights) and the title."""
        tradition_list = self.query_one("#traditions", OptionList)
        study_list = self.query_one("#studies", OptionList)
        keep_t, keep_s = tradition_list.highlighted, study_list.highlighted
        tradition_list.clear_options()
        tradition_list.add_options([Option(Text.assemble(
            (f"{n}  ", "bold cyan"), t.name, (f"  {len(self._members(t.name))} studies", "dim"),
            ("  (made here)" if t.source == "library" else "", "italic dim")), id=t.name)
            for n, t in enumerate(self.traditions, 1)])
        study_list.clear_options()
        study_list.add_options([Option(self._study_row(s), id=str(s.work_id))
                                for s in self.studies])
        if self.traditions:
            tradition_list.highlighted = min(keep_t or 0, len(self.traditions) - 1)
        if self.studies:
            study_list.highlighted = min(keep_s or 0, len(self.studies) - 1)
        tagged = sum(1 for s in self.studies if self.tags.get(s.work_id, {}).get("tradition"))
        self.query_one("#title", Static).update(Text.assemble(
            ("Traditions", "bold"), f"  ·  {self.reviewer}  ·  {len(self.traditions)} traditions"
            f"  ·  {tagged} of {len(self.studies)} included studies in a tradition  ·  "
            "Tab: next pane"))

    @property
    def study(self) -> Study | None:
        listing = self.query_one("#studies", OptionList)
        if listing.highlighted is None or not self.studies:
            return None
        option_id = listing.get_option_at_index(listing.highlighted).id
        return self.by_id.get(int(option_id)) if option_id else None

    @property
    def tradition(self) -> core.Tradition | None:
        listing = self.query_one("#traditions", OptionList)
        if listing.highlighted is None or not self.traditions:
            return None
        return self.traditions[listing.highlighted]

    # -- the right pane -----------------------------------------------------------------

    def _label(self, work_id: int) -> str:
        study = self.by_id.get(work_id)
        return study.label if study else f"W{work_id} (not included)"

    def _memo_lines(self, subject: str, about: str | None) -> list[Table]:
        return [_hanging(Text("•", "dim"), Text.assemble(
                    (f"{memo.written_at[:10]} {memo.author or ''}: ", "dim"), memo.text))
                for memo in self.memos if memo.subject == subject and memo.about == about]

    def _theme_line(self, theme: Theme, with_tradition: bool = False) -> Table:
        sign = Text("+", "bold green") if theme.polarity == "positive" else Text("−", "bold red")
        text = Text(theme.statement)
        if with_tradition:
            text.append(f"  ({theme.tradition})", "italic")
        text.append(f"  [{'; '.join(self._label(w) for w in theme.works)}]", "dim")
        return _hanging(sign, text)

    def _tradition_text(self, tradition: core.Tradition) -> Group:
        parts: list[RenderableType] = [Text(tradition.name, "bold")]
        if tradition.source == "library":
            parts.append(Text("Created in mnr (not in review.toml)", "italic dim"))
        for title, value in (("Description", tradition.description),
                             ("Paradigm", tradition.paradigm),
                             ("Storyline", tradition.storyline)):
            if value:
                parts += [Text(""), Text(title, "bold underline"), Text(value)]
        for title, values in (("Concepts", tradition.concepts),
                              ("Theories", tradition.theories), ("Methods", tradition.methods)):
            if values:
                parts.append(Text.assemble((f"{title}: ", "bold"), "; ".join(values)))
        if tradition.checklist:
            parts.append(Text.assemble(("Appraised with: ", "bold"), tradition.checklist))
        members = self._members(tradition.name)
        parts += [Text(""), Text(f"Studies ({len(members)})", "bold underline")]
        parts += [_hanging(Text("•", "dim"), Text.assemble(f"{s.label}  ", (s.title, "dim")))
                  for s in members] or [
            Text("  none yet: highlight a study and press t", "dim italic")]
        found = [t for t in self.themes if t.tradition == tradition.name]
        parts += [Text(""), Text(f"Findings themes ({len(found)})", "bold underline")]
        parts += [self._theme_line(t) for t in found] or [
            Text("  none yet: f adds one", "dim italic")]
        memos = self._memo_lines("tradition", tradition.name)
        if memos:
            parts += [Text(""), Text("Memos", "bold underline"), *memos]
        return Group(*parts)

    def _study_text(self, study: Study) -> Group:
        merged = study.work.merged
        tags = self.tags.get(study.work_id, {})
        parts: list[RenderableType] = [
            Text.assemble((study.label, "bold"), "  ", (f"W{study.work_id}", "dim")),
            Text(study.title, "italic")]
        if merged.journal:
            parts.append(Text(merged.journal, "dim"))
        parts.append(Text(""))
        names = tags.get("tradition", [])
        parts.append(Text.assemble(("Traditions: ", "bold"), "; ".join(
            f"{self._number(n) or '?'} {n}" for n in names) or ("none (t)", "dim")))
        for kind, key in (("method", "m"), ("country", "c")):
            values = tags.get(kind, [])
            parts.append(Text.assemble((f"{kind.title()}: ", "bold"),
                                       values[0] if values else (f"not tagged ({key})", "dim")))
        found = [t for t in self.themes if study.work_id in t.works]
        if found:
            parts += [Text(""), Text("Themes it supports", "bold underline")]
            parts += [self._theme_line(t, with_tradition=True) for t in found]
        memos = self._memo_lines("work", str(study.work_id))
        if memos:
            parts += [Text(""), Text("Memos", "bold underline"), *memos]
        if merged.abstract:
            parts += [Text(""), Text(merged.abstract, "dim")]
        return Group(*parts)

    def _show(self) -> None:
        about = self.query_one("#about", Static)
        if self.showing == "tradition" and self.tradition is not None:
            about.update(self._tradition_text(self.tradition))
        elif self.study is not None:
            about.update(self._study_text(self.study))
        elif self.tradition is not None:
            about.update(self._tradition_text(self.tradition))
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
        except MnrError as error:
            self.notify(error.message, severity="error")
            return False
        except OperationalError as error:
            self.notify(f"Not saved, the library is busy: {error.orig}", severity="error")
            return False
        self._load()
        self._redraw()
        self._show()
        self.notify(done)
        return True

    def _target(self) -> Study | None:
        study = self.study
        if study is None:
            self.notify("No study highlighted.", severity="warning")
        return study

    def action_tag_tradition(self) -> None:
        study = self._target()
        if study is None:
            return
        has = self.tags.get(study.work_id, {}).get("tradition", [])
        choices = [(t.name, f"{'✓ ' if t.name in has else ''}{t.name}") for t in self.traditions]

        def picked(name: str | None) -> None:
            if name == OTHER:
                self._new_tradition(study)
            elif name in has:
                self._write(lambda: core.tag(self.library, self.settings, study.work_id,
                                             "tradition", name, self.reviewer, remove=True),
                            f"{study.label} is no longer in “{name}”.")
            elif name:
                self._write(lambda: core.tag(self.library, self.settings, study.work_id,
                                             "tradition", name, self.reviewer),
                            f"{study.label} is in “{name}”.")

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
        has = self.tags.get(study.work_id, {}).get("method", [])
        choices = [(m, f"{'✓ ' if m in has else ''}{m}") for m in core.METHODS]
        current = core.METHODS.index(has[0]) if has and has[0] in core.METHODS else 0

        def picked(method: str | None) -> None:
            if method and method in has:
                self._write(lambda: core.tag(self.library, self.settings, study.work_id,
                                             "method", method, self.reviewer, remove=True),
                            f"{study.label}: method family taken off.")
            elif method:
                self._write(lambda: core.tag(self.library, self.settings, study.work_id,
                                             "method", method, self.reviewer),
                            f"{study.label}: {method}.")

        self.app.push_screen(ChoicePicker(f"Method family of {study.label}\nPicking the "
                                          "current one (✓) takes it off.", choices,
                                          highlight=current), picked)

    def action_tag_country(self) -> None:
        study = self._target()
        if study is None:
            return
        has = self.tags.get(study.work_id, {}).get("country", [])

        def typed(country: str | None) -> None:
            if country is None or (has and country == has[0]):
                return
            if not country:
                if has:
                    self._write(lambda: core.tag(self.library, self.settings, study.work_id,
                                                 "country", has[0], self.reviewer,
                                                 remove=True),
                                f"{study.label}: country taken off.")
                return
            self._write(lambda: core.tag(self.library, self.settings, study.work_id,
                                         "country", country, self.reviewer),
                        f"{study.label}: {country}.")

        self.app.push_screen(TextPrompt(f"Country of {study.label} (empty takes it off)",
                                        has[0] if has else ""), typed)

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
            names = self.tags.get(study.work_id, {}).get("tradition", [])
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
        labels = {s.label.lower(): s.work_id for s in self.studies}
        known = self.library.screening.work_ids()
        works: list[int] = []
        unknown: list[str] = []
        for token in (part.strip() for part in text.split(",")):
            if not token:
                continue
            number = token[1:] if token[:1] in "wW" else token
            if token.lower() in labels:
                work_id: int | None = labels[token.lower()]
            elif number.isdigit():
                work_id = int(number)
            else:
                work_id = None
            if work_id is None or work_id not in known:
                unknown.append(token)
            elif work_id not in works:
                works.append(work_id)
        return works, unknown

    # -- leaving ------------------------------------------------------------------------

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(binding_keys(self.BINDINGS), self.settings.include,
                                        self.settings.exclude))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()
