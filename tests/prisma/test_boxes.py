"""Each PRISMA box is worded once, in ``boxes.py``: the diagram, the table and the template
all read it there, so rewording a box is a one-file edit."""

from __future__ import annotations

import csv
import dataclasses
import io
import re

import pytest
from rich.console import Console

from mnr.prisma import boxes
from mnr.prisma.boxes import BOXES
from mnr.prisma.counts import Flow
from mnr.prisma.diagram import layout
from mnr.prisma.report import flow_report
from mnr.prisma.template import write_csv

NUMBER = re.compile(r"\(n = [\d,]+\)")


def flow() -> Flow:
    """Every box with a number, in both columns; names of one or two short words."""
    return Flow(database_results=30, database_specific_results={"MEDLINE": 20, "CINAHL": 10},
                register_results=4, register_specific_results={"ISRCTN": 4},
                other_results={"Citation searching": 8, "Websites": 2},
                duplicates=5, excluded_automatic=1, excluded_other=2, records_screened=26,
                records_excluded=16, dbr_sought_reports=10, dbr_notretrieved_reports=1,
                dbr_assessed=9, dbr_excluded={"Inpatient sample": 3, "Not research": 1},
                other_sought_reports=6, other_notretrieved_reports=1, other_assessed=5,
                other_excluded={"Not research": 2}, new_studies=8, new_reports=8,
                total_studies=8, total_reports=8)


def diagram_texts(shown: Flow) -> list[str]:
    """The diagram's words, box by box (lines joined again where they were wrapped)."""
    return [" ".join(text.get_text() for text in texts) for _, texts in layout(shown).boxes]


def report_rows(shown: Flow) -> dict[str, str]:
    """The table's first column: label -> number."""
    console = Console(file=io.StringIO(), record=True, width=200, color_system=None)
    console.print(flow_report(shown))
    rows = {}
    for line in console.export_text().splitlines():
        cells = [cell.strip() for cell in line.split("│")]
        if len(cells) == 5 and cells[1]:
            rows[cells[1]] = cells[2]
    return rows


def template_rows(shown: Flow) -> list[dict[str, str]]:
    stream = io.StringIO()
    write_csv(shown, stream)
    return list(csv.DictReader(io.StringIO(stream.getvalue())))


def test_rewording_one_box_shows_in_the_diagram_the_table_and_the_template(
        monkeypatch: pytest.MonkeyPatch) -> None:
    original = BOXES["records_screened"]
    monkeypatch.setitem(BOXES, "records_screened",
                        dataclasses.replace(original, label="Works screened"))
    shown = flow()
    assert "Works screened (n = 26)" in diagram_texts(shown)
    assert report_rows(shown)["Works screened"] == "26"
    row = next(r for r in template_rows(shown) if r["data"] == "records_screened")
    assert (row["boxtext"], row["description"], row["tooltips"]) == (
        "Works screened", "Works screened (databases and registers)",
        "Works screened (databases and registers)")
    everywhere = [*diagram_texts(shown), *report_rows(shown),
                  *(value for r in template_rows(shown) for value in r.values())]
    assert not any(original.label in text for text in everywhere)


def _marked(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Every wording in ``boxes`` replaced by a marker; returns the markers."""
    markers: set[str] = set()
    for i, (key, box) in enumerate(list(BOXES.items())):
        marked = dataclasses.replace(box, label=f"«L{i}»", short=f"«S{i}»" if box.short else "",
                                     template=f"«T{i}»" if box.template else "")
        markers.update(word for word in (marked.label, marked.short, marked.template) if word)
        monkeypatch.setitem(BOXES, key, marked)
    for i, heading in enumerate(("IDENTIFIED_FROM", "REMOVED_BEFORE_SCREENING")):
        monkeypatch.setattr(boxes, heading, f"«H{i}»")
        markers.add(f"«H{i}»")
    return markers


def test_every_word_of_the_diagram_comes_from_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    markers = _marked(monkeypatch)
    shown = flow()
    names = [name for values in (shown.database_specific_results,
                                 shown.register_specific_results, shown.other_results,
                                 shown.dbr_excluded, shown.other_excluded) for name in values]
    texts = diagram_texts(shown)
    for text in texts:
        rest = NUMBER.sub("", text)
        for word in sorted([*markers, *names], key=len, reverse=True):
            rest = rest.replace(word, "")
        assert rest.replace(":", "").split() == [], text
    assert len({marker for marker in markers if any(marker in text for text in texts)}) >= 20


def test_every_row_label_of_the_table_comes_from_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    markers = _marked(monkeypatch)
    rows = report_rows(flow())
    assert len(rows) == 18
    assert set(rows) <= markers


def test_every_text_of_the_template_comes_from_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    original = dict(BOXES)
    _marked(monkeypatch)
    rows = template_rows(flow())
    assert len(rows) == sum(1 for box in BOXES.values() if box.box)
    for row, box in zip(rows, (box for box in BOXES.values() if box.box), strict=True):
        assert (row["data"], row["node"], row["box"]) == (box.data, box.node, box.box)
        assert row["boxtext"] == box.boxtext and row["boxtext"].startswith("«")
        if "{text}" in original[box.key].description:
            assert row["boxtext"] in row["description"]
        else:
            assert row["description"] == original[box.key].description


def test_each_box_has_its_flow_field_and_says_how_it_is_counted() -> None:
    fields = {f.name for f in dataclasses.fields(Flow)} - {
        "stages", "gaps", "review_round", "round_date"}  # which round the flow is of
    template_only = {"identification", "screening", "included"}  # phase bars
    keys = {box.key for box in BOXES.values() if not box.title}
    assert fields <= keys
    assert keys - fields == template_only
    assert all(box.counted and box.label for box in BOXES.values())
    nodes = [box.node for box in BOXES.values() if box.node != "NA"]
    assert len(nodes) == len(set(nodes))


def test_the_renderers_hold_no_label_of_their_own() -> None:
    """No string in diagram.py, report.py or template.py spells a box's words."""
    import ast
    import inspect

    from mnr.prisma import diagram, report, template

    words = {w for box in BOXES.values() for w in (box.label, box.short, box.template) if w}
    words |= {boxes.IDENTIFIED_FROM, boxes.REMOVED_BEFORE_SCREENING}
    for module in (diagram, report, template):
        tree = ast.parse(inspect.getsource(module))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
                      and node.body and isinstance(node.body[0], ast.Expr)}
        strings = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                   and isinstance(node.value, str) and id(node) not in docstrings]
        assert not [s for s in strings if any(w in s for w in words)], module
