"""A document as a list of blocks (headings, paragraphs, lists, tables, figures), written
as Markdown or as a Word file: the report is composed once and rendered twice, so the two
never say different things."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 1: the title
    text: str


@dataclass(frozen=True, slots=True)
class Para:
    text: str


@dataclass(frozen=True, slots=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True, slots=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Figure:
    path: Path  # an image beside the document
    caption: str


Block = Heading | Para | Bullets | Table | Figure


@dataclass(slots=True)
class Document:
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


def _cell(value: str) -> str:
    """A Markdown table cell: pipes escaped, lines joined (a table row is one line)."""
    return " ".join(value.replace("|", "\\|").split()) or " "


def markdown(document: Document, folder: Path) -> str:
    """The document as Markdown; figures linked relative to ``folder`` (the file's)."""
    out: list[str] = []
    for block in document.blocks:
        if isinstance(block, Heading):
            out.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, Para):
            out.append(block.text)
        elif isinstance(block, Bullets):
            out.append("\n".join(f"- {item}" for item in block.items))
        elif isinstance(block, Table):
            lines = [f"| {' | '.join(_cell(h) for h in block.header)} |",
                     f"|{'|'.join('---' for _ in block.header)}|"]
            lines += [f"| {' | '.join(_cell(c) for c in row)} |" for row in block.rows]
            if block.caption:
                lines.insert(0, f"*{block.caption}*\n")
            out.append("\n".join(lines))
        else:
            try:
                where = block.path.relative_to(folder)
            except ValueError:
                where = block.path
            out.append(f"![{block.caption}]({where.as_posix()})\n\n*{block.caption}*")
    return "\n\n".join(out) + "\n"


def write_docx(document: Document, path: Path) -> None:
    """The document as a Word file (python-docx): headings, paragraphs, bulleted lists,
    tables with a header row, figures six inches wide with their captions."""
    from docx import Document as Word
    from docx.shared import Inches

    word = Word()
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=0 if block.level == 1 else block.level - 1)
        elif isinstance(block, Para):
            word.add_paragraph(block.text)
        elif isinstance(block, Bullets):
            for item in block.items:
                word.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            if block.caption:
                word.add_paragraph(block.caption, style="Caption")
            table = word.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            _row(table.rows[0].cells, block.header, bold=True)
            for values in block.rows:
                _row(table.add_row().cells, values)
        else:
            word.add_picture(str(block.path), width=Inches(6))
            word.add_paragraph(block.caption, style="Caption")
    word.save(str(path))


def _row(cells: Sequence[object], values: Sequence[str], bold: bool = False) -> None:
    for cell, value in zip(cells, values, strict=True):
        run = cell.paragraphs[0].add_run(value)  # type: ignore[attr-defined]
        run.bold = bold
