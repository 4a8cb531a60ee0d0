"""The two records of a duplicate pair side by side, with their differences marked."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import ClassVar

from rich import box
from rich.console import RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from mnr.dedupe.queue import ReviewItem
from mnr.display import printable
from mnr.records import StoredRecord

ABSTRACT_CHARS = 320


def shorten(text: str | None, limit: int) -> str:
    """Whitespace collapsed, cut to ``limit`` characters with an ellipsis."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# label and field name: the rows of the side-by-side view, in reading order
ROWS: list[tuple[str, str]] = [
    ("Title", "title"), ("Authors", "authors"), ("Year", "year"), ("Journal", "journal"),
    ("Vol(issue)", "volume_issue"), ("Pages", "pages"), ("DOI", "doi"), ("PMID", "pmid"),
    ("ISSN", "issn"), ("Database", "database"), ("Source id", "source_id"),
    ("Work", "work"), ("Abstract", "abstract"),
]
# where the records come from: expected to differ, so never marked as a difference
CONTEXT = {"database", "source_id", "work"}


def field_value(record: StoredRecord, name: str) -> str:
    """The text shown for one field of a record ("" when it is missing)."""
    if name == "authors":
        return printable("; ".join(record.authors))
    if name == "volume_issue":
        return f"{record.volume or ''}({record.issue})" if record.issue else record.volume or ""
    if name == "work":
        return record.work_label or ""
    value = getattr(record, name)
    text = "" if value is None else printable(str(value))
    return shorten(text, ABSTRACT_CHARS) if name == "abstract" else text


def _normal(value: str) -> str:
    return " ".join(value.casefold().split()).rstrip(".")


def compare(first: str, second: str) -> str:
    """How two values of a field relate: "same", "differ", "missing" (one side) or "empty"."""
    if not first and not second:
        return "empty"
    if not first or not second:
        return "missing"
    return "same" if _normal(first) == _normal(second) else "differ"


def _word(word: str) -> str:
    return word.casefold().strip(".,;:()[]")


def marked(first: str, second: str, changed: Style) -> tuple[Text, Text]:
    """Both values with the words that differ between them in the ``changed`` style."""
    words_a, words_b = first.split(), second.split()
    matcher = SequenceMatcher(None, [_word(w) for w in words_a], [_word(w) for w in words_b],
                              autojunk=False)
    text_a, text_b = Text(), Text()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        style = "" if tag == "equal" else changed
        for text, words in ((text_a, words_a[i1:i2]), (text_b, words_b[j1:j2])):
            for word in words:
                if text:
                    text.append(" ")
                text.append(word, style=style)
    return text_a, text_b


class PairView(Widget):
    """The two records of a pair side by side, one row per field.

    Rows whose values differ carry a "≠" mark and the ``pair-view--differ``
    style (the words that differ also ``pair-view--changed``), rows present on
    one side only a "±" mark, equal rows are dim, and fields neither record
    has are left out.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "pair-view--same", "pair-view--differ", "pair-view--changed", "pair-view--missing",
        "pair-view--label",
    }
    MARKS: ClassVar[dict[str, str]] = {"same": " ", "differ": "≠", "missing": "±"}

    item: reactive[ReviewItem | None] = reactive(None, layout=True)

    def render(self) -> RenderableType:
        if self.item is None:
            return ""
        a, b = self.item.record_a, self.item.record_b
        table = Table(box=box.SIMPLE_HEAD, expand=True, padding=(0, 1), show_edge=False)
        table.add_column("", no_wrap=True, width=12)
        table.add_column(f"{a.label} · {a.database}", ratio=1)
        table.add_column(f"{b.label} · {b.database}", ratio=1)
        label_style = self.get_component_rich_style("pair-view--label")
        changed = self.get_component_rich_style("pair-view--changed", partial=True)
        styles = {
            "same": self.get_component_rich_style("pair-view--same"),
            "differ": self.get_component_rich_style("pair-view--differ"),
            "missing": self.get_component_rich_style("pair-view--missing"),
        }
        for label, name in ROWS:
            first, second = field_value(a, name), field_value(b, name)
            relation = compare(first, second)
            if relation == "empty":
                continue
            if name in CONTEXT:
                relation = "same"
            style: Style = styles[relation]
            if relation == "differ":
                text_a, text_b = marked(first, second, changed)
            else:
                text_a, text_b = Text(first or "—"), Text(second or "—")
            text_a.stylize_before(style)  # the row's style, under the changed words' style
            text_b.stylize_before(style)
            table.add_row(Text(f"{self.MARKS[relation]} {label}", style=label_style + style),
                          text_a, text_b)
        return table


